"""Shopify's product CSV: reading it into products, and writing a catalog back out.

The layout (see Shopify's ``product_template.csv``): one product may span several rows
that share a ``Handle``. Its first row carries the product fields (Title, Body, Vendor,
Tags, option names, SEO, Status...); every row may carry one variant (option values,
SKU, price, stock...) and/or one image (Image Src/Position/Alt Text). A product without
options is written as option ``Title`` with the value ``Default Title``.

This module only knows the format: it turns text into typed values and reports what it
cannot read, with CSV line numbers. The catalog services do the writes.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings

from plaza.catalog.models import MAX_OPTIONS, ProductStatus

COLUMNS = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value",
    "Variant SKU", "Variant Grams", "Variant Inventory Tracker", "Variant Inventory Qty",
    "Variant Inventory Policy", "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price",
    "Variant Requires Shipping", "Variant Taxable", "Variant Barcode", "Image Src", "Image Position",
    "Image Alt Text", "Gift Card", "SEO Title", "SEO Description",
    "Google Shopping / Google Product Category", "Google Shopping / Gender", "Google Shopping / Age Group",
    "Google Shopping / MPN", "Google Shopping / Condition", "Google Shopping / Custom Product",
    "Variant Image", "Variant Weight Unit", "Variant Tax Code", "Cost per item",
    "Included / United States", "Price / United States", "Compare At Price / United States",
    "Included / International", "Price / International", "Compare At Price / International", "Status",
]
# Older exports lack Product Category, Status and the market columns; these are in all of them.
REQUIRED_COLUMNS = ("Handle", "Title", "Option1 Name", "Option1 Value", "Variant Price")

VARIANT_COLUMNS = (
    "Option1 Value", "Option2 Value", "Option3 Value", "Variant SKU", "Variant Grams", "Variant Inventory Qty",
    "Variant Price", "Variant Compare At Price", "Variant Barcode",
)
# Product fields a row may carry, by the catalog service's argument name.
PRODUCT_COLUMNS = {
    "title": "Title",
    "description_html": "Body (HTML)",
    "vendor": "Vendor",
    "product_type": "Type",
    "category_path": "Product Category",
    "seo_title": "SEO Title",
    "seo_description": "SEO Description",
}
# The column to blame in the report when a catalog service refuses a value.
COLUMN_FOR_FIELD = {
    **PRODUCT_COLUMNS,
    "handle": "Handle",
    "tags": "Tags",
    "status": "Status",
    "option_names": "Option1 Name",
    "options": "Option1 Value",
    "sku": "Variant SKU",
    "price": "Variant Price",
    "compare_at_price": "Variant Compare At Price",
    "barcode": "Variant Barcode",
    "grams": "Variant Grams",
    "quantity": "Variant Inventory Qty",
    "source_url": "Image Src",
    "alt_text": "Image Alt Text",
}
DEFAULT_OPTION_NAME = "Title"
DEFAULT_OPTION_VALUE = "Default Title"
SHOPIFY_STATUS = {"active": ProductStatus.PUBLISHED, "draft": ProductStatus.DRAFT, "archived": ProductStatus.ARCHIVED}
MAX_GRAMS = 2_000_000_000


class UnreadableFile(ValueError):
    """The upload is not a Shopify product CSV we can read; the message says why."""


@dataclass
class RowError:
    line: int | None
    field: str
    message: str

    def as_report(self, handle: str) -> dict:
        return {"line": self.line, "handle": handle, "field": self.field, "message": self.message}


class RowErrors(Exception):
    """A product cannot be imported; ``errors`` say which lines and columns are wrong."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(f"line {error.line}: {error.message}" for error in errors))
        self.errors = errors


@dataclass
class ImageRow:
    line: int
    src: str
    position: int | None
    alt_text: str


@dataclass
class VariantRow:
    line: int
    options: list[str]
    sku: str
    price: Decimal | None
    compare_at_price: Decimal | None
    grams: int
    inventory_quantity: int | None
    requires_shipping: bool
    taxable: bool
    barcode: str
    image_src: str


