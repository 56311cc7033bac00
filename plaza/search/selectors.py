"""Product and shop search: text, filters, facets, sorting and pagination.

One entry point per kind (:func:`search_products`, :func:`search_shops`) used by both the
web page and the API, so the two always agree. Each runs a fixed number of queries.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When

from plaza.catalog.models import Category, Product
from plaza.search.backends import backend, search_terms
from plaza.search.models import ProductDocument
from plaza.shops.models import Location, Shop, ShopKind
from plaza.storefront import selectors as storefront
from plaza.storefront.geo import Position

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_OFFSET = 10_000
MAX_DISTANCE_KM = storefront.MAX_RADIUS_KM
MAX_PRICE = Decimal("1000000000")
PRICE_BANDS: list[tuple[Decimal, Decimal | None]] = [
    (Decimal("0"), Decimal("10")),
    (Decimal("10"), Decimal("25")),
    (Decimal("25"), Decimal("50")),
    (Decimal("50"), Decimal("100")),
    (Decimal("100"), None),
]
CATEGORY_FACET_LIMIT = 12


class Sort:
    RELEVANCE = "relevance"
    DISTANCE = "distance"
    PRICE = "price"
    PRICE_DESC = "-price"
    CHOICES = [(RELEVANCE, "Best match"), (DISTANCE, "Nearest"), (PRICE, "Price: low to high"), (PRICE_DESC, "Price: high to low")]
    VALUES = [value for value, _ in CHOICES]


@dataclass(frozen=True)
class SearchFilters:
    position: Position
    at: datetime
    q: str = ""
    category: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    distance_km: float | None = None
    in_stock: bool = False
    open_now: bool = False
    sort: str = Sort.RELEVANCE
    shop_kind: str = ""

    @property
    def terms(self) -> list[str]:
        return search_terms(self.q)

    @property
    def effective_sort(self) -> str:
        """Relevance needs words; without any, nearest first."""
        if self.sort == Sort.RELEVANCE and not self.terms:
            return Sort.DISTANCE
        return self.sort


@dataclass
class ProductHit:
    product: Product
    distance_km: float | None


@dataclass
class Facet:
    value: str
    label: str
    count: int
    selected: bool = False
    min_price: Decimal | None = None
    max_price: Decimal | None = None


@dataclass
class ProductResults:
    count: int
    hits: list[ProductHit]
    categories: list[Facet] = field(default_factory=list)
    price_bands: list[Facet] = field(default_factory=list)


class _Geography:
    """Distances and open locations that matter to one search, computed once from ids and distances."""

    def __init__(self, filters: SearchFilters):
        radius = min(filters.distance_km or MAX_DISTANCE_KM, MAX_DISTANCE_KM)
        self.points = storefront.nearby_points(filters.position, radius_km=radius)
        self.shop_distance: dict[int, float] = {}
        for point in self.points:
            self.shop_distance.setdefault(point.shop_id, point.distance_km)
        stock_radius = filters.distance_km or storefront.NEARBY_KM
        self.stock_location_ids = [point.location_id for point in self.points if point.distance_km <= stock_radius]
        self._open_location_ids: set[int] | None = None
        self._at = filters.at
        self._radius_limited = filters.distance_km is not None

    def open_location_ids(self) -> set[int]:
        """Locations open now (within the distance filter, when there is one)."""
        if self._open_location_ids is None:
            self._open_location_ids = storefront.open_location_ids(self._at)
            if self._radius_limited:
                self._open_location_ids &= {point.location_id for point in self.points}
        return self._open_location_ids

    def open_shops(self) -> QuerySet:
        return Location.objects.filter(pk__in=list(self.open_location_ids())).values("shop_id")

    def open_stock_location_ids(self) -> list[int]:
        return [pk for pk in self.stock_location_ids if pk in self.open_location_ids()]


def _product_queryset(filters: SearchFilters, geo: _Geography, *, skip: frozenset[str] = frozenset()) -> QuerySet:
    """The search documents of the matching products; ``skip`` leaves out the filters a
    facet counts across.

    The documents carry each product's shop, category and price, so matching, filtering,
    counting and sorting read that one table (and a category's name); the catalog is read
    only for the page of hits (:func:`_hits`). The stock filters are ``IN`` subqueries on
    the product id, the document's primary key, so counts need no ``DISTINCT``.
    """
    products = ProductDocument.objects.all()
    if filters.terms:
        products = backend().match(products, filters.terms)
    if filters.category and "category" not in skip:
        products = products.filter(Q(category__slug=filters.category) | Q(category__parent__slug=filters.category))
    if "price" not in skip:
        products = products.filter(_price_filter(filters))
    if filters.distance_km is not None:
        products = products.filter(shop_id__in=list(geo.shop_distance))
    if filters.in_stock:
        products = products.filter(storefront.in_stock_at(geo.stock_location_ids))
    if filters.open_now:
        if filters.in_stock:
            products = products.filter(storefront.in_stock_at(geo.open_stock_location_ids()))
        else:
            products = products.filter(shop_id__in=geo.open_shops())
    return products


def _category_facet_list(filters: SearchFilters, rows: list[dict]) -> list[Facet]:
    """Facets for category rows (slug, name, full_path, count), fullest first. Two categories
    with one name ("Home > Tableware", "Gifts > Tableware") are told apart by their path."""
    rows = sorted(rows, key=lambda row: (-row["count"], row["name"]))[:CATEGORY_FACET_LIMIT]
    names = [row["name"] for row in rows]
    return [
        Facet(
            row["slug"],
            row["full_path"].replace(" > ", " › ") if names.count(row["name"]) > 1 else row["name"],
            row["count"],
            selected=row["slug"] == filters.category,
        )
        for row in rows
    ]


# With no words, price or place to narrow them, a category listing's facets count the whole
# index (~40 ms at 100,000 products), the same for every visitor of every category: they
# are kept until the index changes (services.index_products clears them), a minute at most.
WHOLE_INDEX_FACETS_KEY = "search:whole-index-category-facets"
WHOLE_INDEX_FACETS_TTL_S = 60


def forget_whole_index_facets() -> None:
    cache.delete(WHOLE_INDEX_FACETS_KEY)


def _category_facets(filters: SearchFilters, geo: _Geography) -> list[Facet]:
    narrowed = filters.terms or _price_filter(filters) or filters.distance_km is not None or filters.in_stock or filters.open_now
    rows = None if narrowed else cache.get(WHOLE_INDEX_FACETS_KEY)
    if rows is None:
        rows = list(
            _product_queryset(filters, geo, skip=frozenset({"category"}))
            .filter(category__isnull=False)
            .values(slug=F("category__slug"), name=F("category__name"), full_path=F("category__full_path"))
            .annotate(count=Count("pk"))
            .order_by("-count", "name")[:CATEGORY_FACET_LIMIT]
        )
        if not narrowed:
            cache.set(WHOLE_INDEX_FACETS_KEY, rows, WHOLE_INDEX_FACETS_TTL_S)
    return _category_facet_list(filters, rows)


def _band_label(low: Decimal, high: Decimal | None) -> str:
    return f"{low:.0f}+" if high is None else f"{low:.0f}–{high:.0f}"


def _price_filter(filters: SearchFilters) -> Q:
    wanted = Q()
    if filters.min_price is not None:
        wanted &= Q(min_price__gte=filters.min_price)
    if filters.max_price is not None:
        wanted &= Q(min_price__lte=filters.max_price)
    return wanted


def _band_counts() -> dict[str, Count]:
    return {
        f"band{index}": Count("pk", filter=Q(min_price__gte=low) & (Q(min_price__lt=high) if high is not None else Q()))
        for index, (low, high) in enumerate(PRICE_BANDS)
    }


def _price_band() -> Case:
    """The index in PRICE_BANDS of a document's price band."""
    return Case(
        *[When(min_price__lt=high, then=Value(index)) for index, (_, high) in enumerate(PRICE_BANDS) if high is not None],
        default=Value(len(PRICE_BANDS) - 1),
        output_field=IntegerField(),
    )


def _band_facets(filters: SearchFilters, counts: dict[str, int]) -> list[Facet]:
    return [
        Facet(
            f"band{index}",
            _band_label(low, high),
            counts[f"band{index}"],
            selected=filters.min_price == low and filters.max_price == high,
            min_price=low,
            max_price=high,
        )
        for index, (low, high) in enumerate(PRICE_BANDS)
    ]


def _counts_across_filters(filters: SearchFilters, geo: _Geography, price_filter: Q) -> tuple[int, list[Facet], list[Facet]]:
    """With a category or a price filter, each facet counts across its own filter: the
    number of matches rides on the price bands' pass, and the categories take a second."""
    counts = _product_queryset(filters, geo, skip=frozenset({"price"})).aggregate(
        total=Count("pk", filter=price_filter), **_band_counts()
    )
    return counts["total"], _category_facets(filters, geo), _band_facets(filters, counts)


def _counts_from_groups(filters: SearchFilters, groups: list[tuple[int | None, int, int]]) -> tuple[int, list[Facet], list[Facet]]:
    """The number of matches, the category facets and the price bands, from the matches
    counted per (category id, price band)."""
    per_category: dict[int, int] = {}
    per_band = {f"band{index}": 0 for index in range(len(PRICE_BANDS))}
    for category_id, band, count in groups:
        per_band[f"band{band}"] += count
        if category_id is not None:
            per_category[category_id] = per_category.get(category_id, 0) + count
    named = Category.objects.filter(pk__in=list(per_category)).values("pk", "slug", "name", "full_path")
    categories = _category_facet_list(filters, [{**row, "count": per_category[row["pk"]]} for row in named])
    return sum(per_band.values()), categories, _band_facets(filters, per_band)


def _page_by_distance(products: QuerySet, geo: _Geography, offset: int, limit: int) -> list[Product]:
    """Nearest shop first, without sorting every product by a computed distance in SQL.

    Count the matches per shop (one grouped query), walk the shops nearest first to find
    which of them the page spans, then fetch just those shops' products.
    """
    per_shop = dict(products.order_by().values_list("shop_id").annotate(count=Count("pk")))
    ordered_shops = sorted(per_shop, key=lambda shop_id: (geo.shop_distance.get(shop_id, float("inf")), shop_id))
    skipped, page_shops, skip_within = 0, [], 0
    for shop_id in ordered_shops:
        count = per_shop[shop_id]
        if skipped + count <= offset and not page_shops:
            skipped += count
            continue
        if not page_shops:
            skip_within = offset - skipped
        page_shops.append(shop_id)
        if sum(per_shop[pk] for pk in page_shops) - skip_within >= limit:
            break
    if not page_shops:
        return []
    rank = Case(*[When(shop_id=shop_id, then=Value(index)) for index, shop_id in enumerate(page_shops)], output_field=IntegerField())
    page = products.filter(shop_id__in=page_shops).annotate(shop_rank=rank).order_by("shop_rank", "min_price", "title", "pk")
    return _hits(list(page.values_list("pk", flat=True)[skip_within : skip_within + limit]))


def _hits(product_ids: list[int]) -> list[Product]:
    """The products of a page of documents, in the page's order, with what a card shows.

    Read through :func:`storefront.published_products`, so a product unpublished a moment
    ago (its document goes once the event is delivered) is never shown.
    """
    by_id = storefront.with_card_data(storefront.published_products().filter(pk__in=product_ids)).in_bulk()
    return [by_id[pk] for pk in product_ids if pk in by_id]


def search_products(filters: SearchFilters, *, offset: int = 0, limit: int = PAGE_SIZE) -> ProductResults:
    offset = max(0, min(offset, MAX_OFFSET))
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    geo = _Geography(filters)
    products = _product_queryset(filters, geo)
    sort = filters.effective_sort
    price_filter = _price_filter(filters)
    ranked_ids = None
    if filters.category or price_filter:
        count, categories, price_bands = _counts_across_filters(filters, geo, price_filter)
    else:
        # Every count is over the same matches: count them once per (category, price band),
        # in the same pass as the page of best matches where the backend can.
        banded, group_by = products.annotate(band=_price_band()), ["category_id", "band"]
        if sort == Sort.RELEVANCE:
            ranked_ids, groups = backend().page_and_groups(banded, filters.terms, offset, limit, group_by)
        else:
            groups = list(banded.values_list(*group_by).annotate(count=Count("pk")).order_by())
        count, categories, price_bands = _counts_from_groups(filters, groups)
    if count <= offset:
        page = []
    elif sort == Sort.DISTANCE:
        page = _page_by_distance(products, geo, offset, limit)
    elif sort == Sort.RELEVANCE:
        if ranked_ids is None:
            ranked_ids = backend().ids_by_relevance(products, filters.terms, offset, limit)
        page = _hits(ranked_ids)
    else:
        ordering = ("min_price", "pk") if sort == Sort.PRICE else ("-min_price", "pk")
        page = _hits(list(products.order_by(*ordering).values_list("pk", flat=True)[offset : offset + limit]))
    return ProductResults(
        count=count,
        hits=[ProductHit(product, geo.shop_distance.get(product.shop_id)) for product in page],
        categories=categories,
        price_bands=price_bands,
    )


# --- shops ----------------------------------------------------------------------------


@dataclass
class ShopHit:
    shop: Shop
    distance_km: float | None = None
    status: storefront.OpeningStatus | None = None


@dataclass
class ShopResults:
    count: int
    hits: list[ShopHit]
    kinds: list[Facet] = field(default_factory=list)


def _shop_queryset(filters: SearchFilters, geo: _Geography, *, skip_kind: bool = False) -> QuerySet:
    shops = Shop.objects.filter(is_active=True)
    for term in filters.terms:
        shops = shops.filter(Q(name__icontains=term) | Q(description__icontains=term) | Q(kind__in=_kinds_named(term)))
    if filters.shop_kind and not skip_kind:
        shops = shops.filter(kind=filters.shop_kind)
    if filters.category:
        shops = shops.filter(
            Exists(
                storefront.published_products().filter(
                    Q(category__slug=filters.category) | Q(category__parent__slug=filters.category), shop=OuterRef("pk")
                )
            )
        )
    if filters.distance_km is not None:
        shops = shops.filter(pk__in=list(geo.shop_distance))
    if filters.open_now:
        shops = shops.filter(pk__in=geo.open_shops())
    return shops


def _kinds_named(term: str) -> list[str]:
    return [value for value, label in ShopKind.choices if term in label.casefold() or term == value]


def search_shops(filters: SearchFilters, *, offset: int = 0, limit: int = PAGE_SIZE) -> ShopResults:
    """Shops by name, description or kind; nearest first (or by name when no distance is known)."""
    offset = max(0, min(offset, MAX_OFFSET))
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    geo = _Geography(filters)
    matching = list(_shop_queryset(filters, geo).order_by("name", "pk").values_list("pk", flat=True))
    if filters.effective_sort in (Sort.DISTANCE, Sort.RELEVANCE):
        matching.sort(key=lambda pk: geo.shop_distance.get(pk, float("inf")))
    page_ids = matching[offset : offset + limit]
    page_shops = set(page_ids)
    page_locations = [point.location_id for point in geo.points if point.shop_id in page_shops]
    located = storefront.nearby_locations(filters.position, radius_km=None, at=filters.at, location_ids=page_locations)
    nearby = {
        entry.shop.pk: ShopHit(entry.shop, entry.distance_km, entry.status) for entry in storefront.shops_from_locations(located)
    }
    far = Shop.objects.in_bulk([pk for pk in page_ids if pk not in nearby])
    kinds = (
        _shop_queryset(filters, geo, skip_kind=True).order_by().values("kind").annotate(count=Count("pk", distinct=True))
    )
    labels = dict(ShopKind.choices)
    return ShopResults(
        count=len(matching),
        hits=[nearby.get(pk) or ShopHit(far[pk]) for pk in page_ids],
        kinds=sorted(
            (Facet(row["kind"], labels.get(row["kind"], row["kind"]), row["count"], row["kind"] == filters.shop_kind) for row in kinds),
            key=lambda facet: (-facet.count, facet.label),
        ),
    )

