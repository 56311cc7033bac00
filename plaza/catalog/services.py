"""Every write to the catalog: products, variants, images, and the Shopify CSV import.

Public functions authorize the caller (owners manage the catalog; staff only look),
validate everything before writing, run in one transaction and record
``product.created`` / ``product.updated`` / ``product.published`` /
``product.deleted`` in the outbox.
Validation errors name the field: ``variants.2.price`` for the third variant's price.
"""

import logging
import posixpath
import uuid
from urllib.parse import urlsplit
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from plaza.catalog import shopify
from plaza.catalog.models import (
    MAX_OPTIONS,
    Category,
    ImportJob,
    ImportStatus,
    Product,
    ProductImage,
    ProductStatus,
    Tag,
    Variant,
)
from plaza.catalog.remote_images import RemoteImageError, fetch_image
from plaza.core.errors import Conflict, InvalidInput
from plaza.core.images import resized_image
from plaza.core.money import CENT
from plaza.core.outbox import record_event
from plaza.inventory.models import MovementReason
from plaza.inventory.services import set_stock_quantity
from plaza.shops.permissions import ShopAction, authorize

logger = logging.getLogger(__name__)

MAX_TAGS = 50
MAX_PRICE = Decimal("9999999999.99")
MAX_GRAMS = shopify.MAX_GRAMS
IMAGE_MAX_SIDE = 2000
THUMBNAIL_SIDE = 400
DESCRIPTION_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote"}
)
PRODUCT_TEXT_LIMITS = {"title": 255, "vendor": 255, "product_type": 255, "seo_title": 255, "seo_description": 5000}
PRODUCT_FIELDS = frozenset(
    {"title", "handle", "description_html", "vendor", "product_type", "tags", "category_path", "status",
     "option_names", "seo_title", "seo_description"}
)
VARIANT_FIELDS = frozenset(
    {"options", "price", "compare_at_price", "sku", "barcode", "grams", "requires_shipping", "taxable", "image_id"}
)


