#!/usr/bin/env bash
# The benchmarks; each prints a table. Figures and how to read them: docs/benchmarks.md.
# All traffic stays on 127.0.0.1 and every run is bounded in requests and time.
# PostgreSQL comes from PLAZA_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/plaza_bench);
# set PLAZA_BENCH_BACKENDS=sqlite to skip it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
py=.venv/bin/python
backends=${PLAZA_BENCH_BACKENDS:-both}

echo "== checkout under contention =="
$py -m bench.checkout_contention --backend "$backends"

echo
echo "== browse at 100,000 products (seeded on first run, then reused) =="
$py -m bench.browse --backend "$backends" "$@"

echo
echo "== home feed: 500 friends among 1,000,000 shares (seeded on first run, then reused) =="
$py -m bench.feed --backend "$backends"

echo
echo "== live list fan-out: 200 WebSocket clients, in-memory and Redis layers =="
$py -m bench.list_fanout
