"""Reads for the shopper's pages: what is near, what is open, what is in stock.

Every function here runs a fixed number of queries whatever the number of shops,
locations or products involved (tests/storefront/test_query_counts.py holds us to it).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache, caches
from django.db import connection
from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from plaza.catalog.models import Category, Product, ProductImage, ProductStatus, Variant
from plaza.inventory.models import Stock
from plaza.shops import selectors as hours
from plaza.shops.models import Location, Shop
from plaza.storefront.geo import Position, bounding_box, distance_km

NEARBY_KM = 10.0
# Beyond this, distance no longer orders results; it only labels them.
MAX_RADIUS_KM = 100.0
GAZETTEER_LIMIT = 200


# --- opening hours -------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    label: str


def opening_status(location: Location, at: datetime) -> OpeningStatus:
    """"Open until 19:00", "Opens tomorrow at 9:00" or "Closed", from prefetched hours."""
    change = hours.next_change(location, at)
    if hours.is_open(location, at):
        return OpeningStatus(True, f"Open until {hours.until_label(change.at)}" if change else "Open")
    return OpeningStatus(False, change.label if change else "Closed")


def with_hours(locations, at: datetime):
    """Prefetch what :func:`opening_status` reads."""
    return locations.prefetch_related(*hours.hours_prefetches(timezone.localtime(at).date()))


open_location_ids = hours.open_location_ids


# --- near me -------------------------------------------------------------------------


@dataclass
class NearbyLocation:
    location: Location
    distance_km: float
    status: OpeningStatus | None


@dataclass(frozen=True)
class LocationPoint:
    """A nearby location as ids and a distance: cheap enough to hold for every location in town."""

    location_id: int
    shop_id: int
    distance_km: float


def _active_locations_around(position: Position, radius_km: float | None):
    locations = Location.objects.filter(shop__is_active=True)
    if radius_km is not None:
        min_lat, max_lat, min_lng, max_lng = bounding_box(position.latitude, position.longitude, radius_km)
        locations = locations.filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lng, max_lng))
    return locations


def nearby_points(position: Position, *, radius_km: float | None) -> list[LocationPoint]:
    """Locations of active shops within ``radius_km`` (None: any distance), nearest first.

    Reads four columns and builds no model instance, so a whole town costs a few milliseconds.
    """
    rows = _active_locations_around(position, radius_km).values_list("pk", "shop_id", "latitude", "longitude")
    points = []
    for location_id, shop_id, latitude, longitude in rows:
        km = distance_km(position.latitude, position.longitude, latitude, longitude)
        if radius_km is None or km <= radius_km:
            points.append(LocationPoint(location_id, shop_id, km))
    points.sort(key=lambda point: (point.distance_km, point.location_id))
    return points


def nearby_locations(
    position: Position,
    *,
    radius_km: float | None,
    at: datetime,
    shop: Shop | None = None,
    location_ids: list[int] | None = None,
    with_status: bool = True,
) -> list[NearbyLocation]:
    """Locations of active shops within ``radius_km`` (None: any distance), nearest first.

    ``shop`` or ``location_ids`` narrow them down. ``with_status`` adds each one's opening
    status (two more queries and some work per location); without it ``status`` is None.
    """
    candidates = _active_locations_around(position, radius_km).select_related("shop")
    if shop is not None:
        candidates = candidates.filter(shop=shop)
    if location_ids is not None:
        candidates = candidates.filter(pk__in=location_ids)
    if with_status:
        candidates = with_hours(candidates, at)
    nearby = []
    for location in candidates:
        km = distance_km(position.latitude, position.longitude, location.latitude, location.longitude)
        if radius_km is None or km <= radius_km:
            nearby.append(NearbyLocation(location, km, opening_status(location, at) if with_status else None))
    nearby.sort(key=lambda item: (item.distance_km, item.location.pk))
    return nearby


@dataclass
class NearbyShop:
    shop: Shop
    distance_km: float
    nearest: NearbyLocation
    open_location: NearbyLocation | None = None
    location_count: int = 0

    @property
    def status(self) -> OpeningStatus | None:
        return (self.open_location or self.nearest).status


def shops_from_locations(locations: list[NearbyLocation]) -> list[NearbyShop]:
    """One entry per shop, nearest first, remembering its nearest open location."""
    shops: dict[int, NearbyShop] = {}
    for item in locations:
        entry = shops.get(item.location.shop_id)
        if entry is None:
            entry = shops[item.location.shop_id] = NearbyShop(item.location.shop, item.distance_km, item)
        entry.location_count += 1
        if entry.open_location is None and item.status and item.status.is_open:
            entry.open_location = item
    return list(shops.values())


def nearby_shops(position: Position, *, at: datetime, radius_km: float = NEARBY_KM, open_now: bool = False) -> list[NearbyShop]:
    shops = shops_from_locations(nearby_locations(position, radius_km=radius_km, at=at))
    if open_now:
        shops = [entry for entry in shops if entry.open_location]
    return shops


def nearest_shops(position: Position, points: list[LocationPoint], *, at: datetime, limit: int) -> list[NearbyShop]:
    """The ``limit`` nearest shops among ``points``, with opening status read for their locations only."""
    shop_ids = set(list(dict.fromkeys(point.shop_id for point in points))[:limit])
    wanted = [point.location_id for point in points if point.shop_id in shop_ids]
    return shops_from_locations(nearby_locations(position, radius_km=None, at=at, location_ids=wanted))


@dataclass(frozen=True)
class ShopCounts:
    shops: int
    open_now: int


def count_shops(points: list[LocationPoint], at: datetime) -> ShopCounts:
    """How many shops the points belong to, and how many of them have one of these locations open."""
    open_ids = open_location_ids(at)
    return ShopCounts(
        shops=len({point.shop_id for point in points}),
        open_now=len({point.shop_id for point in points if point.location_id in open_ids}),
    )


# --- places ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    label: str
    latitude: float
    longitude: float
    postcode: str = ""


GAZETTEER_KEY = "storefront:gazetteer"
# Home and search list the places on every page, yet they change only when a location or a
# shop does: those events clear them (storefront/subscribers.py), the TTL bounds staleness
# where an event cannot reach this cache (see POPULAR_CATEGORIES_TTL_S).
GAZETTEER_TTL_S = 300
# Each process also keeps a copy this long, so a page costs no round trip to the shared
# cache; a change reaches every process within it.
GAZETTEER_LOCAL_TTL_S = 30


def gazetteer() -> list[Place]:
    """The places a shopper can type: each postcode of the town's shops, then each city.

    A place sits at the centre of the shop locations it covers.
    """
    places = caches["local"].get(GAZETTEER_KEY)
    if places is None:
        places = cache.get(GAZETTEER_KEY)
        if places is None:
            places = _places()
            cache.set(GAZETTEER_KEY, places, GAZETTEER_TTL_S)
        caches["local"].set(GAZETTEER_KEY, places, GAZETTEER_LOCAL_TTL_S)
    return places


def forget_places() -> None:
    cache.delete(GAZETTEER_KEY)
    caches["local"].delete(GAZETTEER_KEY)


def _places() -> list[Place]:
    rows = list(
        Location.objects.filter(shop__is_active=True)
        .exclude(postcode="", city="")
        .values("postcode", "city")
        .annotate(latitude=Avg("latitude"), longitude=Avg("longitude"))
        .order_by("postcode", "city")[:GAZETTEER_LIMIT]
    )
    places = [
        Place(" ".join(part for part in (row["postcode"], row["city"]) if part), row["latitude"], row["longitude"], row["postcode"])
        for row in rows
    ]
    cities: dict[str, list[dict]] = {}
    for row in rows:
        if row["city"]:
            cities.setdefault(row["city"], []).append(row)
    for city, city_rows in sorted(cities.items()):
        places.append(
            Place(
                city,
                sum(row["latitude"] for row in city_rows) / len(city_rows),
                sum(row["longitude"] for row in city_rows) / len(city_rows),
            )
        )
    return places


def find_place(text: str) -> Place | None:
    """The place a typed text names: a postcode, a city or "postcode city"; else the first prefix match."""
    wanted = " ".join(str(text).split()).casefold()[:120]
    if not wanted:
        return None
    places = gazetteer()
    for place in places:
        if wanted in (place.label.casefold(), place.postcode.casefold()):
            return place
    return next((place for place in places if place.label.casefold().startswith(wanted)), None)


# --- catalog for shoppers -------------------------------------------------------------


def with_card_data(products):
    """What a product card shows: shop, category and images, in two extra queries at most."""
    return products.select_related("shop", "category").prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")
    )


def published_products():
    return Product.objects.filter(status=ProductStatus.PUBLISHED, shop__is_active=True)


def in_stock_at(location_ids) -> Q:
    """Products with at least one unit not held by an order at one of these locations.

    An uncorrelated ``IN`` subquery: the database computes it once instead of per product.
    """
    stocked = Stock.objects.filter(location_id__in=list(location_ids), quantity__gt=F("reserved"))
    return Q(pk__in=Variant.objects.filter(stocks__in=stocked).values("product_id"))


def in_stock_near(points: list[LocationPoint], *, limit: int) -> list[tuple[Product, float]]:
    """The newest product in stock at each of the ``limit`` nearest shops, nearest first.

    Looks only at the stock of those shops' nearby locations, one shop at a time.
    """
    shop_distance: dict[int, float] = {}
    for point in points:
        shop_distance.setdefault(point.shop_id, point.distance_km)
    nearest = set(sorted(shop_distance, key=shop_distance.get)[:limit])
    nearby_location_ids = [point.location_id for point in points if point.shop_id in nearest]
    # Per shop, the newest published product with a unit in stock, instead of grouping
    # every stock row of the shops (tens of thousands). PostgreSQL would walk the primary
    # key backwards through the whole catalog for "-pk"; ordering by an expression makes
    # it read the shop's products by the shop index and sort those (SQLite is fastest
    # with plain "-pk"). An index on (shop, status, id) would let both stop at the first.
    newest_first = "-pk" if connection.vendor == "sqlite" else (F("pk") + 0).desc()
    in_stock = Stock.objects.filter(
        variant__product=OuterRef("pk"), location_id__in=nearby_location_ids, quantity__gt=F("reserved")
    )
    newest_in_stock = (
        Shop.objects.filter(pk__in=list(nearest))
        .annotate(
            product_id=Subquery(
                Product.objects.filter(Exists(in_stock), shop=OuterRef("pk"), status=ProductStatus.PUBLISHED)
                .order_by(newest_first)
                .values("pk")[:1]
            )
        )
        .values_list("product_id", flat=True)
    )
    products = with_card_data(Product.objects.filter(pk__in=list(newest_in_stock)))
    ranked = sorted(products, key=lambda product: (shop_distance[product.shop_id], product.pk))
    return [(product, shop_distance[product.shop_id]) for product in ranked]


POPULAR_CATEGORIES_KEY = "storefront:popular-categories"
POPULAR_CATEGORIES_MAX = 60
# Counting every published product per category scans the whole catalog (~100 ms at
# 100,000 products), yet the counts change only with the catalog. product.* events
# clear them (storefront/subscribers.py); the TTL bounds how stale they get where an
# event cannot reach this cache: a per-process LocMemCache (no Redis), or changes that
# record no event (bulk imports, a shop closed in the admin).
POPULAR_CATEGORIES_TTL_S = 60


def popular_categories(limit: int = 12) -> list[Category]:
    """Categories with published products, the fullest first (at most 60)."""
    categories = cache.get(POPULAR_CATEGORIES_KEY)
    if categories is None:
        categories = list(
            Category.objects.annotate(
                product_count=Count(
                    "products", filter=Q(products__status=ProductStatus.PUBLISHED, products__shop__is_active=True)
                )
            )
            .filter(product_count__gt=0)
            .order_by("-product_count", "name")[:POPULAR_CATEGORIES_MAX]
        )
        cache.set(POPULAR_CATEGORIES_KEY, categories, POPULAR_CATEGORIES_TTL_S)
    return categories[:limit]


def forget_popular_categories() -> None:
    cache.delete(POPULAR_CATEGORIES_KEY)


def shop_for_page(slug: str) -> Shop:
    """An active shop by slug; raises Shop.DoesNotExist for unknown or inactive shops."""
    return Shop.objects.get(slug=slug, is_active=True)


def shop_categories(shop: Shop) -> list[Category]:
    return list(
        Category.objects.filter(products__shop=shop, products__status=ProductStatus.PUBLISHED)
        .annotate(product_count=Count("products"))
        .order_by("name")
    )


def shop_products(shop: Shop, *, category_slug: str = ""):
    products = published_products().filter(shop=shop)
    if category_slug:
        products = products.filter(category__slug=category_slug)
    return with_card_data(products.order_by("title", "pk"))


# What a product page shows of the product and its shop is the same for every visitor: it
# is cached in each process under the product's and the shop's last change (every catalog
# write moves ``Product.updated_at``), so an edit is never served stale and no event has
# to reach the cache. The TTL only bounds memory. The shop's locations and hours are
# cached the same way (shops.selectors.shop_locations).
PAGE_CACHE_TTL_S = 3600


def product_for_page(shop_slug: str, handle: str) -> Product:
    """A published product of an active shop with what its page shows; raises Product.DoesNotExist."""
    stamp = (
        published_products()
        .filter(shop__slug=shop_slug, handle=handle)
        .values_list("pk", "updated_at", "shop__updated_at")
        .first()
    )
    if stamp is None:
        raise Product.DoesNotExist
    product_id, product_changed, shop_changed = stamp
    key = f"storefront:product:{product_id}:{product_changed.timestamp()}:{shop_changed.timestamp()}"
    product = caches["local"].get(key)
    if product is None:
        product = (
            Product.objects.select_related("shop", "category")
            .prefetch_related(
                Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images"),
                Prefetch("variants", queryset=Variant.objects.order_by("position", "id"), to_attr="ordered_variants"),
            )
            .get(pk=product_id)
        )
        caches["local"].set(key, product, PAGE_CACHE_TTL_S)
    return product


@dataclass
class LocationStock:
    """One of the shop's locations as the product page lists it."""

    location: Location
    distance_km: float
    status: OpeningStatus
    # {variant_id: units available}
    available: dict[int, int] = field(default_factory=dict)