class _Errors:
    """Collects field errors so a caller hears about every wrong field at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self, message: str = "Some fields are not valid.") -> None:
        if self.fields:
            raise InvalidInput(message, fields=self.fields)


def _prefixed(error: InvalidInput, prefix: str) -> InvalidInput:
    fields = {f"{prefix}.{name}": messages for name, messages in error.fields.items()} or {prefix: [error.message]}
    return InvalidInput(error.message, fields=fields)


def _text(errors: _Errors, name: str, value, *, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        errors.add(name, "Contains a character that is not allowed.")
    elif required and not text:
        errors.add(name, "This field is required.")
    elif len(text) > max_length:
        errors.add(name, f"At most {max_length} characters.")
    return text


def sanitize_description(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(DESCRIPTION_TAGS),
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def _event(topic: str, product: Product) -> None:
    record_event(
        topic, {"product_id": product.pk, "shop_id": product.shop_id, "handle": product.handle, "status": product.status}
    )


# --- products ---------------------------------------------------------------------------


def _unique_handle(shop, title: str) -> str:
    base = slugify(title)[:200].strip("-") or "product"
    handle, suffix = base, 1
    while Product.objects.filter(shop=shop, handle=handle).exists():
        suffix += 1
        handle = f"{base}-{suffix}"
    return handle


def _clean_tags(errors: _Errors, value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    names: dict[str, str] = {}
    for raw in value or []:
        name = " ".join(str(raw).split())
        if not name:
            continue
        if "," in name or "\x00" in name:
            errors.add("tags", f"“{name[:40]}”: a tag cannot contain a comma.")
        elif len(name) > 80:
            errors.add("tags", f"“{name[:40]}…” is longer than 80 characters.")
        else:
            names.setdefault(name.casefold(), name)
    if len(names) > MAX_TAGS:
        errors.add("tags", f"At most {MAX_TAGS} tags.")
    return list(names.values())


def _clean_category_path(errors: _Errors, value) -> str:
    parts = [" ".join(part.split()) for part in str(value or "").split(">")]
    if not any(parts):
        return ""
    if not all(parts) or any(len(part) > 120 or "\x00" in part for part in parts):
        errors.add("category_path", "Write the category as “Parent > Child”, each name 1 to 120 characters.")
        return ""
    path = " > ".join(parts)
    if len(path) > 500:
        errors.add("category_path", "At most 500 characters.")
    return path


def _clean_option_names(errors: _Errors, value, product: Product | None) -> list[str]:
    names = [" ".join(str(name).split()) for name in (value or [])]
    while names and not names[-1]:
        names.pop()
    if len(names) > MAX_OPTIONS:
        errors.add("option_names", f"At most {MAX_OPTIONS} options.")
    elif not all(names) or any(len(name) > 80 or "\x00" in name for name in names):
        errors.add("option_names", "Each option needs a name of 1 to 80 characters.")
    elif len({name.casefold() for name in names}) != len(names):
        errors.add("option_names", "Option names must differ.")
    elif product is not None and product.pk and len(names) != len(product.option_names) and product.variants.exists():
        errors.add("option_names", "Remove the variants before changing how many options the product has.")
    return names


def _clean_product(shop, data: dict, *, product: Product | None = None) -> dict:
    """Validate the product fields present in ``data``; on create, fill in the defaults."""
    unknown = set(data) - PRODUCT_FIELDS
    if unknown:
        raise InvalidInput("Unknown fields.", fields={name: ["unknown field"] for name in sorted(unknown)})
    creating = product is None
    errors = _Errors()
    cleaned: dict = {}
    for name, limit in PRODUCT_TEXT_LIMITS.items():
        if name in data or (creating and name == "title"):
            cleaned[name] = _text(errors, name, data.get(name), max_length=limit, required=name == "title")
    if "description_html" in data:
        description = _text(errors, "description_html", data["description_html"], max_length=100_000)
        cleaned["description_html"] = sanitize_description(description)
    if "handle" in data or creating:
        handle = _text(errors, "handle", data.get("handle"), max_length=255, required=not creating)
        if handle:
            try:
                validate_slug(handle)
            except ValidationError:
                errors.add("handle", "Use only letters, numbers, hyphens and underscores.")
            else:
                taken = Product.objects.filter(shop=shop, handle=handle)
                if product is not None:
                    taken = taken.exclude(pk=product.pk)
                if taken.exists():
                    errors.add("handle", "Another product of this shop already has this handle.")
        elif creating and cleaned.get("title"):
            handle = _unique_handle(shop, cleaned["title"])
        cleaned["handle"] = handle
    if "status" in data or creating:
        status = data.get("status") or ProductStatus.DRAFT
        if status not in ProductStatus.values:
            errors.add("status", "Choose draft, published or archived.")
        cleaned["status"] = status
    if "tags" in data:
        cleaned["tags"] = _clean_tags(errors, data["tags"])
    if "category_path" in data:
        cleaned["category_path"] = _clean_category_path(errors, data["category_path"])
    if "option_names" in data:
        cleaned["option_names"] = _clean_option_names(errors, data["option_names"], product)
    errors.raise_if_any()
    return cleaned


def category_for_path(path: str) -> Category | None:
    """Get or create ``"A > B > C"`` with its parents (categories are shared by all shops)."""
    parent = None
    prefix: list[str] = []
    for name in path.split(" > ") if path else []:
        prefix.append(name)
        full_path = " > ".join(prefix)
        category = Category.objects.filter(full_path=full_path).first()
        if category is None:
            category, _ = Category.objects.get_or_create(
                full_path=full_path, defaults={"name": name, "parent": parent, "slug": _category_slug(full_path)}
            )
        parent = category
    return parent


def _category_slug(full_path: str) -> str:
    base = slugify(full_path)[:150].strip("-") or "category"
    slug, suffix = base, 1
    while Category.objects.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


def _tags_named(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag, _ = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    return tags


def _apply_product(product: Product, cleaned: dict) -> None:
    for name in ("title", "handle", "description_html", "vendor", "product_type", "status", "seo_title", "seo_description"):
        if name in cleaned:
            setattr(product, name, cleaned[name])
    if "option_names" in cleaned:
        names = cleaned["option_names"] + [""] * (MAX_OPTIONS - len(cleaned["option_names"]))
        product.option1_name, product.option2_name, product.option3_name = names
    if "category_path" in cleaned:
        product.category = category_for_path(cleaned["category_path"])
    product.save()
    if "tags" in cleaned:
        product.tags.set(_tags_named(cleaned["tags"]))


def _refresh_min_price(product: Product) -> None:
    cheapest = product.variants.aggregate(cheapest=Min("price"))["cheapest"]
    product.min_price = cheapest if cheapest is not None else Decimal("0.00")
    Product.objects.filter(pk=product.pk).update(min_price=product.min_price)


def _check_publishable(product: Product) -> None:
    if product.status == ProductStatus.PUBLISHED and not product.variants.exists():
        raise InvalidInput(
            "A product needs at least one variant before it is published.",
            fields={"status": ["add a variant before publishing"]},
        )


def _announce(product: Product, *, created: bool, was_published: bool) -> None:
    # Every catalog change passes here: the product's version moves with it, since cached
    # product pages are keyed by it (storefront.selectors.product_for_page).
    Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
    _event("product.created" if created else "product.updated", product)
    if product.status == ProductStatus.PUBLISHED and not was_published:
        _event("product.published", product)


@transaction.atomic
def create_product(*, user, shop, variants=(), **fields) -> Product:
    """Create a product (and its variants, each a dict of variant fields)."""
    authorize(user, shop, ShopAction.MANAGE_CATALOG)
    product = Product(shop=shop)
    _apply_product(product, _clean_product(shop, fields))
    _replace_variants(product, [(None, data) for data in variants])
    _check_publishable(product)
    _announce(product, created=True, was_published=False)
    return product


@transaction.atomic
def update_product(*, user, product: Product, variants=None, **fields) -> Product:
    """Change the given fields. ``variants``, when given, is the full new list: entries
    with an ``id`` update that variant, others are added, and variants left out are removed."""
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    product = Product.objects.select_for_update().select_related("shop").get(pk=product.pk)
    was_published = product.is_published
    if variants is not None:
        known = {variant.pk: variant for variant in product.variants.all()}
        desired = []
        for index, data in enumerate(variants):
            data = dict(data)
            variant_id = data.pop("id", None)
            if variant_id is not None and variant_id not in known:
                raise InvalidInput("Unknown variant.", fields={f"variants.{index}.id": ["not a variant of this product"]})
            desired.append((known.get(variant_id), data))
    _apply_product(product, _clean_product(product.shop, fields, product=product))
    if variants is not None:
        _replace_variants(product, desired)
    _check_publishable(product)
    _announce(product, created=False, was_published=was_published)
    return product


@transaction.atomic
def delete_product(*, user, product: Product) -> None:
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    images = list(product.images.all())
    _event("product.deleted", product)
    try:
        product.delete()
    except ProtectedError:
        raise Conflict("This product has orders awaiting payment; archive it instead.") from None
    _delete_files_after_commit(images)


# --- variants ---------------------------------------------------------------------------


def _option_values(errors: _Errors, product: Product, options) -> list[str]:
    names = product.option_names
    if isinstance(options, dict):
        by_name = {str(name).casefold(): value for name, value in options.items()}
        unknown = set(by_name) - {name.casefold() for name in names}
        if unknown:
            errors.add("options", "Unknown option: " + ", ".join(sorted(unknown)) + ".")
            return []
        options = [by_name.get(name.casefold(), "") for name in names]
    values = [" ".join(str(value).split()) for value in (options or [])]
    if len(values) != len(names) or not all(values):
        wanted = ", ".join(names) if names else "no options"
        errors.add("options", f"Give a value for each option of the product ({wanted}).")
    elif any(len(value) > 120 or "\x00" in value for value in values):
        errors.add("options", "Each option value is 1 to 120 characters.")
    return values


def _money(errors: _Errors, name: str, value, *, required: bool) -> Decimal | None:
    if value is None or value == "":
        if required:
            errors.add(name, "This field is required.")
        return None
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        amount = None
    if amount is None or not amount.is_finite():
        errors.add(name, "Enter an amount such as 12.50.")
    elif amount < 0 or amount > MAX_PRICE:
        errors.add(name, "Enter an amount of 0 or more.")
    elif amount != amount.quantize(CENT):
        errors.add(name, "At most 2 decimal places.")
    else:
        return amount.quantize(CENT)
    return None


def _whole_number(errors: _Errors, name: str, value, *, maximum: int) -> int:
    if value is None or value == "":
        return 0
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not 0 <= number <= maximum:
        errors.add(name, f"Enter a whole number from 0 to {maximum}.")
        return 0
    return number


def _clean_variant(product: Product, data: dict, *, variant: Variant | None = None) -> dict:
    unknown = set(data) - VARIANT_FIELDS
    if unknown:
        raise InvalidInput("Unknown fields.", fields={name: ["unknown field"] for name in sorted(unknown)})
    creating = variant is None
    errors = _Errors()
    cleaned: dict = {}
    if "options" in data or creating:
        values = _option_values(errors, product, data.get("options"))
        cleaned.update({f"option{number}": "" for number in range(1, MAX_OPTIONS + 1)})
        cleaned.update({f"option{number}": value for number, value in enumerate(values, start=1)})
        if "options" not in errors.fields:
            same = product.variants.filter(**{f"option{n}": cleaned[f"option{n}"] for n in range(1, MAX_OPTIONS + 1)})
            if variant is not None:
                same = same.exclude(pk=variant.pk)
            if same.exists():
                errors.add("options", "Another variant already has these option values.")
    if "price" in data or creating:
        cleaned["price"] = _money(errors, "price", data.get("price"), required=True)
    if "compare_at_price" in data:
        cleaned["compare_at_price"] = _money(errors, "compare_at_price", data["compare_at_price"], required=False)
    price = cleaned.get("price", variant.price if variant else None)
    compare_at = cleaned.get("compare_at_price", variant.compare_at_price if variant else None)
    if price is not None and compare_at is not None and compare_at < price and "compare_at_price" not in errors.fields:
        errors.add("compare_at_price", "The compare-at price cannot be below the price.")
    if "sku" in data:
        sku = _text(errors, "sku", data["sku"], max_length=100)
        if sku:
            taken = Variant.objects.filter(product__shop_id=product.shop_id, sku=sku)
            if variant is not None:
                taken = taken.exclude(pk=variant.pk)
            if taken.exists():
                errors.add("sku", "Another variant of this shop already has this SKU.")
        cleaned["sku"] = sku
    if "barcode" in data:
        cleaned["barcode"] = _text(errors, "barcode", data["barcode"], max_length=64)
    if "grams" in data:
        cleaned["grams"] = _whole_number(errors, "grams", data["grams"], maximum=MAX_GRAMS)
    for name in ("requires_shipping", "taxable"):
        if name in data:
            cleaned[name] = bool(data[name])
    if "image_id" in data:
        image_id = data["image_id"]
        image = None
        if image_id is not None:
            is_id = isinstance(image_id, int) and 0 < image_id < 2**63
            image = product.images.filter(pk=image_id).first() if is_id and product.pk else None
            if image is None:
                errors.add("image_id", "Choose one of this product's images.")
        cleaned["image"] = image
    errors.raise_if_any()
    return cleaned


def _save_variant(product: Product, cleaned: dict, *, variant: Variant | None, position: int) -> Variant:
    variant = variant or Variant(product=product)
    for name, value in cleaned.items():
        setattr(variant, name, value)
    variant.position = position
    variant.save()
    return variant


def _delete_variants(variants) -> None:
    try:
        for variant in variants:
            variant.delete()
    except ProtectedError:
        raise Conflict("A variant with orders awaiting payment cannot be removed.") from None


def _replace_variants(product: Product, desired: list[tuple[Variant | None, dict]]) -> list[Variant]:
    """Make the product's variants exactly ``desired`` (existing variant or None, data)."""
    kept = [existing.pk for existing, _ in desired if existing is not None]
    _delete_variants(product.variants.exclude(pk__in=kept))
    errors = _Errors()
    combinations: dict[tuple, int] = {}
    skus: dict[str, int] = {}
    for index, (existing, data) in enumerate(desired):
        if "options" in data:
            values = data["options"]
            key = tuple(str(value).strip().casefold() for value in (values.values() if isinstance(values, dict) else values))
            if key in combinations:
                errors.add(f"variants.{index}.options", f"Same option values as variant {combinations[key] + 1}.")
            combinations.setdefault(key, index)
        sku = str(data.get("sku") or "").strip()
        if sku:
            if sku in skus:
                errors.add(f"variants.{index}.sku", f"Same SKU as variant {skus[sku] + 1}.")
            skus.setdefault(sku, index)
    errors.raise_if_any()
    saved = []
    for index, (existing, data) in enumerate(desired):
        try:
            cleaned = _clean_variant(product, data, variant=existing)
        except InvalidInput as error:
            raise _prefixed(error, f"variants.{index}") from None
        saved.append(_save_variant(product, cleaned, variant=existing, position=index + 1))
    _refresh_min_price(product)
    return saved


