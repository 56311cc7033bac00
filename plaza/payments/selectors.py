from plaza.payments.models import Payment, PaymentTransaction, TransactionKind


def latest_payment(order) -> Payment | None:
    """The order's current payment (retries reuse it; there is one per order)."""
    return Payment.objects.filter(order_id=order.pk).order_by("-id").first()


def last_authorization_error(order) -> str:
    """What the provider said the last time it refused to authorize this order's payment."""
    return (
        PaymentTransaction.objects.filter(payment__order_id=order.pk, kind=TransactionKind.AUTHORIZE, success=False)
        .order_by("-id")
        .values_list("error", flat=True)
        .first()
        or ""
    )
