"""Checkout under contention: N buyers race for K units through ``place_order``.

Each buyer has a cart with one unit and checks out (pick-up, test card that succeeds) with
its own idempotency key; threads (or processes) run the checkouts at once. The table shows
checkouts per second, the latency of one checkout, and the units sold beyond stock, which
must be 0. Afterwards every stock row must equal its units minus the units sold.

The units sit on one item (every buyer wants the same stock row) unless ``--items`` spreads
them over several: the gap between the two shows what the hot row costs.

    python -m bench.checkout_contention                      # default scenarios, SQLite and PostgreSQL
    python -m bench.checkout_contention --backend postgres --buyers 600 --units 500 --workers 8 --items 50

On PostgreSQL, pgbench (TPC-B, scale 8, 8 clients) runs on the same server right after the
checkouts, and the table's last column is orders/s as a share of its tps: the machine's
speed that day, measured beside the figure (``--no-pgbench`` skips it).

Each backend runs as its profile does. On PostgreSQL (the production profile) an outbox
dispatcher (``manage.py dispatch_outbox``, its own process) delivers the orders' events
while the checkouts run; "undelivered" counts the events still pending when the last
checkout ends (``--no-dispatcher`` leaves them all). On SQLite (the embedded profile) each
checkout delivers its own events right after its commit.
"""

import argparse
import multiprocessing
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid

from bench.common import BACKENDS, REPO, emit_result, machine, percentile, pgbench_tps, print_table, run_child, setup_django

# (buyers, units, items, workers, mode): the race, sustained throughput on one
# item, then the same spread over 50 items.
SCENARIOS = [
    (50, 10, 1, 16, "thread"),
    (600, 500, 1, 8, "thread"),
    (600, 500, 1, 4, "process"),
    (600, 500, 50, 8, "thread"),
]
CHILD_TIMEOUT_S = 600


