"""Full-text matching, one backend per database vendor behind one interface.

A backend narrows a Product queryset to the products matching the shopper's words and
annotates ``relevance`` (higher is better). The words are reduced to plain letters and
digits before they reach the database, so quotes, operators and column filters typed
by the shopper are just text: the query syntax is ours, never theirs.
"""

import re
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
WORD = re.compile(r"[^\W_]+")


def search_terms(text: str) -> list[str]:
    """The words of a query: letters and digits only, lower-cased, bounded in number and size."""
    words = WORD.findall(str(text)[:2000].casefold())
    unique = list(dict.fromkeys(word[:MAX_TERM_LENGTH] for word in words))
    return unique[:MAX_TERMS]


class FullTextBackend(Protocol):
    def match(self, products: QuerySet, terms: list[str]) -> QuerySet: ...


class PostgresBackend:
    """tsvector/tsquery on the GIN-indexed ``search_vector``; every word matches as a prefix."""

    config = "simple"

    def match(self, products: QuerySet, terms: list[str]) -> QuerySet:
        query = SearchQuery(" & ".join(f"'{term}':*" for term in terms), search_type="raw", config=self.config)
        return products.filter(search_document__search_vector=query).annotate(
            relevance=SearchRank(F("search_document__search_vector"), query)
        )


class SqliteBackend:
    """FTS5 with bm25 ranking (title counts ten times the rest); every word matches as a prefix."""

    def match(self, products: QuerySet, terms: list[str]) -> QuerySet:
        expression = " AND ".join(f'"{term}"*' for term in terms)
        table = products.model._meta.db_table
        return products.filter(
            pk__in=RawSQL("SELECT rowid FROM search_product_fts WHERE search_product_fts MATCH %s", [expression])
        ).annotate(
            relevance=RawSQL(
                "(SELECT -bm25(search_product_fts, 10.0, 1.0) FROM search_product_fts"
                f' WHERE search_product_fts MATCH %s AND rowid = "{table}"."id")',
                [expression],
                output_field=FloatField(),
            )
        )


def backend() -> FullTextBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
