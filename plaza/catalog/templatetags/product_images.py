"""``{% product_image product image %}``: the one way a page shows a product's picture.

A Shopify import keeps an image's source URL and downloads nothing, so such an image has
no file here. It, and a product without images, shows a local placeholder titled with the
product's name: never a broken picture, never an <img> that loads from another site.
"""

from django import template
from django.templatetags.static import static

register = template.Library()

PLACEHOLDER = "catalog/product-placeholder.svg"


@register.filter
def with_stored_file(images) -> list:
    """The images that have a file here, in their order: ``product.ordered_images|with_stored_file|first``."""
    return [image for image in images if image.stored_file_url()]


@register.inclusion_tag("catalog/_product_image.html")
def product_image(product, image, size="thumbnail", width=200, height=200, css_class="", lazy=True) -> dict:
    """``image`` (a ProductImage, or nothing) as an <img>; the placeholder where it has no stored file."""
    url = image.stored_file_url(size) if image else ""
    return {
        "src": url or static(PLACEHOLDER),
        "alt": (image.alt_text if url else "") or product.title,
        "css_class": css_class,
        "width": width,
        "height": height,
        "lazy": lazy,
    }
