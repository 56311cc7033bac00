"""Ten minutes of mixed traffic against ``make serve``: does it hold up, and stay flat?

Plaza serves the 100,000-product town of ``bench.browse`` (PostgreSQL database
``plaza_bench_browse``) through ``scripts/serve.sh``. For the whole run, over loopback:

- browsers (threads, keep-alive connections) read product pages, searches, listings and
  the home page, one after another;
- buyers each fill a guest cart through the API, read the shop's pick-up slots and check
  out (pay at pick-up), again and again, on a set of products stocked for the run;
- live sockets listen to those products' stock, as their product pages do.

Every interval it prints the requests of the interval by kind, the 5xx answers and
connection errors, the orders placed, the stock pushes the sockets heard, PostgreSQL's
sessions on the database (the pool's bound is what they must stay under) and the resident
memory of every process ``make serve`` started, so a leak or a pile-up shows as a trend.

    python -m bench.soak                       # 10 minutes, 6 browsers, 2 buyers, 50 sockets
    python -m bench.soak --minutes 2 --browsers 4 --buyers 1 --sockets 20
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from bench.common import BENCH_DIR, emit_result, machine, print_table, run_child, setup_django, start_make_serve, stop_make_serve

SEED = 7
SOAK_PRODUCTS = 50
SOAK_STOCK = 1_000_000
POOL_MAX_SIZE = int(os.environ.get("PLAZA_DB_POOL_MAX_SIZE", "4"))
MIX = (("product", 5), ("search", 2), ("listing", 2), ("home", 1))


def prepare() -> None:
    """Runs in a child set up on the browse town: the pages to read and the products to buy."""
    from django.db import transaction

    from bench.serving import plaza_paths
    from plaza.catalog.models import Variant
    from plaza.inventory.models import Stock
    from plaza.shops.models import Location

    paths = plaza_paths()
    rng = random.Random(SEED)
    pickup = Location.objects.filter(pickup_enabled=True, shop__is_active=True)
    variants = list(
        Variant.objects.filter(product__status="published", product__shop__locations__in=pickup)
        .values_list("pk", "product_id", "product__shop__slug")
        .distinct()
        .order_by("pk")[:20_000]
    )
    chosen = rng.sample(variants, SOAK_PRODUCTS)
    with transaction.atomic():
        for variant_id, _, shop_slug in chosen:
            for location in pickup.filter(shop__slug=shop_slug):
                Stock.objects.update_or_create(
                    variant_id=variant_id, location=location, defaults={"quantity": SOAK_STOCK, "reserved": 0}
                )
    emit_result(
        {
            "paths": {kind: paths[kind][:500] for kind in ("product", "search", "listing")} | {"home": ["/"]},
            "items": [{"variant_id": v, "product_id": p, "shop_slug": s} for v, p, s in chosen],
        }
    )


class Tally:
    """What the clients saw, counted under one lock; ``take`` hands over and resets an interval's."""

    def __init__(self):
        self.lock = threading.Lock()
        self.interval: Counter = Counter()
        self.total: Counter = Counter()

    def add(self, **counts: int) -> None:
        with self.lock:
            self.interval.update(counts)
            self.total.update(counts)

    def take(self) -> Counter:
        with self.lock:
            taken, self.interval = self.interval, Counter()
            return taken


class Client:
    """One keep-alive HTTP/1.1 connection to the server; reconnects after an error."""

    def __init__(self, port: int):
        self.port = port
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Accept": "application/json" if path.startswith("/api/") else "text/html", **(headers or {})}
        if data is not None:
            sent["Content-Type"] = "application/json"
        try:
            self.connection.request(method, path, body=data, headers=sent)
            response = self.connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = None
            raise
        return response.status, response.headers, payload


def count_status(tally: Tally, kind: str, status: int) -> None:
    tally.add(**{kind: 1, "5xx": int(status >= 500)})


