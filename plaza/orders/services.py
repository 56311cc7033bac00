"""Order state changes. Every status change goes through :func:`change_status` (or
:func:`change_locked_status`, for a caller already holding the order's row lock), which
checks the move is allowed, writes the history row and emits one event through the
outbox: ``order.placed`` when a paid order first becomes NEW (its placement), else
``order.status_changed``.

The shop's actions (accept, dispatch, complete, cancel, refund) authorize the actor,
then move the order through :func:`change_status` and settle stock and payment in the
same transaction: if the payment provider refuses, the status change is rolled back.
The shopper may call off an order the shop has not started on
(:func:`cancel_by_customer`), settled the same way.
"""

import logging
import secrets
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone

from plaza.core.compiled import UPDATE, CompiledQuery, insert
from plaza.core.errors import Conflict, InvalidInput, NotFound
from plaza.core.money import format_money
from plaza.core.outbox import record_event
from plaza.inventory.services import release_reservations, restock_order
from plaza.orders import emails, selectors
from plaza.orders.models import FulfilmentMethod, NotificationKind, Order, OrderNotification, OrderStatus, OrderStatusChange
from plaza.payments.services import capture_payment, refund_payment, void_payment
from plaza.shops.permissions import ShopAction, authorize

logger = logging.getLogger(__name__)

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
def change_status(order: Order, to_status: str, *, actor=None, note: str = "", by_customer: bool = False) -> Order:
    """Move ``order`` to ``to_status`` under a row lock; refuses moves the lifecycle forbids.

    ``by_customer`` says the shopper made the move (they cancelled); the event carries it,
    so that the shopper is not e-mailed about what they just did.
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    change_locked_status(locked, to_status, actor=actor, note=note, by_customer=by_customer)
    order.status = locked.status
    return locked


def _check_move(order: Order, from_status: str, to_status: str) -> None:
    if to_status not in ALLOWED_MOVES[from_status]:
        raise Conflict(
            f"An order that is {OrderStatus(from_status).label.lower()} cannot become "
            f"{OrderStatus(to_status).label.lower()}.",
            code="invalid_transition",
        )
    if to_status in DISPATCH_STATUS.values() and to_status != DISPATCH_STATUS[order.fulfilment_method]:
        raise Conflict(
            f"A {order.get_fulfilment_method_display().lower()} order cannot become "
            f"{OrderStatus(to_status).label.lower()}.",
            code="invalid_transition",
        )


def _record_move(order: Order, from_status: str, *, actor, note: str, by_customer: bool) -> None:
    """The history row and events of a move ``order`` (its status already the new one) just made."""
    insert([OrderStatusChange(order=order, from_status=from_status, to_status=order.status, actor=actor, note=note[:255])])
    payload = {**order_event_payload(order), "from_status": from_status, "by_customer": by_customer}
    record_event("order.placed" if order.status == S.NEW else "order.status_changed", payload)


def change_locked_status(locked: Order, to_status: str, *, actor=None, note: str = "", by_customer: bool = False) -> Order:
    """:func:`change_status` for an order the caller read with ``select_for_update`` in the
    transaction it is still in: the row is not locked and read a second time."""
    from_status = locked.status
    _check_move(locked, from_status, to_status)
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    _record_move(locked, from_status, actor=actor, note=note, by_customer=by_customer)
    return locked


_MOVE_FROM = CompiledQuery(
    Order,
    lambda order_id, from_status, to_status: (
        Order.objects.filter(pk=order_id, status=from_status),
        {"status": to_status, "updated_at": Now()},
    ),
    UPDATE,
)


def change_status_from(order: Order, from_status: str, to_status: str, *, actor=None, note: str = "") -> bool:
    """Move ``order`` from ``from_status`` to ``to_status`` if it is still there, inside the
    caller's transaction: one conditional UPDATE, whose row lock then lasts until that
    transaction ends. False, with nothing written, if the order has moved on meanwhile.

    The checkout's settlement uses it: an order waiting for its payment almost always
    still is, so the lock and the move cost one statement instead of a locking read first.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("change_status_from() must run inside the caller's transaction")
    _check_move(order, from_status, to_status)
    if not _MOVE_FROM(order_id=order.pk, from_status=from_status, to_status=to_status):
        return False
    order.status = to_status
    _record_move(order, from_status, actor=actor, note=note, by_customer=False)
    return True


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
CUSTOMER_CANCEL_NOTE = "Cancelled by the customer"
# The shopper's reason follows the note in the history row, which holds MAX_REASON_LENGTH.
MAX_CUSTOMER_REASON_LENGTH = MAX_REASON_LENGTH - len(f"{CUSTOMER_CANCEL_NOTE}: ")


def _clean_reason(reason, *, max_length: int) -> str:
    reason = str(reason or "").strip()
    # PostgreSQL cannot store a NUL character in text; refuse it rather than fail there.
    if "\x00" in reason:
        raise InvalidInput("The reason contains a character that is not allowed.", fields={"reason": ["No NUL characters."]})
    if len(reason) > max_length:
        raise InvalidInput("The reason is too long.", fields={"reason": [f"At most {max_length} characters."]})
    return reason


