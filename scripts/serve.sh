#!/usr/bin/env bash
# make serve: the production profile on this machine. PostgreSQL and Redis (DATABASE_URL and
# REDIS_URL, else found or installed on loopback by services.sh), nginx in front on PORT
# (static and media files from disk, /ws/ to uvicorn, pages to gunicorn's WSGI workers),
# the task workers, the outbox dispatcher and the periodic housekeeping. Ctrl-C or SIGTERM stops them all.
# docs/operations.md lists the variables and the measurements behind this layout.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
py=.venv/bin/python
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x /usr/sbin/nginx ]; then
  as_root apt-get update -qq
  # Debian's package starts a default site on port 80 where it can; ours runs apart from it.
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nginx-light >/dev/null
fi

eval "$(bash scripts/services.sh | sed 's/^/export /')"
cores=$(nproc)
export PLAZA_DEBUG=${PLAZA_DEBUG:-0}
export PLAZA_STATIC_MANIFEST=1
export PLAZA_OUTBOX_DISPATCHER=1
port=${PORT:-8000}
bind=${PLAZA_BIND:-127.0.0.1}
web_workers=${PLAZA_WEB_WORKERS:-$cores}
ws_workers=${PLAZA_WS_WORKERS:-1}
task_workers=${PLAZA_TASK_WORKERS:-1}
front_workers=${PLAZA_FRONT_WORKERS:-1}
var_dir=${PLAZA_VAR_DIR:-$PWD/var}
run_dir="$var_dir/serve-$port"
static_root="$var_dir/staticfiles"
media_root=${PLAZA_MEDIA_ROOT:-$var_dir/media}
if (exec 3<>"/dev/tcp/$bind/$port") 2>/dev/null; then
  echo "Something already answers on $bind:$port; stop it or set PORT." >&2
  exit 1
fi
export PLAZA_SITE_DOMAIN=${PLAZA_SITE_DOMAIN:-$bind:$port}
mkdir -p "$run_dir" "$media_root"
rm -f "$run_dir"/*.sock

$py manage.py create_database
$py manage.py migrate --noinput
$py manage.py collectstatic --noinput --verbosity 0
$py manage.py dispatch_outbox --once >/dev/null

sed -e "s|@USER@|$(id -un) $(id -gn)|g" -e "s|@FRONT_WORKERS@|$front_workers|g" -e "s|@RUN_DIR@|$run_dir|g" -e "s|@BIND@|$bind|g" \
  -e "s|@PORT@|$port|g" -e "s|@STATIC_ROOT@|$static_root|g" -e "s|@MEDIA_ROOT@|$media_root|g" \
  deploy/nginx.conf >"$run_dir/nginx.conf"

trap 'trap - EXIT INT TERM; kill $(jobs -p) 2>/dev/null; wait' EXIT INT TERM
# PLAZA_HTTP=asgi serves pages through uvicorn as well: the layout measured against.
if [ "${PLAZA_HTTP:-wsgi}" = asgi ]; then
  (exec .venv/bin/uvicorn plaza.config.asgi:application --uds "$run_dir/http.sock" \
    --workers "$web_workers" --lifespan off --no-access-log --log-level warning) &
else
  (exec .venv/bin/gunicorn plaza.config.wsgi:application --bind "unix:$run_dir/http.sock" \
    --workers "$web_workers" --worker-class sync --timeout 120 --graceful-timeout 20 --log-level warning) &
fi
(exec .venv/bin/uvicorn plaza.config.asgi:application --uds "$run_dir/ws.sock" \
  --workers "$ws_workers" --lifespan off --no-access-log --log-level warning) &
for _ in $(seq 1 "$task_workers"); do
  $py manage.py db_worker --interval 0.2 --no-reload &
done
$py manage.py dispatch_outbox &
$py manage.py run_periodic &
for socket in http ws; do
  for _ in $(seq 1 100); do [ -S "$run_dir/$socket.sock" ] && break; sleep 0.1; done
done
/usr/sbin/nginx -c "$run_dir/nginx.conf" -e "$run_dir/nginx-error.log" &
echo "Plaza (production profile) is serving http://$bind:$port: $web_workers web, $ws_workers WebSocket, $task_workers task worker(s)"
# Whichever process stops first stops the rest.
wait -n
