from decimal import Decimal

from django.db import models

from plaza.orders.models import Order


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    # A call to the provider is in flight; nobody else may start another for this payment.
    PROCESSING = "processing", "Processing"
    AUTHORIZED = "authorized", "Authorized"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    provider = models.CharField(max_length=40)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    captured_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    # The provider's own reference for this payment (for webhooks and refunds).
    reference = models.CharField(max_length=120, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_amount__lte=models.F("captured_amount")), name="refund_within_captured"
            ),
            models.CheckConstraint(condition=models.Q(captured_amount__lte=models.F("amount")), name="capture_within_amount"),
        ]
        # A processor's webhook names the payment by its reference (an equality look-up:
        # no second, pattern index beside it).
        indexes = [models.Index(fields=["reference"], name="payment_reference_idx")]

    def __str__(self) -> str:
        return f"{self.provider} {self.amount} {self.currency} ({self.status})"


class TransactionKind(models.TextChoices):
    AUTHORIZE = "authorize", "Authorize"
    CAPTURE = "capture", "Capture"
    VOID = "void", "Void"
    REFUND = "refund", "Refund"
    WEBHOOK = "webhook", "Webhook"


class PaymentTransaction(models.Model):
    """Every call made to a provider and what it answered: the payment's audit trail."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=12, choices=TransactionKind.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    success = models.BooleanField()
    error = models.CharField(max_length=255, blank=True)
    provider_reference = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
