"""Browsing a 100,000-product town through a real server: home near me, search, product page.

Seeds the town once (``seed_demo --scale 50``) into the benchmark's own database and reuses
it afterwards, starts one uvicorn worker on 127.0.0.1, and drives it with a bounded
asyncio load generator (keep-alive HTTP/1.1, a fixed number of connections, a fixed number
of requests per page, and a time limit). The table shows requests per second and latency
per page, the server's memory, and how long the seed took. One connection shows what a
single request costs; several show throughput, with latency that includes queueing (one
worker serves one request at a time).

    python -m bench.browse                          # SQLite, 100,000 products
    python -m bench.browse --backend postgres --requests 2000 --connections 1,16
"""

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from bench.common import BACKENDS, BENCH_DIR, REPO, emit_result, machine, percentile, print_table, run_child, setup_django

PRODUCTS_PER_SCALE = 2000
SEED = 42
SAMPLE_SIZE = 500
WARM_UP_REQUESTS = 30
SERVER_START_TIMEOUT_S = 60
CHILD_TIMEOUT_S = 1800
TARGET_P99_MS = 50


def seed_record_path(backend: str) -> Path:
    return BENCH_DIR / "browse" / f"seed-{backend}.json"


def ensure_town(backend: str, products: int) -> dict:
    """Seed the town unless the database already has one; returns what the seed took."""
    import io

    from django.core.management import call_command

    from plaza.catalog.models import Product
    from plaza.demo.services import town_has_shops

    record = seed_record_path(backend)
    if town_has_shops():
        seeded = json.loads(record.read_text()) if record.exists() else {"seconds": math.nan}
        return {**seeded, "products": Product.objects.count(), "reused": True}
    started = time.perf_counter()
    output = io.StringIO()
    call_command("seed_demo", scale=products / PRODUCTS_PER_SCALE, seed=SEED, stdout=output)
    seeded = {
        "seconds": time.perf_counter() - started,
        "products": Product.objects.count(),
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        # The seed's own timing per phase ("  catalog and stock   41.20 s").
        "phases": [line.strip() for line in output.getvalue().splitlines() if line.endswith(" s")],
    }
    record.write_text(json.dumps(seeded))
    return {**seeded, "reused": False}


def sample_paths(rng: random.Random) -> dict[str, list[str]]:
    """The pages to request: random products, search words from the catalog, points around town."""
    from django.conf import settings
    from django.urls import reverse

    from plaza.catalog.models import Product, ProductStatus
    from plaza.demo.vocabulary import KINDS

    last_id = Product.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    products = list(
        Product.objects.filter(status=ProductStatus.PUBLISHED, pk__in=[rng.randint(1, last_id) for _ in range(SAMPLE_SIZE * 2)])
        .values_list("shop__slug", "handle")[:SAMPLE_SIZE]
    )
    words = sorted({word.lower() for kind in KINDS.values() for item in kind.items for word in [item, item.split()[-1]]})
    town = settings.PLAZA_DEFAULT_LOCATION
    points = [
        (town["latitude"] + rng.uniform(-0.03, 0.03), town["longitude"] + rng.uniform(-0.04, 0.04))
        for _ in range(SAMPLE_SIZE)
    ]
    return {
        "home (near me)": [f"{reverse('storefront:home')}?lat={lat:.5f}&lng={lng:.5f}" for lat, lng in points],
        "search": [f"{reverse('search:search')}?{urlencode({'q': rng.choice(words)})}" for _ in range(SAMPLE_SIZE)],
        "product page": [reverse("storefront:product", args=[slug, handle]) for slug, handle in products],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_log_path(backend: str) -> Path:
    return BENCH_DIR / "browse" / f"server-{backend}.log"


def start_server(port: int, log: Path) -> subprocess.Popen:
    """One uvicorn worker serving the ASGI app on loopback, on the benchmark database; errors go to ``log``."""
    command = [sys.executable, "-m", "uvicorn", "plaza.config.asgi:application", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", "1", "--log-level", "warning", "--no-access-log", "--lifespan", "off"]
    with log.open("w") as log_file:
        server = subprocess.Popen(command, env={**os.environ}, cwd=REPO, stdout=log_file, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            status, _ = asyncio.run(_single_get(port, "/healthz"))
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer /healthz in time")


def memory_kib(pid: int) -> dict[str, int]:
    """Resident memory now and at its peak, from /proc (Linux)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


class Connection:
    """A keep-alive HTTP/1.1 connection that reads exactly one response per request."""

    def __init__(self, port: int):
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept: text/html\r\n\r\n"
        self.writer.write(request.encode())
        await self.writer.drain()
        status = int((await self.reader.readline()).split()[1])
        headers = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            size = len(await self.reader.readexactly(int(headers["content-length"])))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            size = await self._read_chunks()
        else:
            size = len(await self.reader.read())
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, size

    async def _read_chunks(self) -> int:
        size = 0
        while chunk_size := int((await self.reader.readline()).split(b";")[0], 16):
            size += len(await self.reader.readexactly(chunk_size))
            await self.reader.readline()
        await self.reader.readline()
        return size

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()
            self.writer = None


async def _single_get(port: int, path: str) -> tuple[int, int]:
    connection = Connection(port)
    try:
        return await connection.get(path)
    finally:
        await connection.close()


async def load(port: int, paths: list[str], requests: int, connections: int, time_limit: float) -> dict:
    """Send ``requests`` GETs over ``connections`` keep-alive connections, stopping at ``time_limit``."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    failures = 0
    next_index = 0
    deadline = time.perf_counter() + time_limit

    async def user() -> None:
        nonlocal next_index, failures
        connection = Connection(port)
        try:
            while next_index < requests and time.perf_counter() < deadline:
                path = paths[next_index % len(paths)]
                next_index += 1
                started = time.perf_counter()
                try:
                    status, _ = await connection.get(path)
                except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                    failures += 1
                    await connection.close()
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies) + failures,
        "ok": sum(count for status, count in statuses.items() if 200 <= status < 300),
        "statuses": {str(status): count for status, count in sorted(statuses.items())},
        "failures": failures,
        "seconds": elapsed,
        "requests_per_s": len(latencies) / elapsed if elapsed else math.nan,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies, default=math.nan),
    }