def browse(port: int, paths: dict[str, list[str]], tally: Tally, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    client = Client(port)
    while not stop.is_set():
        kind = rng.choice(kinds)
        try:
            status, _, _ = client.request("GET", rng.choice(paths[kind]))
            count_status(tally, kind, status)
        except (OSError, http.client.HTTPException):
            tally.add(errors=1)


def buy(port: int, items: list[dict], tally: Tally, stop: threading.Event, seed: int) -> None:
    rng = random.Random(seed)
    client = Client(port)
    while not stop.is_set():
        item = rng.choice(items)
        try:
            status, headers, body = client.request("POST", "/api/v1/cart/lines", {"variant_id": item["variant_id"], "quantity": 1})
            count_status(tally, "cart", status)
            if status != 201:
                continue
            cart = {"X-Cart-Token": headers["X-Cart-Token"]}
            status, _, body = client.request("GET", f"/api/v1/cart/shops/{item['shop_slug']}/fulfilment", headers=cart)
            count_status(tally, "cart", status)
            locations = [place for place in json.loads(body)["locations"] if place["pickup_enabled"] and place["pickup_slots"]]
            if status != 200 or not locations:
                tally.add(no_slot=1)
                continue
            order = {
                "shop_slug": item["shop_slug"],
                "fulfilment_method": "pickup",
                "location_id": locations[0]["id"],
                "pickup_slot": locations[0]["pickup_slots"][0],
                "email": f"soak-{rng.randrange(10**9)}@bench.example",
                "name": "Soak Buyer",
                "payment_provider": "pay_at_pickup",
            }
            status, _, _ = client.request(
                "POST", "/api/v1/cart/checkout", order, headers={**cart, "Idempotency-Key": uuid.uuid4().hex}
            )
            count_status(tally, "checkout", status)
            tally.add(orders=int(status == 201), refused=int(400 <= status < 500))
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            tally.add(errors=1)


def listen(port: int, product_ids: list[int], sockets: int, tally: Tally, stop: threading.Event) -> None:
    import websockets

    origin = f"http://127.0.0.1:{port}"

    async def one(product_id: int) -> None:
        while not stop.is_set():
            try:
                async with websockets.connect(f"ws://127.0.0.1:{port}/ws/products/{product_id}/stock/", origin=origin) as socket:
                    tally.add(sockets_open=1)
                    while not stop.is_set():
                        try:
                            await asyncio.wait_for(socket.recv(), timeout=1)
                            tally.add(pushes=1)
                        except asyncio.TimeoutError:
                            continue
            except (OSError, websockets.WebSocketException):
                tally.add(socket_drops=1)
                await asyncio.sleep(1)

    async def all_sockets() -> None:
        await asyncio.gather(*(one(product_ids[index % len(product_ids)]) for index in range(sockets)))

    asyncio.run(all_sockets())


def database_sessions(database: str) -> int:
    import psycopg

    from bench.common import postgres_url

    server = postgres_url("browse").rpartition("/")[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]).fetchone()[0]


