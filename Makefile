.PHONY: demo test bench

demo:  ## Run the demo town at http://127.0.0.1:8000 (SQLite, no services needed)
	bash scripts/demo.sh

test:  ## The whole test suite: SQLite, then PostgreSQL + Redis, then browser tests
	bash scripts/test.sh

bench:  ## Benchmarks; each prints a table
	bash scripts/bench.sh
