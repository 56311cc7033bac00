"""Live stock on product pages (each ``stock.changed`` event goes to the product's group); fresh category
counts and places."""

from plaza.core.live import send_to_group
from plaza.core.outbox import subscriber
from plaza.storefront.live import product_stock_group
from plaza.storefront.selectors import forget_places, forget_popular_categories, product_id_of_variant


@subscriber("stock.changed", live=True)
def push_stock_change(event) -> None:
    payload = event.payload
    product_id = product_id_of_variant(payload["variant_id"])
    if product_id is None:
        return
    send_to_group(
        product_stock_group(product_id),
        {
            "type": "stock.changed",
            "variant_id": payload["variant_id"],
            "location_id": payload["location_id"],
            "available": max(int(payload["available"]), 0),
        },
    )


@subscriber("product.*")
def refresh_category_counts(event) -> None:
    forget_popular_categories()


@subscriber("location.changed")
@subscriber("shop.updated")
def refresh_places(event) -> None:
    forget_places()
