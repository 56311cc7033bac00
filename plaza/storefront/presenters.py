"""Shapes the product and shop pages hand to their templates and scripts."""

import json

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from plaza.catalog.models import Product, ProductImage
from plaza.core.money import format_money
from plaza.storefront.geo import format_distance
from plaza.storefront.selectors import LocationStock

# The same escapes as Django's json_script: nothing in the data can close the <script>.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def image_url(image, size: str = "thumbnail") -> str:
    """The stored file of a product image, or "" for no image or one not stored here."""
    return image.stored_file_url(size) if isinstance(image, ProductImage) else ""


def initial_variant(product: Product, stock: list[LocationStock]):
    """The variant the page opens on: the first one in stock somewhere, else the first."""
    in_stock = {variant_id for row in stock for variant_id, units in row.available.items() if units > 0}
    return next((v for v in product.ordered_variants if v.pk in in_stock), next(iter(product.ordered_variants), None))


def stock_line(row: LocationStock, variant_id: int | None) -> dict:
    """"3 left at Croix-Rousse · 1.2 km · open until 19:00" (product.js writes the same)."""
    units = row.available.get(variant_id, 0) if variant_id else 0
    where = f"at {row.location.name} · {format_distance(row.distance_km)} · {row.status.label.lower()}"
    return {"available": units, "text": f"{units} left {where}" if units else f"Out of stock {where}"}


def product_page_data(product: Product, stock: list[LocationStock], *, poll_url: str) -> dict:
    """What the variant picker and the live stock list read (embedded with json_script)."""
    return {
        "productId": product.pk,
        "socketPath": f"/ws/products/{product.pk}/stock/",
        "pollUrl": poll_url,
        "optionNames": product.option_names,
        "variants": [
            {
                "id": variant.pk,
                "options": [value for value in (variant.option1, variant.option2, variant.option3)][: len(product.option_names)],
                "title": variant.title,
                # Written here, not in the script, so a picked variant reads as the page does.
                "priceText": format_money(variant.price, product.shop.currency),
                "compareAtPriceText": (
                    format_money(variant.compare_at_price, product.shop.currency) if variant.compare_at_price else None
                ),
                "sku": variant.sku,
            }
            for variant in product.ordered_variants
        ],
        "locations": [
            {
                "id": row.location.pk,
                "name": row.location.name,
                "distance": format_distance(row.distance_km),
                "status": row.status.label,
                "isOpen": row.status.is_open,
            }
            for row in stock
        ],
        "stock": {
            str(variant.pk): {str(row.location.pk): row.available.get(variant.pk, 0) for row in stock}
            for variant in product.ordered_variants
        },
    }


def product_json_ld(request, product: Product, stock: list[LocationStock]) -> SafeString:
    """schema.org Product with one Offer per variant, ready to sit in a ld+json script."""
    url = request.build_absolute_uri()
    in_stock = {variant_id for row in stock for variant_id, units in row.available.items() if units > 0}
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": " ".join(strip_tags(product.description_html).split())[:5000],
        "url": url,
        "image": [request.build_absolute_uri(image_url(image)) for image in product.ordered_images if image_url(image)],
        "brand": {"@type": "Brand", "name": product.vendor or product.shop.name},
        "offers": [
            {
                "@type": "Offer",
                "name": variant.title,
                "sku": variant.sku or None,
                "price": str(variant.price),
                "priceCurrency": product.shop.currency,
                "availability": "https://schema.org/" + ("InStock" if variant.pk in in_stock else "OutOfStock"),
                "seller": {"@type": "Organization", "name": product.shop.name},
                "url": url,
            }
            for variant in product.ordered_variants
        ],
    }
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))
