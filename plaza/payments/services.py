"""Every write to payments: opening, authorizing, capturing, refunding and voiding them,
and applying what a processor's webhook reports. Each provider call is logged as a
``PaymentTransaction``, whatever it answered.

The order lifecycle calls :func:`capture_payment` when an order completes,
:func:`void_payment` when it is cancelled before that, and :func:`refund_payment`.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.functions import Now

from plaza.core.compiled import UPDATE, CompiledQuery, insert
from plaza.core.errors import Conflict, InvalidInput, NotFound, PaymentDeclined
from plaza.core.money import format_money, quantize
from plaza.core.outbox import record_event
from plaza.orders.models import Order
from plaza.payments.models import Payment, PaymentStatus, PaymentTransaction, TransactionKind
from plaza.payments.providers import get_provider
from plaza.payments.providers.base import ProviderResult, WebhookEvent, WebhookKind
from plaza.shops import permissions
from plaza.shops.permissions import ShopAction

logger = logging.getLogger(__name__)

P = PaymentStatus
COLLECTED = frozenset({P.CAPTURED, P.PARTIALLY_REFUNDED, P.REFUNDED})
UNREACHABLE = ProviderResult(
    success=False, retryable=True, error="The payment provider could not be reached. Please try again."
)
CANCELLED_MEANWHILE = ProviderResult(
    success=False, error="The order was cancelled before the payment went through; nothing was charged."
)


def _call(method, *args) -> ProviderResult:
    # A processor that errors out is a processor that did not answer: the shopper may retry.
    try:
        return method(*args)
    except Exception:
        logger.exception("payment provider call %s failed", getattr(method, "__qualname__", method))
        return UNREACHABLE


def _log(payment: Payment, kind: str, amount: Decimal, result: ProviderResult) -> PaymentTransaction:
    logged = PaymentTransaction(
        payment=payment,
        kind=kind,
        amount=amount,
        success=result.success,
        error=result.error[:255],
        provider_reference=result.reference[:120],
    )
    return insert([logged])[0]


def _event(topic: str, payment: Payment, **extra) -> None:
    record_event(
        topic,
        {
            "payment_id": payment.pk,
            "order_id": payment.order_id,
            "provider": payment.provider,
            "status": payment.status,
            "currency": payment.currency,
            "captured_amount": str(payment.captured_amount),
            "refunded_amount": str(payment.refunded_amount),
            **extra,
        },
    )


def _locked_payment(order: Order) -> Payment:
    payment = Payment.objects.select_for_update().filter(order_id=order.pk).order_by("-id").first()
    if payment is None:
        raise NotFound("This order has no payment.")
    return payment


def start_payment(order: Order) -> Payment:
    """Open the payment of a new order, claimed for the authorization that follows.

    Runs inside the checkout transaction, so an order never exists without its payment.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("start_payment() must run inside the checkout transaction")
    payment = Payment(
        order=order, provider=order.payment_provider, status=P.PROCESSING, currency=order.currency, amount=order.total
    )
    return insert([payment])[0]


@transaction.atomic
def claim_for_retry(order: Order) -> Payment:
    """Mark the order's payment as in flight for another attempt, or refuse if one already is."""
    payment = _locked_payment(order)
    if payment.status == P.PROCESSING:
        raise Conflict("A payment for this order is already in progress.", code="payment_in_progress")
    if payment.status != P.PENDING:
        raise Conflict("This order is not waiting for a payment.")
    payment.status = P.PROCESSING
    payment.save(update_fields=["status", "updated_at"])
    return payment


def authorize_payment(payment: Payment, details: dict) -> ProviderResult:
    """Ask the provider to authorize a claimed payment; :func:`record_authorization` keeps its answer.

    Called outside any transaction of ours so that no row stays locked while the
    processor thinks; the claim (status PROCESSING) keeps a second attempt out.
    """
    return _call(get_provider(payment.provider).authorize, payment, details)


_ANSWER = CompiledQuery(
    Payment,
    lambda payment_id, waiting, status, reference, card_last4: (
        Payment.objects.filter(pk=payment_id, status=waiting),
        {"status": status, "reference": reference, "card_last4": card_last4, "updated_at": Now()},
    ),
    UPDATE,
)


def record_authorization(payment: Payment, result: ProviderResult, last4: str = "") -> ProviderResult:
    """Keep the provider's answer to :func:`authorize_payment`, in the transaction that acts
    on it, which holds the order's row lock (the order first, then its payment, as
    everywhere). Returns the answer, or CANCELLED_MEANWHILE if the order's hold lapsed while
    the processor thought (an authorization that went through is then voided)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_authorization() must run inside the transaction that settles the order")
    if result.success:
        status = P.AUTHORIZED
    else:
        status = P.PENDING if result.retryable else P.FAILED
    answered = {
        "status": status,
        "reference": result.reference or payment.reference,
        "card_last4": last4 or payment.card_last4,
    }
    # One conditional UPDATE: only a payment still waiting for this answer takes it.
    if _ANSWER(payment_id=payment.pk, waiting=P.PROCESSING, **answered):
        for name, value in answered.items():
            setattr(payment, name, value)
        _log(payment, TransactionKind.AUTHORIZE, payment.amount, result)
        return result
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    _log(locked, TransactionKind.AUTHORIZE, locked.amount, result)
    if result.success:
        locked.reference = result.reference
        _void_at_provider(locked)
        locked.save(update_fields=["reference", "updated_at"])
    _copy_into(payment, locked)
    return CANCELLED_MEANWHILE


def _copy_into(payment: Payment, fresh: Payment) -> None:
    """Bring the caller's ``payment`` up to date from the row just read and saved under lock."""
    for field in Payment._meta.concrete_fields:
        setattr(payment, field.attname, getattr(fresh, field.attname))