@transaction.atomic
def add_variant(*, user, product: Product, **data) -> Variant:
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    product = Product.objects.select_for_update().select_related("shop").get(pk=product.pk)
    position = (product.variants.aggregate(last=Max("position"))["last"] or 0) + 1
    variant = _save_variant(product, _clean_variant(product, data), variant=None, position=position)
    _refresh_min_price(product)
    _announce(product, created=False, was_published=product.is_published)
    return variant


@transaction.atomic
def update_variant(*, user, variant: Variant, **data) -> Variant:
    product = Product.objects.select_for_update().select_related("shop").get(pk=variant.product_id)
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    variant = _save_variant(product, _clean_variant(product, data, variant=variant), variant=variant, position=variant.position)
    _refresh_min_price(product)
    _announce(product, created=False, was_published=product.is_published)
    return variant


@transaction.atomic
def delete_variant(*, user, variant: Variant) -> None:
    product = Product.objects.select_for_update().select_related("shop").get(pk=variant.product_id)
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    if product.is_published and product.variants.count() == 1:
        raise Conflict("A published product keeps at least one variant; unpublish it first.")
    _delete_variants([variant])
    _refresh_min_price(product)
    _announce(product, created=False, was_published=product.is_published)


# --- images -----------------------------------------------------------------------------


