"""The lifecycle of orders placed by the real checkout, with its real payments."""

from decimal import Decimal

import pytest
from django.core import mail

from plaza.checkout.services import place_order
from plaza.inventory.models import MovementReason, Stock
from plaza.orders import services
from plaza.orders.models import OrderStatus
from plaza.payments.models import Payment, PaymentStatus
from plaza.shops.models import StaffRole
from tests.checkout.conftest import cart_with, make_store, pickup_details
from tests.orders.factories import member

pytestmark = pytest.mark.django_db

S = OrderStatus


def checkout(store, django_capture_on_commit_callbacks, **details):
    with django_capture_on_commit_callbacks(execute=True):
        result = place_order(
            cart=cart_with(store.variant, quantity=3),
            shop=store.shop,
            details=pickup_details(store.location, **details),
            idempotency_key="after-checkout",
        )
    return result.order


def test_a_card_order_is_confirmed_by_email_then_collected_with_its_code(django_capture_on_commit_callbacks):
    store = make_store(quantity=10)
    order = checkout(store, django_capture_on_commit_callbacks)
    assert order.status == S.NEW

    assert [message.to for message in mail.outbox] == [["shopper@example.com"]]
    assert order.pickup_code in mail.outbox[0].body
    assert "€37.50" in mail.outbox[0].body

    staff = member(store.shop, StaffRole.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(order, actor=staff)
        services.dispatch(order, actor=staff)
        services.complete(order, actor=staff, pickup_code=order.pickup_code)

    assert [message.subject for message in mail.outbox][1:] == [f"Your order {order.number} is ready for pick-up"]
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.captured_amount) == (PaymentStatus.CAPTURED, Decimal("37.50"))

    services.refund(order, actor=member(store.shop, StaffRole.OWNER), amount=Decimal("12.50"))
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.refunded_total == payment.refunded_amount == Decimal("12.50")


def test_cancelling_a_pay_at_pickup_order_puts_the_stock_back_and_voids_the_payment(django_capture_on_commit_callbacks):
    store = make_store(quantity=10)
    order = checkout(store, django_capture_on_commit_callbacks, provider="pay_at_pickup")
    assert Stock.objects.get(pk=store.stock.pk).quantity == 7

    services.cancel(order, actor=member(store.shop, StaffRole.STAFF), reason="Closed for inventory")

    stock = Stock.objects.get(pk=store.stock.pk)
    assert (stock.quantity, stock.reserved) == (10, 0)
    assert list(stock.movements.order_by("id").values_list("reason", "delta")) == [
        (MovementReason.SALE, -3),
        (MovementReason.RESTOCK, 3),
    ]
    assert Payment.objects.get(order=order).status == PaymentStatus.CANCELLED
