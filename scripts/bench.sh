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
echo "== live list fan-out: 200 WebSocket clients: in-memory and Redis layers, and make serve =="
if [ "$backends" = sqlite ]; then
  $py -m bench.list_fanout --layers memory,redis
  exit 0
fi
$py -m bench.list_fanout

echo
echo "== make serve beside django-oscar (../shared/peers): static, bare view, product, search, listing =="
$py -m bench.serving

echo
echo "== soak: mixed traffic against make serve, PostgreSQL sessions and memory over time =="
$py -m bench.soak --minutes "${PLAZA_SOAK_MINUTES:-10}"
