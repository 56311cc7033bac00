import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from plaza.catalog.models import Variant
from plaza.shops.models import Location, Shop


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    NEW = "new", "New"
    ACCEPTED = "accepted", "Accepted"
    READY_FOR_PICKUP = "ready_for_pickup", "Ready for pick-up"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    SHIPPED = "shipped", "Shipped"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class FulfilmentMethod(models.TextChoices):
    PICKUP = "pickup", "Pick-up in store"
    DELIVERY = "delivery", "Local delivery"
    SHIPPING = "shipping", "Shipping"


def new_pickup_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


class Order(models.Model):
    number = models.CharField(max_length=20)
    # Unguessable reference that lets a guest open their own order page.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Indexed by order_board_idx, which starts with the shop.
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders", db_index=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    email = models.EmailField()
    customer_name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT)

    fulfilment_method = models.CharField(max_length=10, choices=FulfilmentMethod.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="orders")
    pickup_slot_start = models.DateTimeField(null=True, blank=True)
    pickup_code = models.CharField(max_length=6, default=new_pickup_code)
    address_line = models.CharField(max_length=255, blank=True)
    address_city = models.CharField(max_length=120, blank=True)
    address_postcode = models.CharField(max_length=20, blank=True)
    address_latitude = models.FloatField(null=True, blank=True)
    address_longitude = models.FloatField(null=True, blank=True)
    note = models.TextField(blank=True)

    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    fulfilment_fee = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    tax_included = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    refunded_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))

    payment_provider = models.CharField(max_length=40)
    # Who placed it and with which idempotency key: a retried submission finds this row.
    idempotency_scope = models.CharField(max_length=80)
    idempotency_key = models.CharField(max_length=100)
    # A digest of what the submission asked for: the same key with another request is refused.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    payment_due_by = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A constraint rather than unique=True: no second, pattern index beside it.
            models.UniqueConstraint(fields=["number"], name="one_order_per_number"),
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], name="one_order_per_idempotency_key"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(
                condition=models.Q(refunded_total__lte=models.F("total")), name="order_refund_within_total"
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "status", "-created_at"], name="order_board_idx"),
            models.Index(fields=["status", "payment_due_by"], name="order_payment_due_idx"),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey(Variant, null=True, on_delete=models.SET_NULL, related_name="order_lines")
    product_title = models.CharField(max_length=255)
    variant_title = models.CharField(max_length=255, blank=True)
    sku = models.CharField(max_length=100, blank=True)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_title}"


class OrderStatusChange(models.Model):
    """The order's history, shown on the order page and the merchant's board."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    # Indexed only where set (see Meta): a placement, paid for by the shopper, has no actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["actor"], name="status_change_actor_idx", condition=models.Q(actor__isnull=False))]


class NotificationKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Order confirmation"
    READY_FOR_PICKUP = "ready_for_pickup", "Ready for pick-up"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"


class OrderNotification(models.Model):
    """An e-mail to the shopper about an order, one per outbox event.

    The outbox delivers at least once; the unique event id is what stops a redelivered
    event from e-mailing the shopper a second time. The row is written by the event's
    subscriber; the e-mail goes out from a task once that has committed (``sent_at``).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notifications")
    event_id = models.PositiveBigIntegerField(unique=True)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    recipient = models.EmailField()
    refund_amount = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="order_email_unsent_idx", condition=models.Q(sent_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.order} to {self.recipient}"