def browse(backend: str, products: int, requests: int, connection_counts: list[int], time_limit: float) -> None:
    from django.db import connections as database_connections

    seeded = ensure_town(backend, products)
    rng = random.Random(SEED)
    pages = sample_paths(rng)
    database_connections.close_all()
    port = free_port()
    server = start_server(port, server_log_path(backend))
    try:
        memory_idle = memory_kib(server.pid)
        for page, paths in pages.items():
            if not paths:
                continue
            rng.shuffle(paths)
            status, _ = asyncio.run(_single_get(port, paths[0]))
            if status == 404:
                emit_result({"backend": backend, "page": page, "missing": True})
                continue
            asyncio.run(load(port, paths, WARM_UP_REQUESTS, 1, time_limit))
            for connections in connection_counts:
                figures = asyncio.run(load(port, paths, requests, connections, time_limit))
                emit_result({"backend": backend, "page": page, "connections": connections, **figures})
        emit_result(
            {
                "backend": backend,
                "server": True,
                "rss_idle_mib": memory_idle["VmRSS"] / 1024,
                "rss_mib": memory_kib(server.pid)["VmRSS"] / 1024,
                "rss_peak_mib": memory_kib(server.pid)["VmHWM"] / 1024,
                "products": seeded["products"],
                "seed_seconds": seeded["seconds"],
                "seed_reused": seeded["reused"],
                "seed_phases": seeded.get("phases", []),
            }
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="sqlite")
    parser.add_argument("--products", type=int, default=100_000, help="town size when seeding (default 100,000)")
    parser.add_argument("--requests", type=int, default=1000, help="requests per page (default 1,000)")
    parser.add_argument(
        "--connections", default="1,8", help="concurrent keep-alive connections, one run per number (default 1,8)"
    )
    parser.add_argument("--time-limit", type=float, default=60, help="seconds per page at most (default 60)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    try:
        connection_counts = [int(count) for count in options.connections.split(",")]
    except ValueError:
        parser.error("--connections takes numbers separated by commas, e.g. 1,8")
    if not (
        1 <= options.requests <= 100_000
        and all(1 <= count <= 256 for count in connection_counts)
        and 0 < options.time_limit <= 600
    ):
        parser.error("keep --requests to 1..100000, --connections to 1..256 and --time-limit to 0..600 s")
    if options.child:
        setup_django(options.backend, "browse")
        browse(options.backend, options.products, options.requests, connection_counts, options.time_limit)
        return

    arguments = ["--products", str(options.products), "--requests", str(options.requests)]
    arguments += ["--connections", options.connections, "--time-limit", str(options.time_limit)]
    backends = BACKENDS if options.backend == "both" else [options.backend]
    results = [result for backend in backends for result in run_child(__spec__.name, backend, arguments, CHILD_TIMEOUT_S)]
    print(f"Browse — {machine()}")
    print_table(
        [
            "backend", "page", "connections", "requests", "2xx", "not 2xx", "req/s",
            "p50 ms", "p99 ms", "max ms", f"p99 < {TARGET_P99_MS} ms",
        ],
        [
            [
                result["backend"], result["page"], result["connections"], result["requests"], result["ok"],
                result["requests"] - result["ok"], result["requests_per_s"], result["p50_ms"], result["p99_ms"],
                result["max_ms"], "yes" if result["p99_ms"] < TARGET_P99_MS else "no",
            ]
            for result in results
            if "requests" in result
        ],
    )
    for result in results:
        unexpected = {status: count for status, count in result.get("statuses", {}).items() if not status.startswith("2")}
        if unexpected or result.get("failures"):
            print(
                f"{result['backend']} {result['page']}: statuses {unexpected}, "
                f"connection failures {result['failures']} (server log: {server_log_path(result['backend'])})"
            )
        if result.get("missing"):
            print(f"{result['backend']}: {result['page']} answers 404 (not built yet): skipped")
        if result.get("server"):
            seed = "reused; seeded earlier in" if result["seed_reused"] else "seeded in"
            print(
                f"{result['backend']}: {result['products']:,} products ({seed} {result['seed_seconds']:,.0f} s); "
                f"server RSS {result['rss_idle_mib']:.0f} MiB idle, {result['rss_mib']:.0f} MiB after the load, "
                f"peak {result['rss_peak_mib']:.0f} MiB"
            )
            for phase in result["seed_phases"]:
                print(f"    seed: {phase}")


if __name__ == "__main__":
    main()
