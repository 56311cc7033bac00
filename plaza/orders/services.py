"""Order state changes. Every status change goes through :func:`change_status`, which
checks the move is allowed, writes the history row and emits ``order.status_changed``
(and ``order.placed`` when an order first becomes NEW) through the outbox."""

from django.db import transaction

from plaza.core.errors import Conflict
from plaza.core.outbox import record_event
from plaza.orders.models import FulfilmentMethod, Order, OrderStatus, OrderStatusChange

S = OrderStatus

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.PENDING_PAYMENT: frozenset({S.NEW, S.PAYMENT_FAILED, S.CANCELLED}),
    S.PAYMENT_FAILED: frozenset(),
    S.NEW: frozenset({S.ACCEPTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY, S.SHIPPED, S.CANCELLED}),
    S.READY_FOR_PICKUP: frozenset({S.COMPLETED, S.CANCELLED}),
    S.OUT_FOR_DELIVERY: frozenset({S.COMPLETED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

# The "on its way" step each fulfilment method takes after ACCEPTED.
DISPATCH_STATUS = {
    FulfilmentMethod.PICKUP: S.READY_FOR_PICKUP,
    FulfilmentMethod.DELIVERY: S.OUT_FOR_DELIVERY,
    FulfilmentMethod.SHIPPING: S.SHIPPED,
}


def order_event_payload(order: Order) -> dict:
    return {
        "order_id": order.pk,
        "order_number": order.number,
        "order_token": str(order.token),
        "shop_id": order.shop_id,
        "customer_id": order.customer_id,
        "status": order.status,
        "total": str(order.total),
        "currency": order.currency,
    }


@transaction.atomic
def change_status(order: Order, to_status: str, *, actor=None, note: str = "") -> Order:
    """Move ``order`` to ``to_status`` under a row lock; refuses moves the lifecycle forbids."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    from_status = locked.status
    if to_status not in ALLOWED_MOVES[from_status]:
        raise Conflict(
            f"An order that is {locked.get_status_display().lower()} cannot become "
            f"{OrderStatus(to_status).label.lower()}.",
            code="invalid_transition",
        )
    if to_status in DISPATCH_STATUS.values() and to_status != DISPATCH_STATUS[locked.fulfilment_method]:
        raise Conflict(
            f"A {locked.get_fulfilment_method_display().lower()} order cannot become "
            f"{OrderStatus(to_status).label.lower()}.",
            code="invalid_transition",
        )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    OrderStatusChange.objects.create(order=locked, from_status=from_status, to_status=to_status, actor=actor, note=note[:255])
    payload = {**order_event_payload(locked), "from_status": from_status}
    if to_status == S.NEW:
        record_event("order.placed", payload)
    record_event("order.status_changed", payload)
    order.status = locked.status
    return locked
