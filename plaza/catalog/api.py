"""Catalog API: published products for everyone; products, images, CSV import and
export for the people who run a shop (under ``/shops/{shop_slug}/``)."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils.text import slugify
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from plaza.catalog import selectors, services
from plaza.catalog.models import ImportJob, Product, ProductImage, Variant
from plaza.catalog.views import csv_download
from plaza.core.api import ErrorOut, signed_in
from plaza.core.errors import NotFound
from plaza.shops.models import Shop
from plaza.core.pagination import BoundedPagination
from plaza.shops.permissions import ShopAction, authorize

router = Router(tags=["catalog"])

SLUG = r"^[-a-zA-Z0-9_]*$"
NO_NUL = r"^[^\x00]*$"
READ_ERRORS = {403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
Status = Literal["draft", "published", "archived"]


class CategoryOut(Schema):
    id: int
    name: str
    slug: str
    full_path: str
    parent_id: int | None


class ImageOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    alt_text: str
    position: int

    @staticmethod
    def resolve_url(image: ProductImage) -> str:
        return selectors.image_url(image)

    @staticmethod
    def resolve_thumbnail_url(image: ProductImage) -> str:
        return selectors.thumbnail_url(image)


class VariantOut(Schema):
    id: int
    title: str
    options: list[str]
    sku: str
    price: Decimal
    compare_at_price: Decimal | None
    currency: str
    barcode: str
    grams: int
    requires_shipping: bool
    taxable: bool
    image_id: int | None
    position: int

    @staticmethod
    def resolve_options(variant: Variant) -> list[str]:
        return [value for value in (variant.option1, variant.option2, variant.option3) if value]


class ProductSummaryOut(Schema):
    id: int
    shop_slug: str
    shop_name: str
    handle: str
    title: str
    status: str
    min_price: Decimal
    currency: str
    thumbnail_url: str

    @staticmethod
    def resolve_shop_slug(product: Product) -> str:
        return product.shop.slug

    @staticmethod
    def resolve_shop_name(product: Product) -> str:
        return product.shop.name

    @staticmethod
    def resolve_currency(product: Product) -> str:
        return product.shop.currency

    @staticmethod
    def resolve_thumbnail_url(product: Product) -> str:
        images = product.images.all()
        return selectors.thumbnail_url(images[0]) if images else ""


class ProductOut(ProductSummaryOut):
    description_html: str
    vendor: str
    product_type: str
    category: CategoryOut | None
    tags: list[str]
    option_names: list[str]
    seo_title: str
    seo_description: str
    variants: list[VariantOut]
    images: list[ImageOut]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(product: Product) -> list[str]:
        return [tag.name for tag in product.tags.all()]

    @staticmethod
    def resolve_variants(product: Product) -> list[Variant]:
        return list(product.variants.all())

    @staticmethod
    def resolve_images(product: Product) -> list[ProductImage]:
        return list(product.images.all())


class VariantIn(Schema):
    options: dict[str, str] = {}
    price: Decimal
    compare_at_price: Decimal | None = None
    sku: str = ""
    barcode: str = ""
    grams: int = 0
    requires_shipping: bool = True
    taxable: bool = True
    image_id: int | None = None


class VariantPatch(Schema):
    options: dict[str, str] | None = None
    price: Decimal | None = None
    compare_at_price: Decimal | None = None
    sku: str | None = None
    barcode: str | None = None
    grams: int | None = None
    requires_shipping: bool | None = None
    taxable: bool | None = None
    image_id: int | None = None


class ProductIn(Schema):
    title: str
    handle: str = ""
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = []
    category_path: str = ""
    status: Status = "draft"
    option_names: list[str] = []
    seo_title: str = ""
    seo_description: str = ""
    variants: list[VariantIn] = []


class ProductPatch(Schema):
    title: str | None = None
    handle: str | None = None
    description_html: str | None = None
    vendor: str | None = None
    product_type: str | None = None
    tags: list[str] | None = None
    category_path: str | None = None
    status: Status | None = None
    option_names: list[str] | None = None
    seo_title: str | None = None
    seo_description: str | None = None


class ImageOrderIn(Schema):
    image_ids: list[int]


class ImportIssueOut(Schema):
    line: int | None
    handle: str
    field: str
    message: str


class ImportJobOut(Schema):
    id: int
    status: str
    progress_percent: int
    original_name: str
    location_id: int | None
    total_products: int
    processed_products: int
    created_count: int
    updated_count: int
    failed_count: int
    errors: list[ImportIssueOut]
    warnings: list[ImportIssueOut]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportQueuedOut(Schema):
    job_id: int
    status: str


def _given(payload: Schema) -> dict:
    """The fields the caller sent; a field sent as null means "clear it" only where that makes sense."""
    data = payload.dict(exclude_unset=True)
    return {name: value for name, value in data.items() if value is not None or name in ("compare_at_price", "image_id")}


def _shop(request: HttpRequest, shop_slug: str, action: ShopAction) -> Shop:
    shop = Shop.objects.filter(slug=shop_slug).first() if slugify(shop_slug) == shop_slug.lower() else None
    if shop is None:
        raise NotFound("No such shop.")
    authorize(request.auth, shop, action)
    return shop


# --- public -----------------------------------------------------------------------------


@router.get("/products", response={200: list[ProductSummaryOut], 422: ErrorOut}, auth=None)
@paginate(BoundedPagination)
def list_products(
    request: HttpRequest,
    shop: str = Query("", max_length=140, pattern=SLUG, description="shop slug"),
    category: str = Query("", max_length=160, pattern=SLUG, description="category slug (its subcategories included)"),
    tag: str = Query("", max_length=80, pattern=NO_NUL),
    min_price: Decimal | None = Query(None, ge=0, le=services.MAX_PRICE),
    max_price: Decimal | None = Query(None, ge=0, le=services.MAX_PRICE),
):
    """Published products of open shops, filtered by shop, category, tag and price."""
    return selectors.published_products(
        shop_slug=shop, category_slug=category, tag=tag, min_price=min_price, max_price=max_price
    )


@router.get("/products/{product_id}", response={200: ProductOut, 404: ErrorOut}, auth=None)
def product_detail(request: HttpRequest, product_id: int):
    return selectors.public_product(product_id)


@router.get("/categories", response={200: list[CategoryOut], 422: ErrorOut}, auth=None)
@paginate(BoundedPagination)
def list_categories(request: HttpRequest):
    return selectors.categories()


# --- merchant ---------------------------------------------------------------------------


@router.get(
    "/shops/{shop_slug}/products", response={200: list[ProductSummaryOut], 401: ErrorOut, 422: ErrorOut, **READ_ERRORS}, auth=signed_in
)
@paginate(BoundedPagination)
def shop_products(
    request: HttpRequest,
    shop_slug: str,
    q: str = Query("", max_length=120, pattern=NO_NUL),
    status: Status | None = None,
):
    """Every product of the shop, drafts and archived ones included (staff may look)."""
    shop = _shop(request, shop_slug, ShopAction.VIEW)
    return selectors.shop_products(shop, query=q, status=status or "")


@router.post("/shops/{shop_slug}/products", response={201: ProductOut, **WRITE_ERRORS}, auth=signed_in)
def create_product(request: HttpRequest, shop_slug: str, payload: ProductIn):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    variants = [_given(variant) for variant in payload.variants]
    product = services.create_product(user=request.auth, shop=shop, variants=variants, **payload.dict(exclude={"variants"}))
    return 201, selectors.product_for_shop(shop, product.pk)


@router.get("/shops/{shop_slug}/products/{product_id}", response={200: ProductOut, 401: ErrorOut, **READ_ERRORS}, auth=signed_in)
def shop_product(request: HttpRequest, shop_slug: str, product_id: int):
    return selectors.product_for_shop(_shop(request, shop_slug, ShopAction.VIEW), product_id)


@router.patch("/shops/{shop_slug}/products/{product_id}", response={200: ProductOut, **WRITE_ERRORS}, auth=signed_in)
def update_product(request: HttpRequest, shop_slug: str, product_id: int, payload: ProductPatch):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    product = selectors.product_for_shop(shop, product_id)
    services.update_product(user=request.auth, product=product, **_given(payload))
    return selectors.product_for_shop(shop, product_id)


@router.delete("/shops/{shop_slug}/products/{product_id}", response={204: None, **WRITE_ERRORS}, auth=signed_in)
def delete_product(request: HttpRequest, shop_slug: str, product_id: int):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    services.delete_product(user=request.auth, product=selectors.product_for_shop(shop, product_id))
    return 204, None


@router.post("/shops/{shop_slug}/products/{product_id}/variants", response={201: VariantOut, **WRITE_ERRORS}, auth=signed_in)
def add_variant(request: HttpRequest, shop_slug: str, product_id: int, payload: VariantIn):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    product = selectors.product_for_shop(shop, product_id)
    return 201, services.add_variant(user=request.auth, product=product, **_given(payload))


@router.patch(
    "/shops/{shop_slug}/products/{product_id}/variants/{variant_id}",
    response={200: VariantOut, **WRITE_ERRORS},
    auth=signed_in,
)
def update_variant(request: HttpRequest, shop_slug: str, product_id: int, variant_id: int, payload: VariantPatch):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    variant = selectors.variant_of(selectors.product_for_shop(shop, product_id), variant_id)
    return services.update_variant(user=request.auth, variant=variant, **_given(payload))


@router.delete(
    "/shops/{shop_slug}/products/{product_id}/variants/{variant_id}",
    response={204: None, **WRITE_ERRORS},
    auth=signed_in,
)
def delete_variant(request: HttpRequest, shop_slug: str, product_id: int, variant_id: int):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    variant = selectors.variant_of(selectors.product_for_shop(shop, product_id), variant_id)
    services.delete_variant(user=request.auth, variant=variant)
    return 204, None


@router.post("/shops/{shop_slug}/products/{product_id}/images", response={201: ImageOut, **WRITE_ERRORS}, auth=signed_in)
def upload_image(
    request: HttpRequest,
    shop_slug: str,
    product_id: int,
    file: UploadedFile = File(..., description="JPEG, PNG, WebP or GIF"),
    alt_text: str = Form(""),
):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    product = selectors.product_for_shop(shop, product_id)
    return 201, services.add_image(user=request.auth, product=product, upload=file, alt_text=alt_text)


@router.put(
    "/shops/{shop_slug}/products/{product_id}/images/order", response={200: list[ImageOut], **WRITE_ERRORS}, auth=signed_in
)
def reorder_images(request: HttpRequest, shop_slug: str, product_id: int, payload: ImageOrderIn):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    product = selectors.product_for_shop(shop, product_id)
    return services.reorder_images(user=request.auth, product=product, image_ids=payload.image_ids)


@router.delete(
    "/shops/{shop_slug}/products/{product_id}/images/{image_id}", response={204: None, **WRITE_ERRORS}, auth=signed_in
)
def delete_image(request: HttpRequest, shop_slug: str, product_id: int, image_id: int):
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    image = selectors.image_of(selectors.product_for_shop(shop, product_id), image_id)
    services.delete_image(user=request.auth, image=image)
    return 204, None


@router.post("/shops/{shop_slug}/imports", response={202: ImportQueuedOut, **WRITE_ERRORS}, auth=signed_in)
def start_import(
    request: HttpRequest,
    shop_slug: str,
    file: UploadedFile = File(..., description="a Shopify product CSV export (UTF-8)"),
    location_id: int | None = Form(None, description="where Variant Inventory Qty goes; default the first location"),
):
    """Queue a Shopify CSV import; poll the job for progress and the per-row report."""
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    job = services.create_import_job(user=request.auth, shop=shop, upload=file, location_id=location_id)
    return 202, {"job_id": job.pk, "status": job.status}


@router.get("/shops/{shop_slug}/imports/{job_id}", response={200: ImportJobOut, 401: ErrorOut, **READ_ERRORS}, auth=signed_in)
def import_status(request: HttpRequest, shop_slug: str, job_id: int) -> ImportJob:
    return selectors.import_job_for_shop(_shop(request, shop_slug, ShopAction.MANAGE_CATALOG), job_id)


@router.get(
    "/shops/{shop_slug}/export",
    response={401: ErrorOut, **READ_ERRORS},
    auth=signed_in,
    openapi_extra={"responses": {"200": {"description": "Shopify product CSV", "content": {"text/csv": {}}}}},
)
def export_products(request: HttpRequest, shop_slug: str):
    """The catalog as a Shopify product CSV; stock is that of the shop's first location."""
    shop = _shop(request, shop_slug, ShopAction.MANAGE_CATALOG)
    return csv_download(shop, base_url=request.build_absolute_uri("/")[:-1])

