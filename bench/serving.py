"""Plaza as ``make serve`` runs it, beside django-oscar, on the same machine in the same run.

Oscar is the peer in ``../shared/peers`` (gunicorn, two sync workers, PostgreSQL, a
100,000-product catalogue); Plaza serves the 100,000-product town of ``bench.browse``
(database ``plaza_bench_browse``) through ``scripts/serve.sh``. Both are driven by the
peers' own load generator (``load.sh``: wrk, closed loop, one URL file per page kind), with
the two systems alternating within each round so that the machine's drift falls on both.
Between runs the harness waits until the server answers a trivial request quickly again,
so a slow page's abandoned requests do not spill into the next run.

Page kinds, Oscar's first: a small static file; a bare view (Oscar: a view returning
"ok"; Plaza: ``/healthz``, which also runs ``SELECT 1``); product pages; search for a word
of the catalogue; listings (Oscar: category pages and ``/catalogue/``; Plaza: category
listings and shop pages).

    python -m bench.serving                        # 8 connections, 2 rounds of 20 s
    python -m bench.serving --connections 1,8,32 --rounds 3 --seconds 25
    python -m bench.serving --http asgi             # Plaza's pages through uvicorn instead
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

from bench.common import BENCH_DIR, REPO, emit_result, machine, print_table, run_child, setup_django, start_make_serve, stop_make_serve

PEERS = Path(os.environ.get("PLAZA_PEERS_DIR", REPO.parent / "shared" / "peers"))
KINDS = ("static", "bare view", "product", "search", "listing")
OSCAR_URL_FILES = {
    "static": "baseline-static",
    "bare view": "baseline-view",
    "product": "product",
    "search": "search",
    "listing": "browse",
}
URL_DIR = BENCH_DIR / "serving"
SAMPLE_SIZE = 2000
SEED = 42
WARM_UP_S = 4
IDLE_WAIT_S = 600
RESULT_PATTERN = re.compile(r"(\w+)=([0-9.]+)")
STATIC_SAMPLE = "storefront/near.js"


def plaza_paths() -> dict[str, list[str]]:
    """Runs in a child set up on the browse town: the paths of each page kind."""
    from django.urls import reverse

    from bench.browse import ensure_town
    from plaza.catalog.models import Category, Product, ProductStatus
    from plaza.demo.vocabulary import KINDS as VOCABULARY
    from plaza.shops.models import Shop

    ensure_town("postgres", 100_000)
    rng = random.Random(SEED)
    last_id = Product.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    products = list(
        Product.objects.filter(status=ProductStatus.PUBLISHED, pk__in=[rng.randint(1, last_id) for _ in range(SAMPLE_SIZE * 2)])
        .values_list("shop__slug", "handle")[:SAMPLE_SIZE]
    )
    words = sorted({word.lower() for kind in VOCABULARY.values() for item in kind.items for word in item.split()})
    categories = list(Category.objects.values_list("slug", flat=True))
    shops = list(Shop.objects.values_list("slug", flat=True))
    search = reverse("search:search")
    listings = [f"{search}?{urlencode({'category': slug})}" for slug in categories]
    listings += [reverse("storefront:shop", args=[slug]) for slug in shops]
    rng.shuffle(listings)
    return {
        "bare view": [reverse("healthz")],
        "product": [reverse("storefront:product", args=[slug, handle]) for slug, handle in products],
        "search": [f"{search}?{urlencode({'q': rng.choice(words)})}" for _ in range(SAMPLE_SIZE)],
        "listing": listings[:SAMPLE_SIZE],
    }


def write_urls(port: int, kind: str, paths: list[str]) -> None:
    URL_DIR.mkdir(parents=True, exist_ok=True)
    (URL_DIR / f"plaza-{slug(kind)}.txt").write_text("".join(f"http://127.0.0.1:{port}{path}\n" for path in paths))


def write_static_url(port: int) -> None:
    """The collected name of a small static file, as a page of make serve links to it."""
    manifest = json.loads((URL_DIR / "staticfiles" / "staticfiles.json").read_text())
    write_urls(port, "static", [f"/static/{manifest['paths'][STATIC_SAMPLE]}"])


def slug(kind: str) -> str:
    return kind.replace(" ", "-")


def plaza_environment(http: str) -> dict[str, str]:
    from bench.common import bench_environment

    environment = {**os.environ, **bench_environment("postgres", "browse"), "PLAZA_STATIC_MANIFEST": "1"}
    environment["PLAZA_VAR_DIR"] = str(BENCH_DIR / "serving")
    environment["PLAZA_HTTP"] = http
    environment.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    return environment


def wait_idle(url: str) -> None:
    """Until a trivial request takes under 100 ms twice in a row: the last run's backlog is gone."""
    quick = 0
    deadline = time.monotonic() + IDLE_WAIT_S
    while quick < 2:
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} still busy after {IDLE_WAIT_S} s")
        started = time.perf_counter()
        try:
            urllib.request.urlopen(url, timeout=120).read()
            quick = quick + 1 if time.perf_counter() - started < 0.1 else 0
        except OSError:
            quick = 0
        time.sleep(0.5)


