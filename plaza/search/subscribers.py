"""Reactions that keep the search index in step with the catalog and the shops."""

from plaza.core.outbox import subscriber
from plaza.search import services


@subscriber("product.*")
def reindex_product(event) -> None:
    product_id = event.payload.get("product_id")
    if product_id is not None:
        services.index_products([product_id])


# A shop's name is part of its products' documents, and a closed shop's leave the index.
SHOP_FIELDS_IN_INDEX = {"name", "is_active"}


@subscriber("shop.updated")
def reindex_shop(event) -> None:
    shop_id = event.payload.get("shop_id")
    if shop_id is not None and SHOP_FIELDS_IN_INDEX & set(event.payload.get("fields", SHOP_FIELDS_IN_INDEX)):
        services.index_shop(shop_id)
