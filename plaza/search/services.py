"""Keeping the search index in step with the catalog (the only writes this app makes)."""

from html import unescape

import nh3
from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from plaza.catalog.models import Product, ProductStatus
from plaza.search.backends import PostgresBackend
from plaza.search.models import ProductDocument
from plaza.search.selectors import forget_whole_index_facets

BATCH_SIZE = 500
MAX_BODY_LENGTH = 20_000


def _body(product: Product) -> str:
    description = unescape(nh3.clean(product.description_html or "", tags=set()))
    parts = [
        product.vendor,
        product.product_type,
        " ".join(tag.name for tag in product.tags.all()),
        product.category.full_path.replace(">", " ") if product.category else "",
        product.shop.name,
        description,
    ]
    return " ".join(" ".join(part.split()) for part in parts if part)[:MAX_BODY_LENGTH]


def _searchable(product_ids) -> list[Product]:
    return list(
        Product.objects.filter(pk__in=product_ids, status=ProductStatus.PUBLISHED, shop__is_active=True)
        .select_related("shop", "category")
        .prefetch_related("tags")
    )


@transaction.atomic
def index_products(product_ids) -> int:
    """Write (or remove) the search documents of these products; returns how many are searchable.

    Idempotent: events are delivered at least once, and any order of replays converges
    on what the catalog holds now.
    """
    product_ids = list(product_ids)
    products = _searchable(product_ids)
    ProductDocument.objects.filter(product_id__in=product_ids).exclude(product_id__in=[p.pk for p in products]).delete()
    documents = [
        ProductDocument(
            product=product,
            shop_id=product.shop_id,
            category_id=product.category_id,
            min_price=product.min_price,
            title=product.title,
            body=_body(product),
        )
        for product in products
    ]
    ProductDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["product"],
        update_fields=["shop", "category", "min_price", "title", "body", "indexed_at"],
    )
    if connection.vendor == "postgresql" and documents:
        config = PostgresBackend.config
        ProductDocument.objects.filter(product_id__in=[p.pk for p in products]).update(
            search_vector=SearchVector("title", weight="A", config=config) + SearchVector("body", weight="B", config=config)
        )
    # Now, for reads in this transaction, and again once it commits, since a read in
    # between may have cached the counts it could still see.
    forget_whole_index_facets()
    transaction.on_commit(forget_whole_index_facets)
    return len(documents)


def index_shop(shop_id: int) -> int:
    """Re-index a shop's products (its name is part of each document; it may have closed)."""
    product_ids = list(Product.objects.filter(shop_id=shop_id).values_list("pk", flat=True))
    return sum(index_products(product_ids[start : start + BATCH_SIZE]) for start in range(0, len(product_ids), BATCH_SIZE))


def rebuild_index() -> int:
    """Re-index every product, batch by batch, while search keeps answering from the old rows."""
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    return sum(index_products(product_ids[start : start + BATCH_SIZE]) for start in range(0, len(product_ids), BATCH_SIZE))
