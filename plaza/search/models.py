from django.contrib.postgres.search import SearchVectorField
from django.db import models

from plaza.catalog.models import Category, Product
from plaza.shops.models import Shop


class ProductDocument(models.Model):
    """What full-text search reads for one product, kept in sync from ``product.*`` events.

    A table of its own so the catalog's table stays the catalog's. It holds only products a
    shopper may find (published, in an active shop), with copies of what search filters,
    counts and sorts on (shop, category, price), so a search reads this table alone and the
    catalog only for the page of hits. On PostgreSQL ``search_vector`` holds the weighted
    tsvector (GIN-indexed); on SQLite the column stays empty and an FTS5 table mirrors
    ``title`` and ``body`` through triggers (see the migrations).
    """

    product = models.OneToOneField(Product, on_delete=models.CASCADE, primary_key=True, related_name="search_document")
    # Nullable only for the migration that added them (see 0004); every document has them.
    shop = models.ForeignKey(Shop, null=True, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    min_price = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    title = models.CharField(max_length=255)
    # Everything else a shopper may type: vendor, type, tags, category path, shop, description text.
    body = models.TextField(blank=True)
    search_vector = SearchVectorField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title

