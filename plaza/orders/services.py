"""Order state changes. Every status change goes through :func:`change_status`, which
checks the move is allowed, writes the history row and emits ``order.status_changed``
(and ``order.placed`` when an order first becomes NEW) through the outbox.

The shop's actions (accept, dispatch, complete, cancel, refund) authorize the actor,
then move the order through :func:`change_status` and settle stock and payment in the
same transaction: if the payment provider refuses, the status change is rolled back.
"""

import secrets
from decimal import Decimal

from django.db import transaction

from plaza.core.errors import Conflict, InvalidInput
from plaza.core.outbox import record_event
from plaza.inventory.services import restock_order
from plaza.orders import emails, selectors
from plaza.orders.models import FulfilmentMethod, NotificationKind, Order, OrderNotification, OrderStatus, OrderStatusChange
from plaza.payments.services import capture_payment, refund_payment, void_payment
from plaza.shops.permissions import ShopAction, authorize

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


def accept(order: Order, *, actor) -> Order:
    return _shop_moves(order, S.ACCEPTED, actor=actor)


def dispatch(order: Order, *, actor) -> Order:
    """Ready for pick-up, out for delivery or shipped: the step the fulfilment method takes."""
    return _shop_moves(order, DISPATCH_STATUS[order.fulfilment_method], actor=actor)


@transaction.atomic
def _shop_moves(order: Order, to_status: str, *, actor, note: str = "") -> Order:
    authorize(actor, order.shop, ShopAction.MANAGE_ORDERS)
    return change_status(order, to_status, actor=actor, note=note)


@transaction.atomic
def complete(order: Order, *, actor, pickup_code: str = "") -> Order:
    """Hand the order over (a pick-up needs the shopper's code) and capture the payment."""
    # The move is checked first, so an order in the wrong state says so rather than
    # blaming the code; a wrong code then rolls the move back.
    completed = _shop_moves(order, S.COMPLETED, actor=actor)
    if completed.fulfilment_method == FulfilmentMethod.PICKUP and not secrets.compare_digest(
        str(pickup_code or "").strip().encode(), completed.pickup_code.encode()
    ):
        raise InvalidInput(
            "That pick-up code does not match this order.", fields={"pickup_code": ["Ask the customer for the 6-digit code."]}
        )
    capture_payment(completed, actor=actor)
    return completed


MAX_REASON_LENGTH = 255


@transaction.atomic
def cancel(order: Order, *, actor, reason: str, restock: bool = True) -> Order:
    """Cancel with a reason; put the units back (unless damaged) and void or refund the payment."""
    authorize(actor, order.shop, ShopAction.MANAGE_ORDERS)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the order is cancelled; the customer will read it.", fields={"reason": ["Required."]})
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput("The reason is too long.", fields={"reason": [f"At most {MAX_REASON_LENGTH} characters."]})
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == S.PENDING_PAYMENT:
        # Its units are only reserved; the checkout releases them when the payment lapses.
        raise Conflict("This order is still awaiting payment.", code="invalid_transition")
    cancelled = change_status(locked, S.CANCELLED, actor=actor, note=reason)
    if restock:
        restock_order(cancelled, actor=actor)
    still_captured = selectors.captured_amount(cancelled) - cancelled.refunded_total
    if still_captured > 0:
        # Giving back what was paid is part of cancelling, which staff may do; no
        # separate refund permission is asked for.
        refund_payment(cancelled, still_captured)
    else:
        void_payment(cancelled)
    order.status = cancelled.status
    return cancelled


MAX_AMOUNT = Decimal("9999999999.99")


def _refund_amount(amount) -> Decimal:
    if not isinstance(amount, Decimal):
        raise InvalidInput("Enter an amount.", fields={"amount": ["A decimal amount, e.g. 12.50."]})
    if not amount.is_finite() or amount <= 0 or amount > MAX_AMOUNT:
        raise InvalidInput("Enter an amount greater than zero.", fields={"amount": ["Greater than zero."]})
    if amount.as_tuple().exponent < -2:
        raise InvalidInput("Amounts have at most two decimals.", fields={"amount": ["At most two decimals."]})
    return amount


@transaction.atomic
def refund(order: Order, *, actor, amount: Decimal) -> Order:
    """Give back part or all of what was captured; owners only."""
    authorize(actor, order.shop, ShopAction.REFUND)
    amount = _refund_amount(amount)
    locked = Order.objects.select_for_update().get(pk=order.pk)
    refundable = selectors.captured_amount(locked) - locked.refunded_total
    if refundable <= 0:
        raise Conflict("Nothing paid for this order is left to refund.", code="nothing_to_refund")
    if amount > refundable:
        raise InvalidInput(
            f"At most {refundable} {locked.currency} can be refunded.",
            fields={"amount": [f"At most {refundable} {locked.currency}."]},
        )
    refund_payment(locked, amount, actor=actor)
    locked.refresh_from_db()
    record_event("order.refunded", {**order_event_payload(locked), "amount": str(amount)})
    order.refunded_total = locked.refunded_total
    return locked


@transaction.atomic
def notify_shopper(*, event_id: int, order_id: int, kind: str, refund_amount: str = "") -> bool:
    """E-mail the shopper about an event once, however often the event is delivered."""
    order = Order.objects.filter(pk=order_id).select_related("shop", "location").first()
    if order is None:
        return False
    _, created = OrderNotification.objects.get_or_create(
        event_id=event_id, defaults={"order": order, "kind": kind, "recipient": order.email}
    )
    if not created:
        return False
    if kind == NotificationKind.CONFIRMATION:
        emails.send_confirmation(order)
    else:
        emails.send_status_update(order, kind, refund_amount=refund_amount)
    return True
