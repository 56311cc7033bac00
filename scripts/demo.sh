#!/usr/bin/env bash
# The demo on the embedded profile: SQLite, in-process channel layer, one task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
py=.venv/bin/python
$py manage.py migrate --noinput
$py manage.py seed_demo --if-empty
$py manage.py deliver_outbox
$py manage.py db_worker --interval 0.5 &
worker=$!
$py manage.py run_periodic &
periodic=$!
trap 'kill $worker $periodic 2>/dev/null' EXIT
echo "Plaza is running at http://127.0.0.1:8000 (Ctrl-C stops it)"
.venv/bin/uvicorn plaza.config.asgi:application --host 127.0.0.1 --port "${PORT:-8000}"