def _give_back(cancelled: Order, *, from_status: str, actor, restock: bool = True) -> None:
    """Return the stock and the money of an order just cancelled from ``from_status``.

    Runs in the cancelling transaction, after the status change under the order's lock:
    a second cancellation is refused there, so nothing is given back twice.
    """
    if from_status == S.PENDING_PAYMENT:
        # The units were only held for the payment; they never left the shelf.
        release_reservations(cancelled)
    elif restock:
        restock_order(cancelled, actor=actor)
    still_captured = selectors.captured_amount(cancelled) - cancelled.refunded_total
    if still_captured > 0:
        # Giving back what was paid is part of cancelling, which staff (and the shopper)
        # may do; no separate refund permission is asked for.
        refund_payment(cancelled, still_captured)
    else:
        void_payment(cancelled)


@transaction.atomic
def cancel(order: Order, *, actor, reason: str, restock: bool = True) -> Order:
    """Cancel with a reason; put the units back (unless damaged) and void or refund the payment."""
    authorize(actor, order.shop, ShopAction.MANAGE_ORDERS)
    reason = _clean_reason(reason, max_length=MAX_REASON_LENGTH)
    if not reason:
        raise InvalidInput("Say why the order is cancelled; the customer will read it.", fields={"reason": ["Required."]})
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status == S.PENDING_PAYMENT:
        # Its units are only reserved; the checkout releases them when the payment lapses.
        raise Conflict("This order is still awaiting payment.", code="invalid_transition")
    from_status = locked.status
    cancelled = change_locked_status(locked, S.CANCELLED, actor=actor, note=reason)
    _give_back(cancelled, from_status=from_status, actor=actor, restock=restock)
    order.status = cancelled.status
    return cancelled


def _why_not_cancellable(status: str) -> str:
    if status == S.CANCELLED:
        return "This order is already cancelled."
    if status == S.PAYMENT_FAILED:
        return "The payment did not go through, so there is no order to cancel."
    if status == S.COMPLETED:
        return "This order is already completed; contact the shop about a return."
    return "The shop has already started on this order; contact them to cancel."


@transaction.atomic
def cancel_by_customer(order: Order, *, user, reason: str = "") -> Order:
    """The shopper calls off their order while the shop has not started on it (it awaits
    payment or is new); the stock goes back and the payment is voided or refunded.

    The caller found ``order`` by its token: that is all a guest order asks, while a
    signed-in shopper's order is only theirs to cancel (anyone else gets NotFound).
    """
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if not selectors.belongs_to(locked, user):
        raise NotFound("No order has that reference.")
    if locked.status not in selectors.CANCELLABLE_BY_SHOPPER:
        raise Conflict(_why_not_cancellable(locked.status), code="invalid_transition")
    reason = _clean_reason(reason, max_length=MAX_CUSTOMER_REASON_LENGTH)
    actor = user if getattr(user, "is_authenticated", False) else None
    from_status = locked.status
    cancelled = change_locked_status(
        locked,
        S.CANCELLED,
        actor=actor,
        note=f"{CUSTOMER_CANCEL_NOTE}: {reason}" if reason else f"{CUSTOMER_CANCEL_NOTE}.",
        by_customer=True,
    )
    _give_back(cancelled, from_status=from_status, actor=actor)
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
            f"At most {format_money(refundable, locked.currency)} can be refunded.",
            fields={"amount": [f"At most {format_money(refundable, locked.currency)}."]},
        )
    refund_payment(locked, amount, actor=actor)
    locked.refresh_from_db()
    record_event("order.refunded", {**order_event_payload(locked), "amount": str(amount)})
    order.refunded_total = locked.refunded_total
    return locked


@transaction.atomic
def notify_shopper(*, event_id: int, order_id: int, kind: str, refund_amount: str = "") -> None:
    """E-mail the shopper about an event once, however often the event is delivered: the
    notification is recorded here (one per event: a redelivery inserts nothing), and a
    task sends it once this has committed."""
    order = Order.objects.filter(pk=order_id).only("pk", "email").first()
    if order is None:
        return
    notification = OrderNotification(
        event_id=event_id, order=order, kind=kind, recipient=order.email, refund_amount=refund_amount
    )
    OrderNotification.objects.bulk_create([notification], ignore_conflicts=True)
    transaction.on_commit(partial(_enqueue_email, event_id))


def _enqueue_email(event_id: int) -> None:
    from plaza.orders.tasks import send_order_email

    send_order_email.enqueue(event_id)


def send_notification_email(event_id: int) -> bool:
    """Send the notification recorded for an event unless it has been sent. Its row (only
    its row: not the order's) is locked while the mail goes out, so two runs of the task
    cannot both send it."""
    with transaction.atomic():
        notification = (
            OrderNotification.objects.select_for_update(of=("self",))
            .filter(event_id=event_id, sent_at__isnull=True)
            .select_related("order__shop", "order__location")
            .first()
        )
        if notification is None:
            return False
        order = notification.order
        if notification.kind == NotificationKind.CONFIRMATION:
            emails.send_confirmation(order)
        else:
            emails.send_status_update(order, notification.kind, refund_amount=notification.refund_amount)
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
    return True


def send_unsent_emails(*, older_than: timedelta = timedelta(minutes=1), limit: int = 200) -> int:
    """Send the notifications whose task never ran or failed (the mail server was down)."""
    unsent = OrderNotification.objects.filter(sent_at__isnull=True, created_at__lt=timezone.now() - older_than)
    sent = 0
    for event_id in unsent.order_by("created_at").values_list("event_id", flat=True)[:limit]:
        try:
            sent += send_notification_email(event_id)
        except Exception:  # one bad address or a mail server down: the others still go
            logger.exception("could not send the order notification of event %s", event_id)
    return sent
