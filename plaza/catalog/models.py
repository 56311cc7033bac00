from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from plaza.shops.models import Location, Shop

MAX_OPTIONS = 3


class Category(models.Model):
    """A node of the shared category tree (Shopify's "Product Category" path maps onto it)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=160, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    # "Apparel & Accessories > Clothing": the path as Shopify writes it, for round-trips.
    full_path = models.CharField(max_length=500, unique=True)

    class Meta:
        ordering = ["full_path"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.full_path


class Tag(models.Model):
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


class Product(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="products")
    handle = models.SlugField(max_length=255)
    title = models.CharField(max_length=255)
    description_html = models.TextField(blank=True, help_text="Sanitised HTML")
    vendor = models.CharField(max_length=255, blank=True)
    product_type = models.CharField(max_length=255, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    status = models.CharField(max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    option1_name = models.CharField(max_length=80, blank=True)
    option2_name = models.CharField(max_length=80, blank=True)
    option3_name = models.CharField(max_length=80, blank=True)
    seo_title = models.CharField(max_length=255, blank=True)
    seo_description = models.TextField(blank=True)
    # Cheapest variant price, kept by the catalog services for listing and price filters.
    min_price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["shop_id", "title"]
        constraints = [models.UniqueConstraint(fields=["shop", "handle"], name="unique_handle_per_shop")]
        indexes = [
            models.Index(fields=["status", "min_price"], name="product_status_price_idx"),
            models.Index(fields=["shop", "status"], name="product_shop_status_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def option_names(self) -> list[str]:
        return [name for name in (self.option1_name, self.option2_name, self.option3_name) if name]

    @property
    def is_published(self) -> bool:
        return self.status == ProductStatus.PUBLISHED


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/", blank=True)
    thumbnail = models.ImageField(upload_to="products/thumbs/", blank=True)
    # Where an imported image came from (Shopify "Image Src"); kept for export round-trips.
    source_url = models.URLField(max_length=1000, blank=True)
    alt_text = models.CharField(max_length=255, blank=True)
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "position", "id"]

    def __str__(self) -> str:
        return f"image {self.position} of {self.product}"

    def stored_file_url(self, size: str = "thumbnail") -> str:
        """The URL of the file stored for this image: the thumbnail first, unless ``size`` is "full".

        Empty for an image known only by its ``source_url``: an import downloads nothing,
        and pages must not point shoppers' browsers at another site.
        """
        files = (self.image, self.thumbnail) if size == "full" else (self.thumbnail, self.image)
        return next((file.url for file in files if file), "")


def variant_title(*options: str) -> str:
    """A variant's name from its option values ("Red / XL"); Shopify's lone "Default Title" reads "Default"."""
    values = [value for value in options if value]
    return " / ".join(values) if values and values != ["Default Title"] else "Default"


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=100, blank=True, db_index=True)
    option1 = models.CharField(max_length=120, blank=True)
    option2 = models.CharField(max_length=120, blank=True)
    option3 = models.CharField(max_length=120, blank=True)
    price = models.DecimalField(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    compare_at_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0"))]
    )
    barcode = models.CharField(max_length=64, blank=True)
    grams = models.PositiveIntegerField(default=0)
    requires_shipping = models.BooleanField(default=True)
    taxable = models.BooleanField(default=True)
    image = models.ForeignKey(ProductImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="variants")
    position = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["product_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "option1", "option2", "option3"], name="unique_variant_options"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="variant_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.product.title} — {self.title}"

    @property
    def title(self) -> str:
        return variant_title(self.option1, self.option2, self.option3)

    @property
    def currency(self) -> str:
        return self.product.shop.currency


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One upload of a Shopify product CSV and the report of its background import.

    ``errors`` and ``warnings`` are lists of ``{"line", "handle", "field", "message"}``;
    ``line`` is the CSV line number (the header is line 1), or null for the whole file.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255, blank=True)
    # Where "Variant Inventory Qty" lands; null when the shop has no location (stock skipped).
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total_products = models.PositiveIntegerField(default=0)
    processed_products = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"import #{self.pk} of {self.shop} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    @property
    def progress_percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_products:
            return 0
        return min(100, self.processed_products * 100 // self.total_products)