def _delete_files_after_commit(images: list[ProductImage]) -> None:
    files = [file for image in images for file in (image.image, image.thumbnail) if file]

    def delete_files() -> None:
        for file in files:
            file.storage.delete(file.name)

    transaction.on_commit(delete_files)


def add_image(*, user, product: Product, upload, alt_text: str = "") -> ProductImage:
    """Store a checked, re-encoded copy of an uploaded image and a 400 px thumbnail.

    Decoding and resizing happen before the transaction opens, so that a large upload
    does not hold the database's write lock.
    """
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    errors = _Errors()
    alt_text = _text(errors, "alt_text", alt_text, max_length=255)
    errors.raise_if_any()
    stem = uuid.uuid4().hex
    stored = resized_image(upload, field="image", max_side=IMAGE_MAX_SIDE, name_stem=stem)
    thumbnail = resized_image(upload, field="image", max_side=THUMBNAIL_SIDE, name_stem=stem)
    image = ProductImage(product=product, alt_text=alt_text)
    image.image.save(stored.name, stored, save=False)
    image.thumbnail.save(thumbnail.name, thumbnail, save=False)
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        image.position = (product.images.aggregate(last=Max("position"))["last"] or 0) + 1
        image.save()
        _announce(product, created=False, was_published=product.is_published)
    return image


