"""Full-text matching, one backend per database vendor behind one interface.

A backend narrows a queryset of search documents (``ProductDocument``, whose primary key
is the product's id) to those matching the shopper's words and pages through them best
match first. The words are reduced to plain letters and
digits before they reach the database, so quotes, operators and column filters typed
by the shopper are just text: the query syntax is ours, never theirs.
"""

import re
from typing import Protocol

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.expressions import RawSQL

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
# Shorter words match whole words only: as a prefix, "c" (of "vitamin c") would match
# nearly the whole catalog, and cost as much to count and rank.
MIN_PREFIX_LENGTH = 3
WORD = re.compile(r"[^\W_]+")


def search_terms(text: str) -> list[str]:
    """The words of a query: letters and digits only, lower-cased, bounded in number and size."""
    words = WORD.findall(str(text)[:2000].casefold())
    unique = list(dict.fromkeys(word[:MAX_TERM_LENGTH] for word in words))
    return unique[:MAX_TERMS]


def is_prefix(term: str) -> bool:
    return len(term) >= MIN_PREFIX_LENGTH


class FullTextBackend(Protocol):
    def match(self, documents: QuerySet, terms: list[str]) -> QuerySet:
        """The documents that contain every term (as a prefix, when long enough)."""

    def ids_by_relevance(self, matched: QuerySet, terms: list[str], offset: int, limit: int) -> list[int]:
        """One page of ``matched`` (already narrowed by :meth:`match`), best first."""

    def page_and_groups(
        self, matched: QuerySet, terms: list[str], offset: int, limit: int, group_by: list[str]
    ) -> tuple[list[int], list[tuple]]:
        """:meth:`ids_by_relevance`, and ``(*group_by values, number of matches)`` per group."""


class PostgresBackend:
    """tsvector/tsquery on the GIN-indexed ``search_vector``, ranked by ts_rank."""

    config = "simple"

    def _query(self, terms: list[str]) -> SearchQuery:
        words = (f"'{term}':*" if is_prefix(term) else f"'{term}'" for term in terms)
        return SearchQuery(" & ".join(words), search_type="raw", config=self.config)

    def match(self, documents: QuerySet, terms: list[str]) -> QuerySet:
        return documents.filter(search_vector=self._query(terms))

    def _ranked(self, matched: QuerySet, terms: list[str]) -> QuerySet:
        return matched.annotate(relevance=SearchRank(F("search_vector"), self._query(terms)))

    def ids_by_relevance(self, matched: QuerySet, terms: list[str], offset: int, limit: int) -> list[int]:
        ranked = self._ranked(matched, terms)
        return list(ranked.order_by("-relevance", "pk").values_list("pk", flat=True)[offset : offset + limit])

    def page_and_groups(
        self, matched: QuerySet, terms: list[str], offset: int, limit: int, group_by: list[str]
    ) -> tuple[list[int], list[tuple]]:
        """Both in one statement, which finds and reads the matches once instead of twice.

        For a common word (10,000 matches at 100,000 products) each pass is most of the
        page's SQL time.
        """
        ranked = self._ranked(matched, terms).values("pk", *group_by, "relevance").order_by()
        sql, params = ranked.query.sql_with_params()
        # values() names every column of its SELECT after its argument: "pk", the groups, "relevance".
        quote = connection.ops.quote_name
        product_id = quote("pk")
        groups = ", ".join(quote(name) for name in group_by)
        nulls = ", ".join("NULL" for _ in group_by)
        statement = (
            f"WITH matched AS MATERIALIZED ({sql}) "
            f"(SELECT {product_id}, {nulls}, NULL FROM matched ORDER BY relevance DESC, {product_id} LIMIT %s OFFSET %s) "
            f"UNION ALL (SELECT NULL, {groups}, COUNT(*) FROM matched GROUP BY {groups})"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, [*params, limit, offset])
            rows = cursor.fetchall()
        return [row[0] for row in rows if row[0] is not None], [row[1:] for row in rows if row[0] is None]


class SqliteBackend:
    """FTS5, ranked by the table's ``rank`` (bm25; title weighs ten times the rest, migration 0003).

    Matching is an uncorrelated ``rowid IN (… MATCH …)`` subquery: joined instead, SQLite
    may drive the query from the product table and probe the full-text index once per row.
    Ranking walks FTS5's own ``ORDER BY rank`` and keeps the rows the other filters allow.
    """

    MATCHES = "SELECT rowid FROM search_product_fts WHERE search_product_fts MATCH %s"

    def _expression(self, terms: list[str]) -> str:
        return " AND ".join(f'"{term}"*' if is_prefix(term) else f'"{term}"' for term in terms)

    def match(self, documents: QuerySet, terms: list[str]) -> QuerySet:
        return documents.filter(pk__in=RawSQL(self.MATCHES, [self._expression(terms)]))

    def ids_by_relevance(self, matched: QuerySet, terms: list[str], offset: int, limit: int) -> list[int]:
        allowed = set(matched.values_list("pk", flat=True))
        page: list[int] = []
        skipped = 0
        with connection.cursor() as cursor:
            cursor.execute(self.MATCHES + " ORDER BY rank, rowid", [self._expression(terms)])
            for (product_id,) in cursor:
                if product_id not in allowed:
                    continue
                if skipped < offset:
                    skipped += 1
                    continue
                page.append(product_id)
                if len(page) == limit:
                    break
        return page


    def page_and_groups(
        self, matched: QuerySet, terms: list[str], offset: int, limit: int, group_by: list[str]
    ) -> tuple[list[int], list[tuple]]:
        groups = matched.values_list(*group_by).annotate(count=Count("pk")).order_by()
        return self.ids_by_relevance(matched, terms, offset, limit), list(groups)


def backend() -> FullTextBackend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
