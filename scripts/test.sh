#!/usr/bin/env bash
# The whole test suite: SQLite profile, then PostgreSQL + Redis, then browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh test
bash scripts/chromium.sh
workers=${PLAZA_TEST_WORKERS:-2}
pytest=(.venv/bin/python -m pytest -p xdist -n "$workers" "$@")

echo "== 1/3 embedded profile: SQLite, in-memory channel layer =="
env -u DATABASE_URL -u REDIS_URL "${pytest[@]}" -m "not browser and not fuzz"

echo "== 2/3 scale-out profile: PostgreSQL + Redis =="
eval "$(bash scripts/services.sh | sed 's/^/export /')"
"${pytest[@]}" -m "not browser and not fuzz"

echo "== 3/3 browser tests (Playwright driving /usr/bin/chromium) and API fuzzing (schemathesis) =="
env -u DATABASE_URL -u REDIS_URL .venv/bin/python -m pytest -m "browser or fuzz" "$@"
