"""What every benchmark needs: a Django set up on its own database, percentiles, a table.

Benchmarks never touch the development database: SQLite files live under
``PLAZA_BENCH_DIR`` (default /tmp/plaza-bench) and PostgreSQL runs use the database named
in ``PLAZA_BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/plaza_bench;
the browse benchmark adds ``_browse`` to the name). Both are created when missing.
"""

import json
import math
import os
import platform
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("PLAZA_BENCH_DIR", "/tmp/plaza-bench"))
POSTGRES_URL = os.environ.get("PLAZA_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/plaza_bench")
# Each benchmark has its own database: the checkout race must not land in the browsing town.
DATABASE_SUFFIX = {
    "checkout": "", "browse": "_browse", "feed": "_feed", "list_fanout": "_list_fanout", "pgbench": "_pgbench",
}
BACKENDS = ("sqlite", "postgres")
RESULT_PREFIX = "BENCH-RESULT "


def bench_environment(backend: str, name: str) -> dict[str, str]:
    """Environment variables that point Plaza at the benchmark's own database."""
    env = {
        "DJANGO_SETTINGS_MODULE": "plaza.config.settings",
        "PLAZA_VAR_DIR": str(BENCH_DIR / name),
        "PLAZA_DEBUG": "0",
        "PLAZA_LOG_LEVEL": "ERROR",
    }
    if backend == "postgres":
        env["DATABASE_URL"] = postgres_url(name)
    else:
        env["PLAZA_SQLITE_PATH"] = str(BENCH_DIR / name / f"{name}.sqlite3")
    return env


def setup_django(backend: str, name: str, *, redis: bool = False) -> None:
    """Point this process at the benchmark database, create it if needed, and migrate it.

    ``redis``: the channel layer and cache on Redis (``PLAZA_BENCH_REDIS_URL``), as the
    scale-out profile runs; otherwise in memory."""
    os.environ.update(bench_environment(backend, name))
    if backend != "postgres":
        os.environ.pop("DATABASE_URL", None)
    if redis:
        os.environ["REDIS_URL"] = os.environ.get("PLAZA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
        os.environ["PLAZA_REDIS_PREFIX"] = f"bench-{name}"
    else:
        os.environ.pop("REDIS_URL", None)
    (BENCH_DIR / name).mkdir(parents=True, exist_ok=True)
    if backend == "postgres":
        create_postgres_database(postgres_url(name))
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def postgres_url(name: str) -> str:
    server, _, database = POSTGRES_URL.partition("?")[0].rpartition("/")
    options = POSTGRES_URL.partition("?")[2]
    return f"{server}/{database}{DATABASE_SUFFIX[name]}" + (f"?{options}" if options else "")


def create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    server, _, name = url.partition("?")[0].rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    server, _, name = url.partition("?")[0].rpartition("/")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


PGBENCH_SCALE = 8


def pgbench_tps(seconds: int = 20, clients: int = 8) -> float | None:
    """PostgreSQL's own yardstick on the benchmark's server: TPC-B-like transactions per
    second (``pgbench``, scale 8, ``clients`` connections), on a database of its own.
    None when pgbench is not installed."""
    import re
    import shutil

    if shutil.which("pgbench") is None:
        return None
    url = postgres_url("pgbench")
    create_postgres_database(url)
    subprocess.run(["pgbench", "-i", "-q", "-s", str(PGBENCH_SCALE), url], check=True, capture_output=True)
    run = subprocess.run(
        ["pgbench", "-c", str(clients), "-j", "2", "-T", str(seconds), url], check=True, capture_output=True, text=True
    )
    found = re.search(r"tps = ([0-9.]+)", run.stdout)
    return float(found.group(1)) if found else None


SERVE_START_TIMEOUT_S = 300


def start_make_serve(port: int, environment: dict[str, str], log: Path) -> subprocess.Popen:
    """``scripts/serve.sh`` (what ``make serve`` runs) on ``port``, once it answers /healthz; its output goes to ``log``."""
    import time
    import urllib.request

    with log.open("w") as log_file:
        server = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=REPO,
            env={**environment, "PORT": str(port)},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + SERVE_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"make serve exited with {server.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    stop_make_serve(server)
    raise SystemExit(f"make serve did not answer in {SERVE_START_TIMEOUT_S} s; see {log}")


def stop_make_serve(server: subprocess.Popen) -> None:
    """SIGTERM, as Ctrl-C would: serve.sh stops every process it started."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)


def percentile(values: list[float], percent: float) -> float:
    """The nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]


def print_table(headers: list[str], rows: list[list]) -> None:
    cells = [[format_cell(value) for value in row] for row in rows]
    widths = [max(len(header), *(len(row[index]) for row in cells)) for index, header in enumerate(headers)]
    print("| " + " | ".join(header.ljust(width) for header, width in zip(headers, widths)) + " |")
    print("| " + " | ".join("-" * width for width in widths) + " |")
    for row in cells:
        print("| " + " | ".join(cell.rjust(width) for cell, width in zip(row, widths)) + " |")


def format_cell(value) -> str:
    if isinstance(value, float):
        return "–" if math.isnan(value) else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def emit_result(result: dict) -> None:
    """A child process hands its figures to the parent on one marked stdout line."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def run_child(module: str, backend: str, arguments: list[str], timeout: float) -> list[dict]:
    """Run ``python -m module --child --backend backend ...`` and collect the results it emits."""
    completed = subprocess.run(
        [sys.executable, "-m", module, "--child", "--backend", backend, *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    lines = completed.stdout.splitlines()
    results = [json.loads(line[len(RESULT_PREFIX) :]) for line in lines if line.startswith(RESULT_PREFIX)]
    if completed.returncode != 0:
        sys.stderr.write(completed.stdout[-4000:] + completed.stderr[-4000:])
        raise SystemExit(f"{module} on {backend} failed (exit {completed.returncode})")
    return results


def machine() -> str:
    """One line naming the machine, for the figures in docs/benchmarks.md."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kilobytes = int(meminfo.read_text().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GiB RAM"
    # Other work on the machine skews every figure: say how busy it was.
    load = ", load average %.1f" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    return f"{model}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()}{load}"