def product_stock(product: Product, position: Position, at: datetime) -> list[LocationStock]:
    """The product's shop locations, nearest first, with units available per variant."""
    locations = hours.shop_locations(product.shop, at)
    stock = Stock.objects.filter(variant__product=product).values_list("variant_id", "location_id", "quantity", "reserved")
    available: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity, reserved in stock:
        available.setdefault(location_id, {})[variant_id] = max(quantity - reserved, 0)
    rows = [
        LocationStock(
            location,
            distance_km(position.latitude, position.longitude, location.latitude, location.longitude),
            opening_status(location, at),
            available.get(location.pk, {}),
        )
        for location in locations
    ]
    rows.sort(key=lambda row: (row.distance_km, row.location.pk))
    return rows


def product_availability(product_id: int) -> dict[int, dict[int, int]]:
    """{variant_id: {location_id: units available}} of a published product, for live refreshes."""
    rows = Stock.objects.filter(
        variant__product_id=product_id,
        variant__product__status=ProductStatus.PUBLISHED,
        variant__product__shop__is_active=True,
    ).values_list("variant_id", "location_id", "quantity", "reserved")
    result: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity, reserved in rows:
        result.setdefault(variant_id, {})[location_id] = max(quantity - reserved, 0)
    return result


def product_id_of_variant(variant_id: int) -> int | None:
    """Asked after every stock change (whose product's page hears it?); a variant never
    moves to another product, so each process remembers the answer."""
    key = f"storefront:variant-product:{variant_id}"
    product_id = caches["local"].get(key)
    if product_id is None:
        product_id = Variant.objects.filter(pk=variant_id).values_list("product_id", flat=True).first()
        if product_id is not None:
            caches["local"].set(key, product_id, PAGE_CACHE_TTL_S)
    return product_id
