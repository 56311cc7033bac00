from decimal import Decimal

import pytest

from plaza.core.errors import Conflict
from plaza.core.models import OutboxEvent
from plaza.orders.models import FulfilmentMethod, Order, OrderStatus
from plaza.orders.services import change_status
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def make_order(method=FulfilmentMethod.PICKUP, status=OrderStatus.PENDING_PAYMENT) -> Order:
    location = LocationFactory()
    return Order.objects.create(
        number="T-1", shop=location.shop, location=location, email="a@example.com", status=status,
        fulfilment_method=method, currency="EUR", total=Decimal("10.00"), payment_provider="test_card",
        idempotency_scope="test", idempotency_key="k1",
    )


def test_paid_order_becomes_new_and_emits_placed_once_then_status_changes():
    order = make_order()
    change_status(order, OrderStatus.NEW)
    assert order.status == OrderStatus.NEW
    change_status(order, OrderStatus.ACCEPTED)
    events = OutboxEvent.objects.values_list("topic", "payload__status", "payload__from_status")
    assert list(events) == [
        ("order.placed", OrderStatus.NEW, OrderStatus.PENDING_PAYMENT),
        ("order.status_changed", OrderStatus.ACCEPTED, OrderStatus.NEW),
    ]
    assert order.status_changes.first().from_status == OrderStatus.PENDING_PAYMENT


def test_forbidden_move_is_refused_and_writes_nothing():
    order = make_order(status=OrderStatus.NEW)
    with pytest.raises(Conflict):
        change_status(order, OrderStatus.COMPLETED)
    order.refresh_from_db()
    assert order.status == OrderStatus.NEW
    assert not order.status_changes.exists()
    assert not OutboxEvent.objects.exists()


def test_dispatch_step_must_match_the_fulfilment_method():
    order = make_order(method=FulfilmentMethod.PICKUP, status=OrderStatus.ACCEPTED)
    with pytest.raises(Conflict):
        change_status(order, OrderStatus.SHIPPED)
    change_status(order, OrderStatus.READY_FOR_PICKUP)
    assert order.status == OrderStatus.READY_FOR_PICKUP
