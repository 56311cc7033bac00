"""Reads of the catalog for pages, the API and the Shopify CSV export."""

from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from plaza.catalog import shopify
from plaza.catalog.models import Category, ImportJob, Product, ProductImage, ProductStatus, Variant
from plaza.core.errors import NotFound
from plaza.inventory.models import Stock

MAX_ID = 2**63 - 1


def _with_details(products: QuerySet[Product]) -> QuerySet[Product]:
    return products.select_related("shop", "category").prefetch_related(
        Prefetch("variants", queryset=Variant.objects.select_related("image")),
        "images",
        "tags",
    )


def published_products(
    *,
    shop_slug: str = "",
    category_slug: str = "",
    tag: str = "",
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
) -> QuerySet[Product]:
    """Products shoppers may see, cheapest first within a shop; the filters narrow them."""
    products = Product.objects.filter(status=ProductStatus.PUBLISHED, shop__is_active=True)
    if shop_slug:
        products = products.filter(shop__slug=shop_slug)
    if category_slug:
        category = Category.objects.filter(slug=category_slug).first()
        if category is None:
            return products.none()
        products = products.filter(
            Q(category=category) | Q(category__full_path__startswith=category.full_path + " > ")
        )
    if tag:
        products = products.filter(tags__name__iexact=tag)
    if min_price is not None:
        products = products.filter(min_price__gte=min_price)
    if max_price is not None:
        products = products.filter(min_price__lte=max_price)
    return (
        products.select_related("shop", "category")
        .prefetch_related("images")
        .order_by("shop__name", "title", "id")
    )


def public_product(product_id: int) -> Product:
    product = (
        _with_details(Product.objects.filter(status=ProductStatus.PUBLISHED, shop__is_active=True))
        .filter(pk=product_id)
        .first()
        if 0 < product_id <= MAX_ID
        else None
    )
    if product is None:
        raise NotFound("No such product.")
    return product


def shop_products(shop, *, query: str = "", status: str = "") -> QuerySet[Product]:
    """A shop's own products in every status, for the merchant."""
    products = Product.objects.filter(shop=shop)
    if query:
        products = products.filter(
            Q(title__icontains=query) | Q(handle__icontains=query) | Q(variants__sku__iexact=query)
        ).distinct()
    if status in ProductStatus.values:
        products = products.filter(status=status)
    return products.prefetch_related("images", "variants").order_by("title", "id")


def product_for_shop(shop, product_id: int) -> Product:
    product = _with_details(Product.objects.filter(shop=shop)).filter(pk=product_id).first() if 0 < product_id <= MAX_ID else None
    if product is None:
        raise NotFound("No such product in this shop.")
    return product


def variant_of(product: Product, variant_id: int) -> Variant:
    variant = product.variants.filter(pk=variant_id).first() if 0 < variant_id <= MAX_ID else None
    if variant is None:
        raise NotFound("No such variant of this product.")
    return variant


def image_of(product: Product, image_id: int) -> ProductImage:
    image = product.images.filter(pk=image_id).first() if 0 < image_id <= MAX_ID else None
    if image is None:
        raise NotFound("No such image of this product.")
    return image


def categories() -> QuerySet[Category]:
    return Category.objects.order_by("full_path")


def import_job_for_shop(shop, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(shop=shop, pk=job_id).first() if 0 < job_id <= MAX_ID else None
    if job is None:
        raise NotFound("No such import for this shop.")
    return job


def recent_import_jobs(shop, *, limit: int = 5) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(shop=shop).select_related("created_by")[:limit]


def image_url(image: ProductImage, *, base_url: str = "") -> str:
    """Where an image can be fetched: its stored file, else the URL it was imported from."""
    return base_url + image.image.url if image.image else image.source_url


def thumbnail_url(image: ProductImage) -> str:
    return image.thumbnail.url if image.thumbnail else image_url(image)


def export_shopify_csv(shop, *, location=None, base_url: str = "") -> str:
    """The shop's catalog as a Shopify product CSV (48 columns, multi-row products).

    ``Variant Inventory Qty`` is the stock on hand at ``location`` (default: the shop's
    first location), the place an import of the file puts it back; blank, with no
    inventory tracker, for an item not stocked there, as Shopify writes an untracked one,
    so that importing the file again creates no stock row.
    """
    location = location or shop.locations.order_by("id").first()
    quantities = (
        dict(Stock.objects.filter(location=location).values_list("variant_id", "quantity")) if location else {}
    )
    products = _with_details(Product.objects.filter(shop=shop)).order_by("handle")
    return shopify.write_products(
        products.iterator(chunk_size=200),
        image_url=lambda image: image_url(image, base_url=base_url),
        quantity_of=lambda variant: quantities.get(variant.pk),
    )