def build_store(units: int, items: int = 1):
    """A shop open around the clock with ``items`` published variants sharing ``units`` on the shelf."""
    from decimal import Decimal

    from plaza.catalog.models import Product, ProductStatus, Variant
    from plaza.inventory.models import Stock
    from plaza.shops.models import MIDNIGHT, Location, OpeningHours, Shop

    name = f"bench-{uuid.uuid4().hex[:10]}"
    shop = Shop.objects.create(name=name, slug=name, currency="EUR", tax_rate_percent=Decimal("20.00"))
    location = Location.objects.create(shop=shop, name="Counter", address="1 Rue du Banc", latitude=45.76, longitude=4.83)
    OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=weekday, opens=MIDNIGHT, closes=MIDNIGHT) for weekday in range(7)
    )
    product = Product.objects.create(
        shop=shop, handle="last-one", title="The Last One", status=ProductStatus.PUBLISHED, min_price=Decimal("12.50")
    )
    variants = Variant.objects.bulk_create(
        Variant(product=product, sku=f"{name}-{number}", option1=f"No. {number}", price=Decimal("12.50"), position=number)
        for number in range(1, items + 1)
    )
    stocks = Stock.objects.bulk_create(
        Stock(variant=variant, location=location, quantity=units // items + (1 if number < units % items else 0))
        for number, variant in enumerate(variants)
    )
    return shop, location, variants, stocks


def prepare_carts(variants, buyers: int) -> list[int]:
    """One guest cart with one unit per buyer, the items taken in turn: written directly,
    the race is what is measured."""
    from plaza.checkout.models import Cart, CartLine

    carts = Cart.objects.bulk_create([Cart() for _ in range(buyers)])
    CartLine.objects.bulk_create(
        [CartLine(cart=cart, variant=variants[index % len(variants)], quantity=1) for index, cart in enumerate(carts)]
    )
    return [cart.pk for cart in carts]


def checkout(cart_id: int, shop, details) -> tuple[str, float]:
    """One buyer's checkout: (outcome, seconds). Outcome is "ordered", an error code, or "crash: …"."""
    from plaza.checkout.models import Cart
    from plaza.checkout.services import place_order
    from plaza.core.errors import PlazaError
    from plaza.orders.models import OrderStatus

    cart = Cart.objects.get(pk=cart_id)
    started = time.perf_counter()
    try:
        result = place_order(cart=cart, shop=shop, details=details, idempotency_key=uuid.uuid4().hex)
        outcome = "ordered" if result.order.status == OrderStatus.NEW else result.order.status
    except PlazaError as error:
        outcome = error.code
    except Exception as error:  # the benchmark reports a crash instead of dying on it
        outcome = f"crash: {type(error).__name__}: {error}"[:200]
    return outcome, time.perf_counter() - started


def checkout_worker(cart_ids: "queue.Queue[int]", shop, details, results: list, start: threading.Barrier) -> None:
    from django.db import connection

    connection.ensure_connection()
    start.wait()
    while True:
        try:
            cart_id = cart_ids.get_nowait()
        except queue.Empty:
            break
        results.append(checkout(cart_id, shop, details))
    connection.close()


def run_threads(cart_ids: list[int], workers: int, shop, details) -> tuple[list, float]:
    pending: queue.Queue[int] = queue.Queue()
    for cart_id in cart_ids:
        pending.put(cart_id)
    results: list = []
    start = threading.Barrier(workers + 1)
    threads = [
        threading.Thread(target=checkout_worker, args=(pending, shop, details, results, start)) for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def process_worker(cart_ids: list[int], shop, details, results, start) -> None:
    from django.db import connections

    # The forked child must not share the parent's database connection.
    connections.close_all()
    connections["default"].ensure_connection()
    start.wait()
    results.put([checkout(cart_id, shop, details) for cart_id in cart_ids])
    connections.close_all()


def run_processes(cart_ids: list[int], workers: int, shop, details) -> tuple[list, float]:
    from django.db import connections

    context = multiprocessing.get_context("fork")
    connections.close_all()
    # A forked child inherits the pool's connections but not the threads that run it: each
    # child must make its own.
    for connection in connections.all():
        if getattr(connection, "pool", None) is not None:
            connection.close_pool()
    results = context.Queue()
    start = context.Barrier(workers + 1)
    processes = [
        context.Process(target=process_worker, args=(cart_ids[index::workers], shop, details, results, start))
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    collected = [outcome for _ in processes for outcome in results.get()]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join()
    return collected, elapsed


def start_dispatcher() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "dispatch_outbox"], cwd=REPO)


def race(backend: str, buyers: int, units: int, items: int, workers: int, mode: str, dispatcher: bool) -> dict:
    from django.db.models import Sum
    from django.utils import timezone

    from plaza.core.models import OutboxEvent

    from plaza.checkout.fulfilment import pickup_slots
    from plaza.checkout.services import CheckoutDetails
    from plaza.inventory.models import Reservation, Stock
    from plaza.orders.models import OrderLine, OrderStatus
    from plaza.payments.providers.test_card import SUCCEEDS

    def details_for(location) -> CheckoutDetails:
        return CheckoutDetails(
            fulfilment_method="pickup",
            payment_provider="test_card",
            email="buyer@bench.plaza.test",
            name="Bench Buyer",
            location_id=location.pk,
            pickup_slot=pickup_slots(location)[0],
            payment_details={"card_number": SUCCEEDS, "card_expiry": "12/39", "card_cvc": "123"},
        )

    # What earlier runs left undelivered is not this run's work; the dispatcher is running
    # (and warm) before the checkouts start, as in a deployment.
    OutboxEvent.objects.filter(delivered_at__isnull=True).update(delivered_at=timezone.now())
    dispatching = start_dispatcher() if dispatcher else None
    try:
        # One checkout first, unmeasured, so imports and first-use caches do not count.
        warm_shop, warm_location, warm_variants, _ = build_store(1)
        checkout(prepare_carts(warm_variants, 1)[0], warm_shop, details_for(warm_location))

        shop, location, variants, stocks = build_store(units, items)
        initial = {stock.pk: stock.quantity for stock in stocks}
        cart_ids = prepare_carts(variants, buyers)
        details = details_for(location)
        run = run_processes if mode == "process" else run_threads
        results, elapsed = run(cart_ids, workers, shop, details)
        undelivered = OutboxEvent.objects.filter(delivered_at__isnull=True).count()
    finally:
        if dispatching:
            dispatching.send_signal(signal.SIGTERM)
            dispatching.wait(30)

    paid = OrderLine.objects.filter(order__shop=shop).exclude(
        order__status__in=[OrderStatus.PAYMENT_FAILED, OrderStatus.CANCELLED, OrderStatus.PENDING_PAYMENT]
    )
    sold_by_variant = dict(paid.values("variant").annotate(units=Sum("quantity")).values_list("variant", "units"))
    held_by_stock = dict(
        Reservation.objects.filter(stock__in=stocks).values("stock").annotate(units=Sum("quantity")).values_list("stock", "units")
    )
    oversold = 0
    consistent = True
    for stock in Stock.objects.filter(pk__in=initial):
        sold, held = sold_by_variant.get(stock.variant_id, 0), held_by_stock.get(stock.pk, 0)
        oversold += max(0, sold + held - initial[stock.pk])
        # The shelf must hold exactly what was not sold: anything else is lost or invented stock.
        consistent &= stock.quantity == initial[stock.pk] - sold and stock.reserved == held >= 0
    outcomes: dict[str, int] = {}
    for outcome, _ in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    ordered_latencies = [seconds * 1000 for outcome, seconds in results if outcome == "ordered"]
    all_latencies = [seconds * 1000 for _, seconds in results]
    return {
        "backend": backend,
        "mode": mode,
        "workers": workers,
        "buyers": buyers,
        "units": units,
        "items": items,
        "ordered": outcomes.get("ordered", 0),
        "out_of_stock": outcomes.get("out_of_stock", 0),
        "other": {outcome: count for outcome, count in outcomes.items() if outcome not in ("ordered", "out_of_stock")},
        "seconds": elapsed,
        "orders_per_s": outcomes.get("ordered", 0) / elapsed,
        "checkouts_per_s": len(results) / elapsed,
        "p50_ms": percentile(ordered_latencies, 50),
        "p99_ms": percentile(ordered_latencies, 99),
        "all_p99_ms": percentile(all_latencies, 99),
        "oversold": oversold,
        "stock_consistent": consistent,
        "undelivered": undelivered,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="both")
    parser.add_argument("--buyers", type=int, help="buyers racing (default: the built-in scenarios)")
    parser.add_argument("--units", type=int, help="units on the shelf")
    parser.add_argument("--items", type=int, default=1, help="items the units are spread over (default 1)")
    parser.add_argument("--workers", type=int, default=8, help="concurrent threads or processes")
    parser.add_argument("--mode", choices=["thread", "process"], default="thread")
    parser.add_argument("--no-dispatcher", action="store_true", help="run no outbox dispatcher beside the checkouts")
    parser.add_argument("--no-pgbench", action="store_true", help="skip the pgbench run beside PostgreSQL's figures")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if (options.buyers is None) != (options.units is None):
        parser.error("give --buyers and --units together")
    if options.child:
        # Each thread holds a connection from its start to its end: the pool must have one
        # for every worker of the largest scenario (processes each have their own pool).
        most_workers = max([options.workers] + [scenario[3] for scenario in SCENARIOS])
        os.environ["PLAZA_DB_POOL_MAX_SIZE"] = str(most_workers)
        if options.backend == "postgres":
            os.environ["PLAZA_OUTBOX_DISPATCHER"] = "1"
        # PostgreSQL runs as the scale-out profile does, with its pushes through Redis.
        setup_django(options.backend, "checkout", redis=options.backend == "postgres")
        scenarios = SCENARIOS
        if options.buyers is not None:
            scenarios = [(options.buyers, options.units, options.items, options.workers, options.mode)]
        for buyers, units, items, workers, mode in scenarios:
            dispatcher = options.backend == "postgres" and not options.no_dispatcher
            emit_result(race(options.backend, buyers, units, items, workers, mode, dispatcher))
        return

    arguments = []
    if options.buyers is not None:
        arguments = ["--buyers", str(options.buyers), "--units", str(options.units), "--items", str(options.items)]
        arguments += ["--workers", str(options.workers), "--mode", options.mode]
    if options.no_dispatcher:
        arguments.append("--no-dispatcher")
    backends = BACKENDS if options.backend == "both" else [options.backend]
    # One process per backend: Django's database settings are fixed once it is set up.
    results = [result for backend in backends for result in run_child(__spec__.name, backend, arguments, CHILD_TIMEOUT_S)]
    tps = None if options.no_pgbench or "postgres" not in backends else pgbench_tps()
    print(f"Checkout under contention — {machine()}")
    if tps:
        print(f"pgbench (TPC-B, scale 8, 8 clients, 20 s) on the same PostgreSQL just after: {tps:,.0f} tps")
    print_table(
        [
            "backend", "mode", "workers", "buyers", "units", "items", "ordered", "out of stock", "other",
            "orders/s", "checkouts/s", "p50 ms", "p99 ms", "oversold", "stock ok", "undelivered", "% of pgbench",
        ],
        [
            [
                result["backend"], result["mode"], result["workers"], result["buyers"], result["units"], result["items"],
                result["ordered"], result["out_of_stock"],
                ", ".join(f"{code}: {count}" for code, count in result["other"].items()) or "0",
                result["orders_per_s"], result["checkouts_per_s"], result["p50_ms"], result["p99_ms"],
                result["oversold"], "yes" if result["stock_consistent"] else "NO", result["undelivered"],
                f"{100 * result['orders_per_s'] / tps:.1f}" if tps and result["backend"] == "postgres" else "",
            ]
            for result in results
        ],
    )
    if any(result["oversold"] or not result["stock_consistent"] for result in results):
        raise SystemExit("OVERSOLD or inconsistent stock: see the table above")


if __name__ == "__main__":
    main()