@transaction.atomic
def capture_payment(order: Order, actor=None) -> Payment:
    """Collect the authorized amount, when the order completes. Capturing twice is a no-op."""
    if actor is not None:
        permissions.authorize(actor, order.shop, ShopAction.MANAGE_ORDERS)
    payment = _locked_payment(order)
    if payment.status in COLLECTED:
        return payment
    if payment.status != P.AUTHORIZED:
        raise Conflict(f"A {payment.get_status_display().lower()} payment cannot be captured.")
    result = _call(get_provider(payment.provider).capture, payment, payment.amount)
    _log(payment, TransactionKind.CAPTURE, payment.amount, result)
    if not result.success:
        raise PaymentDeclined(result.error or "The payment could not be captured.")
    payment.status = P.CAPTURED
    payment.captured_amount = payment.amount
    payment.save(update_fields=["status", "captured_amount", "updated_at"])
    _event("payment.captured", payment)
    return payment


def _clean_refund_amount(amount) -> Decimal:
    invalid = InvalidInput("Enter an amount to refund.", fields={"amount": ["A positive amount with at most 2 decimals."]})
    if isinstance(amount, float | bool):
        raise invalid
    try:
        amount = Decimal(str(amount))
    except InvalidOperation as error:
        raise invalid from error
    if not amount.is_finite() or amount <= 0 or amount != quantize(amount):
        raise invalid
    return quantize(amount)


def _lock_order_then_payment(order_id: int) -> tuple[Order, Payment]:
    # Always the order row first, then the payment, as the order lifecycle and the
    # webhooks do: a refund from the shop and one from the processor cannot deadlock.
    locked_order = Order.objects.select_for_update().get(pk=order_id)
    return locked_order, _locked_payment(locked_order)


def _apply_refund(order: Order, payment: Payment, amount: Decimal) -> None:
    """Both rows are locked. The sums are made here in Decimal: SQLite would add in floats."""
    payment.refunded_amount += amount
    payment.status = P.REFUNDED if payment.refunded_amount == payment.captured_amount else P.PARTIALLY_REFUNDED
    payment.save(update_fields=["refunded_amount", "status", "updated_at"])
    order.refunded_total += amount
    order.save(update_fields=["refunded_total", "updated_at"])
    _event("payment.refunded", payment, amount=str(amount))


@transaction.atomic
def refund_payment(order: Order, amount, actor=None) -> PaymentTransaction:
    """Give back part or all of what was collected; never more than that."""
    amount = _clean_refund_amount(amount)
    if actor is not None:
        permissions.authorize(actor, order.shop, ShopAction.REFUND)
    locked_order, payment = _lock_order_then_payment(order.pk)
    provider = get_provider(payment.provider)
    if payment.status not in COLLECTED:
        raise Conflict(
            f"Nothing has been collected for this order yet ({provider.label}), so there is nothing to refund. "
            "Cancel the order instead.",
            code="not_captured",
        )
    refundable = payment.captured_amount - payment.refunded_amount
    if amount > refundable:
        raise InvalidInput(
            "You cannot refund more than was paid.",
            fields={"amount": [f"At most {format_money(refundable, payment.currency)} can still be refunded."]},
        )
    result = _call(provider.refund, payment, amount)
    if not result.success:
        raise PaymentDeclined(result.error or "The refund did not go through.")
    refund = _log(payment, TransactionKind.REFUND, amount, result)
    _apply_refund(locked_order, payment, amount)
    order.refunded_total = locked_order.refunded_total
    return refund


def _void_at_provider(payment: Payment) -> None:
    _log(payment, TransactionKind.VOID, payment.amount, _call(get_provider(payment.provider).void, payment))


@transaction.atomic
def void_payment(order: Order) -> Payment | None:
    """Release an uncollected payment (the order was cancelled or its hold lapsed)."""
    payment = Payment.objects.select_for_update().filter(order_id=order.pk).order_by("-id").first()
    if payment is None or payment.status in (P.FAILED, P.CANCELLED):
        return payment
    if payment.status in COLLECTED:
        raise Conflict("The payment was already collected; refund it instead.")
    if payment.status == P.AUTHORIZED:
        _void_at_provider(payment)
    payment.status = P.CANCELLED
    payment.save(update_fields=["status", "updated_at"])
    _event("payment.voided", payment)
    return payment


@transaction.atomic
def apply_webhook(provider_name: str, event: WebhookEvent) -> Payment:
    """Apply a processor's notice (already authenticated by its provider). Replays are no-ops."""
    ids = Payment.objects.filter(provider=provider_name, reference=event.reference).values_list("pk", "order_id").first()
    if ids is None:
        raise NotFound("No payment has that reference.")
    payment_id, order_id = ids
    locked_order = Order.objects.select_for_update().get(pk=order_id)
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.transactions.filter(kind=TransactionKind.WEBHOOK, provider_reference=event.event_id).exists():
        return payment
    if event.kind == WebhookKind.CAPTURED and payment.status not in COLLECTED:
        if payment.status != P.AUTHORIZED or event.amount > payment.amount:
            raise Conflict("That capture does not match this payment.")
        payment.status = P.CAPTURED
        payment.captured_amount = event.amount
        payment.save(update_fields=["status", "captured_amount", "updated_at"])
        _event("payment.captured", payment)
    elif event.kind == WebhookKind.REFUNDED:
        if payment.status not in COLLECTED or event.amount > payment.captured_amount - payment.refunded_amount:
            raise Conflict("That refund is more than this payment has left to refund.")
        _apply_refund(locked_order, payment, event.amount)
    _log(payment, TransactionKind.WEBHOOK, event.amount, ProviderResult(success=True, reference=event.event_id))
    return payment