def served_processes(group: int) -> dict[int, tuple[str, int]]:
    """{pid: (name, resident KiB)} of the processes make serve started (its process group)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != group:
                continue
            status = dict(line.split(":", 1) for line in (entry / "status").read_text().splitlines() if ":" in line)
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            found[int(entry.name)] = (role(command), int(status.get("VmRSS", "0 kB").split()[0]))
        except (OSError, ValueError, IndexError):
            continue
    return found


def role(command: str) -> str:
    for needle, name in (("gunicorn", "web"), ("uvicorn", "sockets"), ("db_worker", "tasks"), ("run_periodic", "periodic"), ("nginx", "front")):
        if needle in command:
            return name
    return "other"


def soak(options) -> list[dict]:
    prepared = run_child(__spec__.name, "postgres", ["--child-prepare"], 1800)[0]
    from bench.common import bench_environment

    environment = {**os.environ, **bench_environment("postgres", "browse")}
    environment["PLAZA_VAR_DIR"] = str(BENCH_DIR / "soak")
    environment.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    database = environment["DATABASE_URL"].rpartition("/")[2]
    (BENCH_DIR / "soak").mkdir(parents=True, exist_ok=True)
    server = start_make_serve(options.port, environment, BENCH_DIR / "soak" / "serve.log")
    tally, stop, rows = Tally(), threading.Event(), []
    workers = [
        threading.Thread(target=browse, args=(options.port, prepared["paths"], tally, stop, SEED + n), daemon=True)
        for n in range(options.browsers)
    ]
    workers += [
        threading.Thread(target=buy, args=(options.port, prepared["items"], tally, stop, 1000 + n), daemon=True)
        for n in range(options.buyers)
    ]
    product_ids = [item["product_id"] for item in prepared["items"]]
    workers.append(threading.Thread(target=listen, args=(options.port, product_ids, options.sockets, tally, stop), daemon=True))
    try:
        started = time.monotonic()
        for worker in workers:
            worker.start()
        deadline = started + options.minutes * 60
        while time.monotonic() < deadline:
            time.sleep(min(options.interval, max(deadline - time.monotonic(), 0)))
            counts = tally.take()
            processes = served_processes(server.pid)
            memory = Counter()
            for name, kib in processes.values():
                memory[name] += kib
            row = {
                "t_s": round(time.monotonic() - started),
                "requests": sum(counts[kind] for kind, _ in MIX) + counts["cart"] + counts["checkout"],
                "pages": sum(counts[kind] for kind, _ in MIX),
                "orders": counts["orders"],
                "refused": counts["refused"],
                "5xx": counts["5xx"],
                "errors": counts["errors"],
                "pushes": counts["pushes"],
                "socket_drops": counts["socket_drops"],
                "db_sessions": database_sessions(database),
                "rss_mib": sum(memory.values()) / 1024,
                "rss_by_role": {name: round(kib / 1024) for name, kib in memory.items()},
                "processes": len(processes),
                "interval_s": options.interval,
            }
            rows.append(row)
            print(
                f"{row['t_s']:>5} s  {row['requests'] / options.interval:7.1f} req/s  orders {row['orders']:>4}  "
                f"5xx {row['5xx']}  errors {row['errors']}  pushes {row['pushes']:>5}  "
                f"db sessions {row['db_sessions']:>3}  RSS {row['rss_mib']:6.0f} MiB {row['rss_by_role']}",
                flush=True,
            )
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=10)
        stop_make_serve(server)
    rows.append({"summary": True, **tally.total, "db_bound": db_bound()})
    return rows


def db_bound() -> int:
    """Processes that hold a pool, times the pool's bound: what make serve may open at most."""
    web = int(os.environ.get("PLAZA_WEB_WORKERS", os.cpu_count() or 1))
    sockets = int(os.environ.get("PLAZA_WS_WORKERS", "1"))
    tasks = int(os.environ.get("PLAZA_TASK_WORKERS", "1"))
    return (web + sockets + tasks + 1) * POOL_MAX_SIZE


def report(rows: list[dict], options) -> None:
    samples = [row for row in rows if "t_s" in row]
    summary = next(row for row in rows if row.get("summary"))
    print(f"\nSoak of make serve — {options.minutes} min, {options.browsers} browsers, {options.buyers} buyers, "
          f"{options.sockets} sockets — {machine()}\n")
    print_table(
        ["t s", "req/s", "orders/s", "5xx", "errors", "pushes", "db sessions", "RSS MiB"],
        [
            [row["t_s"], row["requests"] / row["interval_s"], row["orders"] / row["interval_s"], row["5xx"], row["errors"],
             row["pushes"], row["db_sessions"], row["rss_mib"]]
            for row in samples
        ],
    )
    if samples:
        first, last = samples[min(1, len(samples) - 1)], samples[-1]
        print(
            f"\nrequests {sum(row['requests'] for row in samples):,}, orders {summary.get('orders', 0):,}, "
            f"5xx {summary.get('5xx', 0)}, connection errors {summary.get('errors', 0)}, "
            f"socket drops {summary.get('socket_drops', 0)}, stock pushes heard {summary.get('pushes', 0):,}; "
            f"PostgreSQL sessions at most {max(row['db_sessions'] for row in samples)} "
            f"(bound {summary['db_bound']} + this harness); "
            f"memory {first['rss_mib']:.0f} MiB at {first['t_s']} s, {last['rss_mib']:.0f} MiB at {last['t_s']} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--browsers", type=int, default=6)
    parser.add_argument("--buyers", type=int, default=2)
    parser.add_argument("--sockets", type=int, default=50)
    parser.add_argument("--interval", type=float, default=30, help="seconds between samples (default 30)")
    parser.add_argument("--port", type=int, default=8250)
    parser.add_argument("--child-prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="postgres", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child_prepare:
        setup_django("postgres", "browse")
        prepare()
        return
    if not (0 < options.minutes <= 60 and 0 <= options.browsers <= 64 and 0 <= options.buyers <= 64
            and 0 <= options.sockets <= 2000 and 1 <= options.interval <= 600):
        parser.error("keep --minutes to 0..60, --browsers and --buyers to 0..64, --sockets to 0..2000, --interval to 1..600")
    report(soak(options), options)


if __name__ == "__main__":
    main()