@transaction.atomic
def delete_image(*, user, image: ProductImage) -> None:
    product = Product.objects.select_for_update().select_related("shop").get(pk=image.product_id)
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    image.delete()
    _delete_files_after_commit([image])
    for position, remaining in enumerate(product.images.all(), start=1):
        if remaining.position != position:
            ProductImage.objects.filter(pk=remaining.pk).update(position=position)
    _announce(product, created=False, was_published=product.is_published)


@transaction.atomic
def reorder_images(*, user, product: Product, image_ids: list[int]) -> list[ProductImage]:
    """Put the product's images in the order of ``image_ids`` (all of them, each once)."""
    authorize(user, product.shop, ShopAction.MANAGE_CATALOG)
    product = Product.objects.select_for_update().select_related("shop").get(pk=product.pk)
    images = {image.pk: image for image in product.images.all()}
    if sorted(image_ids) != sorted(images):
        raise InvalidInput("List each image of the product once.", fields={"image_ids": ["must list every image once"]})
    for position, image_id in enumerate(image_ids, start=1):
        images[image_id].position = position
    ProductImage.objects.bulk_update(images.values(), ["position"])
    _announce(product, created=False, was_published=product.is_published)
    return [images[image_id] for image_id in image_ids]


@transaction.atomic
def move_image(*, user, image: ProductImage, offset: int) -> None:
    """Move an image one place earlier (offset -1) or later (+1)."""
    ids = list(image.product.images.values_list("pk", flat=True))
    index = ids.index(image.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    reorder_images(user=user, product=image.product, image_ids=ids)


# --- Shopify CSV import -----------------------------------------------------------------


@dataclass
class ImportOutcome:
    product: Product
    created: bool
    warnings: list[dict] = field(default_factory=list)


def create_import_job(*, user, shop, upload, location_id: int | None = None) -> ImportJob:
    """Check an uploaded Shopify CSV and queue its import; refuses a file it cannot read.

    The file is read before the transaction opens: parsing a large upload must not hold
    the database's write lock.
    """
    authorize(user, shop, ShopAction.MANAGE_CATALOG)
    if location_id is not None:
        location = shop.locations.filter(pk=location_id).first() if 0 < location_id < 2**63 else None
        if location is None:
            raise InvalidInput("Choose one of the shop's locations.", fields={"location_id": ["not a location of this shop"]})
    else:
        location = shop.locations.order_by("id").first()
    if upload is None or upload.size > settings.PLAZA_MAX_CSV_BYTES:
        limit_mb = settings.PLAZA_MAX_CSV_BYTES // (1024 * 1024)
        raise InvalidInput("Choose a CSV file.", fields={"file": [f"a CSV file of at most {limit_mb} MB"]})
    upload.seek(0)
    data = upload.read()
    try:
        products = shopify.read_products(_readable_text(data))
    except shopify.UnreadableFile as error:
        raise InvalidInput(str(error), fields={"file": [str(error)]}) from None
    if not products:
        raise InvalidInput("The file has no products.", fields={"file": ["The file has no products."]})
    original_name = posixpath.basename(str(upload.name or "products.csv").replace("\\", "/"))[:255]
    job = ImportJob(shop=shop, created_by=user, location=location, original_name=original_name)
    job.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
    with transaction.atomic():
        job.save()
        transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _readable_text(data: bytes) -> str:
    text = shopify.decode(data)
    shopify.check_header(text)
    return text


def _enqueue_import(job_id: int) -> None:
    from plaza.catalog.tasks import import_shopify_csv

    import_shopify_csv.enqueue(job_id)


def run_import_job(job_id: int) -> ImportJob | None:
    """Import a queued file product by product, saving progress after each one.

    Each product is one transaction: a product with a bad row is left untouched (or not
    created) and reported with its line numbers, and the others still import. Running a
    job again imports the file again; products are matched by handle, so nothing doubles.
    """
    job = ImportJob.objects.select_related("shop", "location", "created_by").filter(pk=job_id).first()
    if job is None:
        return None
    job.status, job.started_at, job.finished_at = ImportStatus.RUNNING, timezone.now(), None
    job.processed_products = job.created_count = job.updated_count = job.failed_count = 0
    job.errors, job.warnings = [], []
    try:
        with job.file.open("rb") as file:
            products = shopify.read_products(_readable_text(file.read()))
    except (OSError, shopify.UnreadableFile) as error:
        job.status, job.finished_at = ImportStatus.FAILED, timezone.now()
        job.errors = [{"line": None, "handle": "", "field": "", "message": str(error)}]
        job.save()
        return job
    job.total_products = len(products)
    if job.location is None and any(v.inventory_quantity is not None for p in products for v in p.variants):
        job.warnings.append(
            {"line": None, "handle": "", "field": "Variant Inventory Qty",
             "message": "The shop has no location yet, so stock quantities were not imported."}
        )
    job.save()
    try:
        for parsed in products:
            _import_into_job(job, parsed)
    except Exception:
        job.status, job.finished_at = ImportStatus.FAILED, timezone.now()
        job.errors.append({"line": None, "handle": "", "field": "", "message": "The import stopped unexpectedly."})
        job.save()
        raise
    job.status, job.finished_at = ImportStatus.DONE, timezone.now()
    job.save()
    return job


def _import_into_job(job: ImportJob, parsed: shopify.ShopifyProduct) -> None:
    try:
        outcome = import_shopify_product(shop=job.shop, parsed=parsed, location=job.location, actor=job.created_by)
    except shopify.RowErrors as error:
        job.failed_count += 1
        job.errors.extend(row_error.as_report(parsed.handle) for row_error in error.errors)
    except IntegrityError:
        job.failed_count += 1
        job.errors.append(
            shopify.RowError(parsed.line, "Handle", "The product changed while it was imported; import the file again.")
            .as_report(parsed.handle)
        )
    else:
        if outcome.created:
            job.created_count += 1
        else:
            job.updated_count += 1
        job.warnings.extend(outcome.warnings)
        if settings.PLAZA_IMPORT_FETCH_IMAGES:
            job.warnings.extend(_download_photos(outcome.product, parsed))
    job.processed_products += 1
    job.save(update_fields=["processed_products", "created_count", "updated_count", "failed_count", "errors", "warnings"])


@contextmanager
def _reported_at(parsed: shopify.ShopifyProduct):
    """Turn a service's field errors into CSV line/column errors for the import report."""
    try:
        yield
    except (InvalidInput, Conflict) as error:
        raise shopify.RowErrors(_row_errors(parsed, error)) from None


def _row_errors(parsed: shopify.ShopifyProduct, error) -> list[shopify.RowError]:
    rows = []
    for name, messages in (error.fields or {"": [error.message]}).items():
        line, field_name = parsed.line, name
        parts = name.split(".")
        if len(parts) == 3 and parts[0] in ("variants", "images") and parts[1].isdigit():
            entries = parsed.variants if parts[0] == "variants" else parsed.images
            index = int(parts[1])
            line = entries[index].line if index < len(entries) else parsed.line
            field_name = parts[2]
        column = shopify.COLUMN_FOR_FIELD.get(field_name, field_name)
        rows.extend(shopify.RowError(line, column, message) for message in messages)
    return rows


def import_shopify_product(*, shop, parsed: shopify.ShopifyProduct, location, actor=None) -> ImportOutcome:
    """Create or update one product from its CSV rows, all or nothing."""
    if parsed.errors:
        raise shopify.RowErrors(parsed.errors)
    warnings: list[dict] = []
    with transaction.atomic(), _reported_at(parsed):
        product = Product.objects.select_for_update().filter(shop=shop, handle=parsed.handle).first()
        created = product is None
        was_published = bool(product and product.is_published)
        fields = {**parsed.fields, "option_names": parsed.option_names}
        if created:
            product = Product(shop=shop)
            fields["handle"] = parsed.handle
        elif len(parsed.option_names) != len(product.option_names):
            _delete_variants(product.variants.all())
        _apply_product(product, _clean_product(shop, fields, product=None if created else product))
        images = _import_images(product, parsed)
        desired = _import_variant_plan(product, parsed, images, warnings)
        variants = _replace_variants(product, desired)
        if location is not None:
            for index, (row, variant) in enumerate(zip(parsed.variants, variants, strict=True)):
                if row.inventory_quantity is None:
                    continue
                try:
                    set_stock_quantity(
                        variant=variant, location=location, quantity=row.inventory_quantity,
                        reason=MovementReason.IMPORT, actor=actor, note="Shopify CSV import",
                    )
                except InvalidInput as error:
                    raise _prefixed(error, f"variants.{index}") from None
        _check_publishable(product)
        _announce(product, created=created, was_published=was_published)
    return ImportOutcome(product=product, created=created, warnings=warnings)


def _download_photos(product: Product, parsed: shopify.ShopifyProduct) -> list[dict]:
    """Fetch the imported product's photos not stored yet, each after the product's
    transaction (nothing is locked while the network answers); a warning for each that
    could not be (the product keeps its other photos and stays imported)."""
    lines = {row.src: row.line for row in parsed.images}
    lines.update({row.image_src: row.line for row in parsed.variants if row.image_src and row.image_src not in lines})
    warnings = []
    for image in product.images.filter(image="", source_url__gt=""):
        try:
            full, thumbnail = fetch_image(
                image.source_url, max_side=IMAGE_MAX_SIDE, thumbnail_side=THUMBNAIL_SIDE, name_stem=f"{product.handle}-{image.pk}"
            )
        except RemoteImageError as error:
            line = lines.get(image.source_url)
            warnings.append(
                shopify.RowError(line or parsed.line, "Image Src", f"The photo was not imported: {error}.").as_report(parsed.handle)
            )
            continue
        image.image.save(full.name, full, save=False)
        image.thumbnail.save(thumbnail.name, thumbnail, save=False)
        ProductImage.objects.filter(pk=image.pk, image="").update(image=image.image.name, thumbnail=image.thumbnail.name)
    return warnings


def _image_matches(image: ProductImage, src: str) -> bool:
    if image.source_url:
        return image.source_url == src
    # An uploaded image comes back from an export as an absolute URL of its file.
    return bool(image.image) and src.endswith(image.image.url)


def _is_web_url(text: str) -> bool:
    """An absolute http(s) URL. Nothing fetches it; it must only make a sane ``src``."""
    parts = urlsplit(text)
    return (
        parts.scheme in ("http", "https") and bool(parts.hostname) and len(text) <= 1000
        and not any(character.isspace() or ord(character) < 32 for character in text)
    )


def _import_images(product: Product, parsed: shopify.ShopifyProduct) -> dict[str, ProductImage]:
    """Make the product's images those of the file (plus variant images), by URL."""
    wanted: list[tuple[str, str, str]] = []  # (src, alt text, error field)
    ordered = sorted(enumerate(parsed.images), key=lambda item: (item[1].position or 10**9, item[0]))
    for index, row in ordered:
        wanted.append((row.src, row.alt_text, f"images.{index}"))
    for index, row in enumerate(parsed.variants):
        if row.image_src:
            wanted.append((row.image_src, "", f"variants.{index}"))
    existing = list(product.images.all())
    by_src: dict[str, ProductImage] = {}
    errors = _Errors()
    for src, alt_text, error_prefix in wanted:
        if src in by_src:
            continue
        image = next((image for image in existing if image not in by_src.values() and _image_matches(image, src)), None)
        if image is None:
            if not _is_web_url(src):
                field_name = "source_url" if error_prefix.startswith("images") else "image_src"
                errors.add(f"{error_prefix}.{field_name}", "Not a valid http(s) URL of at most 1000 characters.")
                continue
            image = ProductImage(product=product, source_url=src)
        if error_prefix.startswith("images"):
            image.alt_text = _text(errors, f"{error_prefix}.alt_text", alt_text, max_length=255)
        by_src[src] = image
    errors.raise_if_any()
    imported_leftovers = [image for image in existing if image.source_url and image not in by_src.values()]
    for image in imported_leftovers:
        image.delete()
    uploaded_leftovers = [image for image in existing if not image.source_url and image not in by_src.values()]
    for position, image in enumerate([*by_src.values(), *uploaded_leftovers], start=1):
        image.position = position
        image.save()
    return by_src


def _import_variant_plan(product, parsed, images: dict[str, ProductImage], warnings: list[dict]):
    """Pair each variant row with the variant it updates: same option values, else same SKU."""
    existing = list(product.variants.all())
    by_options = {(v.option1, v.option2, v.option3): v for v in existing}
    by_sku = {v.sku: v for v in existing if v.sku}
    used: set[int] = set()
    desired = []
    for row in parsed.variants:
        key = tuple(row.options + [""] * (MAX_OPTIONS - len(row.options)))
        match = by_options.get(key) or by_sku.get(row.sku)
        if match is not None and match.pk in used:
            match = None
        if match is not None:
            used.add(match.pk)
        compare_at = row.compare_at_price
        if compare_at is not None and row.price is not None and compare_at < row.price:
            warnings.append(
                shopify.RowError(
                    row.line, "Variant Compare At Price",
                    f"The compare-at price {compare_at} is below the price {row.price}; it was left out.",
                ).as_report(parsed.handle)
            )
            compare_at = None
        image = images.get(row.image_src) if row.image_src else None
        desired.append(
            (
                match,
                {
                    "options": row.options, "price": row.price, "compare_at_price": compare_at, "sku": row.sku,
                    "barcode": row.barcode, "grams": row.grams, "requires_shipping": row.requires_shipping,
                    "taxable": row.taxable, "image_id": image.pk if image else None,
                },
            )
        )
    return desired
