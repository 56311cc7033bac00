from decimal import Decimal

import pytest

from plaza.checkout import services
from plaza.checkout.models import CartLine
from plaza.core.errors import PaymentDeclined
from plaza.inventory.models import Reservation, StockMovement
from plaza.orders.models import OrderStatus
from plaza.payments.models import PaymentStatus
from tests.checkout.conftest import DECLINED, cart_with, pickup_details

pytestmark = pytest.mark.django_db


def test_paid_pickup_order_takes_the_stock_and_empties_that_shops_cart_lines(store):
    cart = cart_with(store.variant, 2)
    result = services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="k1")
    order = result.order
    assert result.created
    assert order.status == OrderStatus.NEW
    assert order.number.startswith("PLZ-") and len(order.number) == 10
    assert (order.subtotal, order.fulfilment_fee, order.total) == (Decimal("25.00"), Decimal("0.00"), Decimal("25.00"))
    assert order.tax_included == Decimal("4.17")
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (8, 0)
    assert StockMovement.objects.get(order=order).delta == -2
    assert not Reservation.objects.exists()
    assert order.payments.get().status == PaymentStatus.AUTHORIZED
    assert order.payments.get().card_last4 == "4242"
    assert not CartLine.objects.filter(cart=cart).exists()


def test_declined_card_releases_the_reservation_and_keeps_the_failed_order(store):
    cart = cart_with(store.variant, 3)
    with pytest.raises(PaymentDeclined) as declined:
        services.place_order(
            cart=cart, shop=store.shop, details=pickup_details(store.location, number=DECLINED), idempotency_key="k1"
        )
    assert "declined" in declined.value.message
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (10, 0)
    order = store.shop.orders.get()
    assert order.status == OrderStatus.PAYMENT_FAILED
    assert CartLine.objects.filter(cart=cart).exists()