def load(url_file: Path, seconds: int, connections: int) -> dict[str, float]:
    completed = subprocess.run(
        ["bash", str(PEERS / "load.sh"), str(url_file), str(seconds), str(connections)],
        capture_output=True,
        text=True,
        timeout=seconds + 180,
    )
    line = next((line for line in completed.stdout.splitlines() if line.startswith("rps=")), None)
    if completed.returncode != 0 or line is None:
        raise SystemExit(f"load.sh failed on {url_file}: {completed.stdout[-2000:]}{completed.stderr[-2000:]}")
    return {name: float(value) for name, value in RESULT_PATTERN.findall(line)}


class Systems:
    """Starts, drives and stops both servers."""

    def __init__(self, oscar_port: int, plaza_port: int, http: str, products: int):
        self.oscar_port = oscar_port
        self.plaza_port = plaza_port
        self.http = http
        self.products = products
        self.plaza: subprocess.Popen | None = None

    def start(self) -> None:
        oscar = PEERS / "oscar"
        subprocess.run(["bash", str(oscar / "setup.sh"), str(self.products)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["bash", str(oscar / "serve.sh"), str(self.oscar_port)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["bash", str(oscar / "urls.sh"), str(self.oscar_port), str(SAMPLE_SIZE)], check=True, stdout=subprocess.DEVNULL)
        run_child(__spec__.name, "postgres", ["--child-urls", "--plaza-port", str(self.plaza_port)], 1200)
        self.plaza = start_make_serve(self.plaza_port, plaza_environment(self.http), BENCH_DIR / "serving" / "serve.log")
        write_static_url(self.plaza_port)

    def stop(self) -> None:
        subprocess.run(["bash", str(PEERS / "oscar" / "stop.sh")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.plaza is not None:
            stop_make_serve(self.plaza)

    def url_file(self, system: str, kind: str) -> Path:
        if system == "oscar":
            return Path(f"/tmp/peer-oscar-urls-{OSCAR_URL_FILES[kind]}.txt")
        return URL_DIR / f"plaza-{slug(kind)}.txt"

    def idle_url(self, system: str) -> str:
        if system == "oscar":
            return f"http://127.0.0.1:{self.oscar_port}/peer-baseline/ok"
        return f"http://127.0.0.1:{self.plaza_port}/healthz"

    def run(self, system: str, kind: str, seconds: int, connections: int, warm: bool) -> dict[str, float]:
        url_file = self.url_file(system, kind)
        if warm:
            wait_idle(self.idle_url(system))
            load(url_file, WARM_UP_S, 2)
        wait_idle(self.idle_url(system))
        return load(url_file, seconds, connections)


def compare(options) -> list[dict]:
    systems = Systems(options.oscar_port, options.plaza_port, options.http, options.products)
    results = []
    try:
        systems.start()
        for round_number in range(options.rounds):
            order = ("oscar", "plaza") if round_number % 2 == 0 else ("plaza", "oscar")
            for kind in options.kinds:
                for connections in options.connections:
                    for system in order:
                        figures = systems.run(system, kind, options.seconds, connections, warm=round_number == 0)
                        result = {"system": system, "kind": kind, "connections": connections, "round": round_number, **figures}
                        print(
                            f"round {round_number + 1} {system:5} {kind:9} c={connections:<3} {figures['rps']:>9,.1f} req/s "
                            f"p50 {figures['p50_ms']:,.1f} ms p99 {figures['p99_ms']:,.1f} ms non-2xx {figures['non2xx']:.0f}",
                            flush=True,
                        )
                        results.append(result)
    finally:
        systems.stop()
    return results


def span(values: list[float]) -> str:
    low, high = min(values), max(values)
    return f"{low:,.1f}" if round(low, 1) == round(high, 1) else f"{low:,.1f}–{high:,.1f}"


def report(results: list[dict], options) -> None:
    print(f"\nPlaza (make serve, pages by {options.http.upper()}) beside django-oscar — {machine()}")
    print(f"{options.rounds} round(s) of {options.seconds} s per page kind and connection count, systems alternated\n")
    rows = []
    for kind in options.kinds:
        for connections in options.connections:
            of = {
                system: [result for result in results if result["system"] == system and result["kind"] == kind and result["connections"] == connections]
                for system in ("oscar", "plaza")
            }
            if not of["oscar"] or not of["plaza"]:
                continue
            ratios = [p["rps"] / o["rps"] for o, p in zip(of["oscar"], of["plaza"]) if o["rps"]]
            rows.append(
                [
                    kind,
                    connections,
                    span([r["rps"] for r in of["oscar"]]),
                    span([r["p99_ms"] for r in of["oscar"]]),
                    span([r["rps"] for r in of["plaza"]]),
                    span([r["p50_ms"] for r in of["plaza"]]),
                    span([r["p99_ms"] for r in of["plaza"]]),
                    span(ratios) if ratios else "–",
                    int(sum(r["non2xx"] + r["errors"] for r in of["plaza"])),
                ]
            )
    print_table(
        ["page", "conns", "Oscar req/s", "Oscar p99 ms", "Plaza req/s", "Plaza p50 ms", "Plaza p99 ms", "Plaza ÷ Oscar", "Plaza non-2xx/errors"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=20, help="seconds per run (default 20)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds, each running both systems (default 2)")
    parser.add_argument("--connections", default="8", help="connection counts, e.g. 1,8,32 (default 8)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"page kinds (default {','.join(KINDS)})")
    parser.add_argument("--http", choices=["wsgi", "asgi"], default="wsgi", help="how Plaza serves pages behind its front")
    parser.add_argument("--products", type=int, default=100_000, help="Oscar's catalogue size (default 100,000)")
    parser.add_argument("--oscar-port", type=int, default=8100)
    parser.add_argument("--plaza-port", type=int, default=8200)
    parser.add_argument("--child-urls", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="postgres", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child_urls:
        setup_django("postgres", "browse")
        for kind, paths in plaza_paths().items():
            write_urls(options.plaza_port, kind, paths)
        emit_result({"urls": str(URL_DIR)})
        return
    try:
        options.connections = [int(count) for count in options.connections.split(",")]
    except ValueError:
        parser.error("--connections takes numbers separated by commas, e.g. 1,8")
    options.kinds = [kind.strip() for kind in options.kinds.split(",")]
    if not set(options.kinds) <= set(KINDS):
        parser.error(f"--kinds takes some of: {', '.join(KINDS)}")
    if not (1 <= options.seconds <= 300 and 1 <= options.rounds <= 10 and all(1 <= c <= 256 for c in options.connections)):
        parser.error("keep --seconds to 1..300, --rounds to 1..10 and --connections to 1..256")
    report(compare(options), options)


if __name__ == "__main__":
    main()
