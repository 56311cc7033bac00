#!/usr/bin/env bash
# The demo on the embedded profile: SQLite, in-process channel layer, one task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
py=.venv/bin/python
# Plaza's own error pages, not Django's debugging ones; e-mail links to this PORT.
export PLAZA_DEBUG=${PLAZA_DEBUG:-0}
export PORT=${PORT:-8000}
$py manage.py migrate --noinput
$py manage.py seed_demo --if-empty
$py manage.py dispatch_outbox --once
$py manage.py run_periodic &
periodic=$!
trap 'kill $periodic 2>/dev/null' EXIT
echo "Plaza is running at http://127.0.0.1:${PORT:-8000} (Ctrl-C stops it)"
# One process serves the pages and sockets and runs the background tasks: with the
# in-memory channel layer, a task's live push reaches only the sockets of its own process.
$py manage.py serve --host 127.0.0.1 --port "${PORT:-8000}"
