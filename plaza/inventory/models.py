from django.conf import settings
from django.db import models

from plaza.catalog.models import Variant
from plaza.shops.models import Location


class Stock(models.Model):
    """Units of one variant at one location.

    ``quantity`` is on hand; ``reserved`` is held by unfinished orders. What a shopper can
    buy is ``quantity - reserved``; the database refuses any write that makes it negative.
    """

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="stocks")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="stocks")
    quantity = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0)
    low_stock_threshold = models.PositiveIntegerField(default=3)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "location"], name="one_stock_per_variant_location"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=models.Q(quantity__gte=models.F("reserved")), name="stock_never_oversold"),
        ]
        indexes = [models.Index(fields=["location", "variant"], name="stock_location_variant_idx")]

    def __str__(self) -> str:
        return f"{self.variant} @ {self.location}: {self.available}"

    @property
    def available(self) -> int:
        return self.quantity - self.reserved

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold


class MovementReason(models.TextChoices):
    ADJUSTMENT = "adjustment", "Manual adjustment"
    RECEIVED = "received", "Goods received"
    DAMAGED = "damaged", "Damaged or lost"
    COUNT = "count", "Stock count"
    IMPORT = "import", "Catalog import"
    SALE = "sale", "Sold (order placed)"
    RESTOCK = "restock", "Restocked (order cancelled)"
    RETURN = "return", "Returned"


class StockMovement(models.Model):
    """An append-only log line for every change of on-hand quantity."""

    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="movements")
    delta = models.IntegerField()
    quantity_after = models.IntegerField()
    reason = models.CharField(max_length=20, choices=MovementReason.choices)
    note = models.CharField(max_length=255, blank=True)
    # Indexed only where set (see Meta): sales, most of the rows, have no actor.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, db_index=False
    )
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["actor"], name="movement_actor_idx", condition=models.Q(actor__isnull=False))]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.stock} ({self.reason})"


class Reservation(models.Model):
    """Units held for an order line while its payment is pending.

    When the payment goes through, the reservation becomes a sale (on-hand quantity goes
    down, a SALE movement is logged, the row is deleted); when it fails or lapses, the
    units are released.
    """

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="reservations")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.CASCADE, related_name="reservations")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="reservation_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.stock.variant} for {self.order_line.order}"