@dataclass
class ShopifyProduct:
    handle: str
    line: int
    # Only the product fields whose columns the file has: a missing column leaves the
    # stored value alone when the product is updated.
    fields: dict = field(default_factory=dict)
    option_names: list[str] = field(default_factory=list)
    variants: list[VariantRow] = field(default_factory=list)
    images: list[ImageRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> str:
    if len(data) > settings.PLAZA_MAX_CSV_BYTES:
        limit_mb = settings.PLAZA_MAX_CSV_BYTES // (1024 * 1024)
        raise UnreadableFile(f"The file is larger than {limit_mb} MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"The file is not UTF-8 text (byte {error.start + 1}). Export it again as UTF-8.") from None
    if "\x00" in text:
        raise UnreadableFile("The file contains NUL characters: it is not a CSV export.")
    return text


def _reader(text: str):
    csv.field_size_limit(settings.PLAZA_MAX_CSV_BYTES)
    return csv.reader(io.StringIO(text, newline=""), strict=True)


def check_header(text: str) -> list[str]:
    """Return the header, or raise UnreadableFile if a required column is missing."""
    try:
        header = next(_reader(text), None)
    except csv.Error as error:
        raise UnreadableFile(f"The header line cannot be read: {error}.") from None
    if not header:
        raise UnreadableFile("The file is empty.")
    header = [name.strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise UnreadableFile("Required columns are missing: " + ", ".join(missing) + ".")
    return header


def _records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(first line number, {column: value}) for every non-blank record after the header."""
    reader = _reader(text)
    header = [name.strip() for name in next(reader)]
    previous_end = reader.line_num
    try:
        for values in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(value.strip() for value in values):
                continue
            yield line, {name: value.strip() for name, value in zip(header, values, strict=False)}
    except csv.Error as error:
        raise UnreadableFile(f"Line {previous_end + 1} cannot be read: {error}.") from None


def read_products(text: str) -> list[ShopifyProduct]:
    """Group the rows into products by Handle, in the order the handles first appear."""
    products: dict[str, ShopifyProduct] = {}
    for line, row in _records(text):
        handle = row.get("Handle", "")
        if not handle:
            orphan = products.setdefault("", ShopifyProduct(handle="", line=line))
            orphan.errors.append(RowError(line, "Handle", "Every row needs a Handle."))
            continue
        product = products.get(handle)
        if product is None:
            product = products[handle] = ShopifyProduct(handle=handle, line=line)
            _read_product_fields(product, row)
        _read_variant(product, line, row)
        _read_image(product, line, row)
    for product in products.values():
        _drop_default_option(product)
    return list(products.values())


def _read_product_fields(product: ShopifyProduct, row: dict[str, str]) -> None:
    product.fields = {name: row[column] for name, column in PRODUCT_COLUMNS.items() if column in row}
    if "Tags" in row:
        product.fields["tags"] = [tag for tag in row["Tags"].split(",") if tag.strip()]
    status = _status(product, row)
    if status is not None:
        product.fields["status"] = status
    names = [row.get(f"Option{number} Name", "") for number in range(1, MAX_OPTIONS + 1)]
    while names and not names[-1]:
        names.pop()
    product.option_names = names


def _status(product: ShopifyProduct, row: dict[str, str]) -> str | None:
    published = _boolean(product, product.line, row, "Published", default=None)
    status_text = row.get("Status", "").lower()
    if not status_text:
        if published is None:
            return None
        return ProductStatus.PUBLISHED if published else ProductStatus.DRAFT
    status = SHOPIFY_STATUS.get(status_text)
    if status is None:
        product.errors.append(RowError(product.line, "Status", "Use active, draft or archived."))
        return None
    # An active product that is not published on the online store is not for sale here either.
    if status == ProductStatus.PUBLISHED and published is False:
        return ProductStatus.DRAFT
    return status


def _read_variant(product: ShopifyProduct, line: int, row: dict[str, str]) -> None:
    if not any(row.get(column) for column in VARIANT_COLUMNS):
        return
    options = [row.get(f"Option{number} Value", "") for number in range(1, MAX_OPTIONS + 1)]
    for number, value in enumerate(options, start=1):
        if value and number > len(product.option_names):
            product.errors.append(
                RowError(line, f"Option{number} Value", f"“{value}” is given but the product has no option {number}.")
            )
    price = _decimal(product, line, row, "Variant Price")
    if price is None and not any(error.line == line and error.field == "Variant Price" for error in product.errors):
        product.errors.append(RowError(line, "Variant Price", "Every variant needs a price."))
    grams = _decimal(product, line, row, "Variant Grams")
    product.variants.append(
        VariantRow(
            line=line,
            options=options[: len(product.option_names)],
            sku=row.get("Variant SKU", ""),
            price=price,
            compare_at_price=_decimal(product, line, row, "Variant Compare At Price"),
            grams=int(grams.to_integral_value(ROUND_HALF_UP)) if grams is not None else 0,
            inventory_quantity=_quantity(product, line, row),
            requires_shipping=_boolean(product, line, row, "Variant Requires Shipping", default=True),
            taxable=_boolean(product, line, row, "Variant Taxable", default=True),
            barcode=row.get("Variant Barcode", ""),
            image_src=row.get("Variant Image", ""),
        )
    )
    if grams is not None and not 0 <= grams <= MAX_GRAMS:
        product.errors.append(RowError(line, "Variant Grams", "Weight must be 0 or more grams."))


def _read_image(product: ShopifyProduct, line: int, row: dict[str, str]) -> None:
    src = row.get("Image Src", "")
    if not src:
        return
    position_text = row.get("Image Position", "")
    position = None
    if position_text:
        if position_text.isdigit() and 0 < int(position_text) <= 10_000:
            position = int(position_text)
        else:
            product.errors.append(RowError(line, "Image Position", "Position must be a whole number from 1."))
    product.images.append(ImageRow(line=line, src=src, position=position, alt_text=row.get("Image Alt Text", "")))


def _drop_default_option(product: ShopifyProduct) -> None:
    """``Title`` / ``Default Title`` is Shopify's way of writing "no options"."""
    if product.option_names == [DEFAULT_OPTION_NAME] and all(
        variant.options in ([DEFAULT_OPTION_VALUE], [""]) for variant in product.variants
    ):
        product.option_names = []
        for variant in product.variants:
            variant.options = []


def _decimal(product: ShopifyProduct, line: int, row: dict[str, str], column: str) -> Decimal | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        product.errors.append(RowError(line, column, f"“{text[:40]}” is not a number."))
        return None
    return value


def _quantity(product: ShopifyProduct, line: int, row: dict[str, str]) -> int | None:
    text = row.get("Variant Inventory Qty", "")
    if not text:
        return None
    try:
        quantity = int(text)
    except ValueError:
        product.errors.append(RowError(line, "Variant Inventory Qty", f"“{text[:40]}” is not a whole number."))
        return None
    if quantity < 0:
        product.errors.append(RowError(line, "Variant Inventory Qty", "Quantity must be 0 or more."))
        return None
    return quantity


def _boolean(product: ShopifyProduct, line: int, row: dict[str, str], column: str, *, default):
    text = row.get(column, "").lower()
    if not text:
        return default
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    product.errors.append(RowError(line, column, "Use TRUE or FALSE."))
    return default


# --- writing ----------------------------------------------------------------------------


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def _flag(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def write_products(products, *, image_url, quantity_of) -> str:
    """The catalog as Shopify CSV text, one product after another.

    ``products`` come with their variants, images, tags and category loaded;
    ``image_url(image)`` is the URL written for an image and ``quantity_of(variant)``
    the stock written for a variant (None leaves the column empty).
    """
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for product in products:
        for row in _product_rows(product, image_url=image_url, quantity_of=quantity_of):
            writer.writerow(row)
    return output.getvalue()


def _product_rows(product, *, image_url, quantity_of) -> Iterator[dict[str, str]]:
    variants = list(product.variants.all())
    images = list(product.images.all())
    option_names = product.option_names or [DEFAULT_OPTION_NAME]
    first = {
        "Title": product.title,
        "Body (HTML)": product.description_html,
        "Vendor": product.vendor,
        "Product Category": product.category.full_path if product.category else "",
        "Type": product.product_type,
        "Tags": ", ".join(tag.name for tag in product.tags.all()),
        "Published": _flag(product.status == ProductStatus.PUBLISHED),
        "Gift Card": "FALSE",
        "SEO Title": product.seo_title,
        "SEO Description": product.seo_description,
        "Status": {value: key for key, value in SHOPIFY_STATUS.items()}[product.status],
    }
    for number, name in enumerate(option_names, start=1):
        first[f"Option{number} Name"] = name
    for index in range(max(len(variants), len(images), 1)):
        row = {"Handle": product.handle, **(first if index == 0 else {})}
        if index < len(variants):
            row.update(_variant_columns(variants[index], product.option_names, image_url, quantity_of))
        if index < len(images):
            image = images[index]
            row.update({"Image Src": image_url(image), "Image Position": str(index + 1), "Image Alt Text": image.alt_text})
        yield row


def _variant_columns(variant, option_names, image_url, quantity_of) -> dict[str, str]:
    values = [variant.option1, variant.option2, variant.option3][: len(option_names)] or [DEFAULT_OPTION_VALUE]
    quantity = quantity_of(variant)
    columns = {
        "Variant SKU": variant.sku,
        "Variant Grams": str(variant.grams),
        "Variant Inventory Tracker": "shopify" if quantity is not None else "",
        "Variant Inventory Qty": "" if quantity is None else str(quantity),
        "Variant Inventory Policy": "deny",
        "Variant Fulfillment Service": "manual",
        "Variant Price": _money(variant.price),
        "Variant Compare At Price": _money(variant.compare_at_price),
        "Variant Requires Shipping": _flag(variant.requires_shipping),
        "Variant Taxable": _flag(variant.taxable),
        "Variant Barcode": variant.barcode,
        "Variant Image": image_url(variant.image) if variant.image else "",
        "Variant Weight Unit": "g",
    }
    for number, value in enumerate(values, start=1):
        columns[f"Option{number} Value"] = value
    return columns
