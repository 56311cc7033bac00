from django.contrib.postgres.search import SearchVectorField
from django.db import models

from plaza.catalog.models import Product


class ProductDocument(models.Model):
    """What full-text search reads for one product, kept in sync from ``product.*`` events.

    A table of its own so the catalog's table stays the catalog's. On PostgreSQL
    ``search_vector`` holds the weighted tsvector (GIN-indexed); on SQLite the column stays
    empty and an FTS5 table mirrors ``title`` and ``body`` through triggers (see the
    migrations).
    """

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    title = models.CharField(max_length=255)
    # Everything else a shopper may type: vendor, type, tags, category path, shop, description text.
    body = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

