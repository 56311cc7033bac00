"""Never oversold: many buyers at once for a few units, through the services and through
real HTTP. Runs on whichever database the profile uses (SQLite file or PostgreSQL)."""

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

import pytest
from django.db import connection, connections

from plaza.checkout import services
from plaza.core.errors import OutOfStock
from plaza.inventory.models import MovementReason, Reservation, Stock, StockMovement
from plaza.orders.models import Order, OrderStatus
from tests.checkout.conftest import card, cart_with, make_store, pickup_details, run_at_once
from tests.e2e.conftest import live_url  # noqa: F401  (a real uvicorn server for the HTTP run)

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 50
UNITS = 10


class StockWatcher(threading.Thread):
    """Reads the stock row over and over while the buyers run; records anything impossible."""

    def __init__(self, stock_id: int):
        super().__init__(daemon=True)
        self.stock_id = stock_id
        self.done = threading.Event()
        self.impossible: list[tuple[int, int]] = []
        self.reads = 0

    def run(self):
        try:
            while not self.done.is_set():
                quantity, reserved = Stock.objects.values_list("quantity", "reserved").get(pk=self.stock_id)
                self.reads += 1
                if reserved < 0 or quantity < reserved:
                    self.impossible.append((quantity, reserved))
                # Spinning without a pause starves the buyers' threads (the interpreter lock and
                # SQLite's busy wait): a buyer holding the write lock stalls and the rest time out.
                time.sleep(0.001)
        finally:
            connection.close()


def assert_sold_exactly_out(store, watcher):
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (0, 0)
    assert not Reservation.objects.exists()
    assert Order.objects.filter(status=OrderStatus.NEW).count() == UNITS
    assert Order.objects.count() == UNITS
    sales = StockMovement.objects.filter(stock=store.stock, reason=MovementReason.SALE)
    assert sorted(sales.values_list("delta", flat=True)) == [-1] * UNITS
    assert watcher.reads > 0 and watcher.impossible == []


def test_fifty_buyers_through_the_services_for_ten_units():
    store = make_store(quantity=UNITS)
    carts = [cart_with(store.variant, 1) for _ in range(BUYERS)]
    details = pickup_details(store.location)
    watcher = StockWatcher(store.stock.pk)
    watcher.start()

    def buy(index: int):
        return services.place_order(cart=carts[index], shop=store.shop, details=details, idempotency_key=f"buyer-{index}")

    results = run_at_once(buy, BUYERS)
    watcher.done.set()
    watcher.join()
    outcomes = Counter(type(result).__name__ for result in results)
    assert outcomes == {"CheckoutResult": UNITS, "OutOfStock": BUYERS - UNITS}, results
    assert all("left" in result.message for result in results if isinstance(result, OutOfStock))
    assert_sold_exactly_out(store, watcher)


@pytest.fixture
def server_closes_connections():
    """The server's request threads close their connection after each request, so that
    none is left open on the test database when it is dropped (PostgreSQL refuses that)."""
    database = connections.settings["default"]
    kept = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    yield
    database["CONN_MAX_AGE"] = kept


def test_fifty_buyers_over_http_for_ten_units(server_closes_connections, live_url):  # noqa: F811
    store = make_store(quantity=UNITS)
    tokens = [str(cart_with(store.variant, 1).token) for _ in range(BUYERS)]
    body = {
        "shop_slug": store.shop.slug,
        "fulfilment_method": "pickup",
        "location_id": store.location.pk,
        "pickup_slot": pickup_details(store.location).pickup_slot.isoformat(),
        "email": "buyer@example.com",
        "name": "Buyer",
        "payment_provider": "test_card",
        "card": card(),
    }
    watcher = StockWatcher(store.stock.pk)
    watcher.start()

    def buy(index: int):
        request = urllib.request.Request(
            f"{live_url}/api/v1/cart/checkout",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Cart-Token": tokens[index], "Idempotency-Key": f"http-{index}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=90) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    results = run_at_once(buy, BUYERS)
    watcher.done.set()
    watcher.join()
    statuses = Counter(result[0] if isinstance(result, tuple) else repr(result) for result in results)
    assert statuses == {201: UNITS, 409: BUYERS - UNITS}, results
    refusals = [payload["error"] for status, payload in results if status == 409]
    assert {error["code"] for error in refusals} == {"out_of_stock"}
    assert all("left" in error["message"] for error in refusals)
    assert {payload["status"] for status, payload in results if status == 201} == {"new"}
    assert_sold_exactly_out(store, watcher)
