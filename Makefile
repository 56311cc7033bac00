.PHONY: demo serve test bench screenshots

demo:  ## Run the demo town at http://127.0.0.1:8000 (SQLite, no services needed)
	bash scripts/demo.sh

serve:  ## The production profile: nginx, WSGI and ASGI workers, task workers (PostgreSQL + Redis), on PORT
	bash scripts/serve.sh

test:  ## The whole test suite: SQLite, then PostgreSQL + Redis, then browser tests
	bash scripts/test.sh

bench:  ## Benchmarks; each prints a table
	bash scripts/bench.sh

screenshots:  ## Screenshots of each page type, phone and laptop, into docs/screenshots/
	bash scripts/bootstrap.sh test && bash scripts/chromium.sh && .venv/bin/python scripts/screenshots.py
