from datetime import time
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class ShopKind(models.TextChoices):
    FOOD = "food", "Food & drink"
    BOOKS = "books", "Books"
    HARDWARE = "hardware", "Hardware & DIY"
    FASHION = "fashion", "Fashion"
    GIFTS = "gifts", "Gifts"
    HOME = "home", "Home & garden"
    SPORTS = "sports", "Sports & outdoors"
    HEALTH = "health", "Health & beauty"
    TOYS = "toys", "Toys & games"
    OTHER = "other", "Other"


class Shop(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    kind = models.CharField(max_length=20, choices=ShopKind.choices, default=ShopKind.OTHER)
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to="shops/logos/", blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    # Prices are tax-inclusive; this is the rate the receipt breaks out.
    tax_rate_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    OWNER = "owner", "Owner"
    STAFF = "staff", "Staff"


class ShopMembership(models.Model):
    """A person who can act for a shop. Owners manage the shop; staff run orders and stock."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships")
    role = models.CharField(max_length=10, choices=StaffRole.choices, default=StaffRole.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "user"], name="unique_shop_member")]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} of {self.shop}"


class Location(models.Model):
    """A physical place of a shop: where stock lives, pick-ups happen and deliveries start."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255)
    city = models.CharField(max_length=120, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # H3 cell at resolution 7 (~5 km²), for cheap "near me" prefiltering.
    h3_cell = models.CharField(max_length=16, db_index=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)

    pickup_enabled = models.BooleanField(default=True)
    pickup_preparation_minutes = models.PositiveIntegerField(default=30)
    delivery_enabled = models.BooleanField(default=False)
    delivery_radius_km = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("5.00"))
    delivery_fee = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("4.90"))
    shipping_enabled = models.BooleanField(default=False)
    shipping_fee = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("6.90"))

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shop_id", "id"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_latlng_idx")]

    def __str__(self) -> str:
        return f"{self.shop.name} — {self.name}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


# As a closing time, 00:00 means midnight at the end of the day: a period may run until
# midnight (18:00–00:00) or all day (00:00–00:00), but never crosses into the next day.
MIDNIGHT = time(0, 0)


def closes_after_opening(opens: time, closes: time) -> bool:
    return closes == MIDNIGHT or opens < closes


def closes_before(closes: time, moment: time) -> bool:
    """Whether a period closing at ``closes`` has closed by ``moment`` on the same day."""
    return closes != MIDNIGHT and closes <= moment


class OpeningHours(models.Model):
    """One opening interval on a weekday; a day may have several (e.g. a lunch break)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens__lt=models.F("closes")) | models.Q(closes=MIDNIGHT), name="hours_open_before_close"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class HoursException(models.Model):
    """A dated exception to the weekly hours: a holiday (closed) or special hours."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="hours_exceptions")
    date = models.DateField()
    is_closed = models.BooleanField(default=True)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["location", "date"], name="one_exception_per_day")]

    def __str__(self) -> str:
        return f"{self.date}: {'closed' if self.is_closed else f'{self.opens}–{self.closes}'}"
