"""A shop ready to sell: one location open all week, a published variant with stock."""

import threading
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection

from plaza.checkout import services
from plaza.checkout.fulfilment import pickup_slots
from plaza.checkout.models import Cart
from plaza.inventory.models import Reservation, Stock
from plaza.orders.models import Order
from plaza.payments.models import Payment
from plaza.payments.providers.test_card import DECLINED, RETRY_THEN_SUCCEEDS, SUCCEEDS
from tests.factories import LocationFactory, StockFactory, VariantFactory, open_all_week

__all__ = ["DECLINED", "RETRY_THEN_SUCCEEDS", "SUCCEEDS"]


@dataclass
class Store:
    shop: object
    location: object
    variant: object
    stock: Stock


def make_store(quantity: int = 10, price: Decimal = Decimal("12.50")) -> Store:
    location = open_all_week(LocationFactory(pickup_preparation_minutes=30))
    variant = VariantFactory(product__shop=location.shop, price=price)
    stock = StockFactory(variant=variant, location=location, quantity=quantity)
    return Store(location.shop, location, variant, stock)


@pytest.fixture
def store(db) -> Store:
    return make_store()


def card(number: str = SUCCEEDS) -> dict:
    return {"card_number": number, "card_expiry": "12/39", "card_cvc": "123"}


def pickup_details(location, *, provider: str = "test_card", number: str = SUCCEEDS, **overrides):
    fields = {
        "fulfilment_method": "pickup",
        "payment_provider": provider,
        "email": "shopper@example.com",
        "name": "Sam Shopper",
        "location_id": location.pk,
        "pickup_slot": pickup_slots(location)[0],
        "payment_details": card(number) if provider == "test_card" else {},
    }
    fields.update(overrides)
    return services.CheckoutDetails(**fields)


def cart_with(variant, quantity: int = 1, user=None) -> Cart:
    return services.add_to_cart(user=user, variant_id=variant.pk, quantity=quantity).cart


def counts() -> tuple[int, int, int]:
    """(orders, reservations, payments): what a refused checkout must leave unchanged."""
    return Order.objects.count(), Reservation.objects.count(), Payment.objects.count()


def run_at_once(work, count: int) -> list:
    """Run ``work(i)`` in ``count`` threads released together; each closes its own connection."""
    results: list = [None] * count
    start = threading.Barrier(count)

    def buyer(index: int):
        try:
            start.wait()
            results[index] = work(index)
        except Exception as error:  # the outcome under test, recorded for the assertions
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
