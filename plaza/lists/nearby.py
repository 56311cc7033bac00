"""Find a shopping list nearby: for each item still to buy, what is in stock right now at
shops near the shopper.

- An item linked to a product proposes that product's variants in stock nearby.
- An item linked only to a shop proposes the shop's products matching the item's text.
- A free-text item proposes its best full-text matches (the search app's backend).

Only locations of active shops within the radius count, and only units not held by an
order. Each proposal is a variant at its best location: open now before closed, then the
nearest. The work is bounded: the first ``MAX_ITEMS_CONSIDERED`` items to buy, at most
``MAX_SEARCHES`` full-text searches (one or two queries each), a few proposals per item;
everything else (stock, variants, locations and their hours) is read in one query per
kind for all items together.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import F

from plaza.catalog.models import ProductStatus, Variant
from plaza.inventory.models import Stock
from plaza.lists.models import ListItem, ShoppingList
from plaza.lists.selectors import items_of
from plaza.search.backends import backend, search_terms
from plaza.search.models import ProductDocument
from plaza.shops.models import Location
from plaza.storefront import selectors as storefront
from plaza.storefront.geo import Position

DEFAULT_RADIUS_KM = storefront.NEARBY_KM
MAX_RADIUS_KM = storefront.MAX_RADIUS_KM
MAX_ITEMS_CONSIDERED = 50
MAX_SEARCHES = 10
MATCHES_PER_ITEM = 3
VARIANTS_PER_ITEM = 5


class MatchedBy:
    PRODUCT = "product"
    SHOP = "shop"
    SEARCH = "search"


@dataclass(frozen=True)
class NearbySearch:
    position: Position
    at: datetime
    radius_km: float = DEFAULT_RADIUS_KM
    open_now: bool = False


@dataclass
class Proposal:
    variant: Variant
    location: Location
    distance_km: float
    status: storefront.OpeningStatus
    available: int

    @property
    def product(self):
        return self.variant.product


@dataclass
class ItemNearby:
    item: ListItem
    matched_by: str
    proposals: list[Proposal] = field(default_factory=list)
    # False for a text item past the search budget: it was not looked for, not "not found".
    searched: bool = True

    @property
    def best(self) -> Proposal | None:
        return self.proposals[0] if self.proposals else None


@dataclass
class ListNearby:
    search: NearbySearch
    items: list[ItemNearby]
    # True when the list has more items to buy than were considered.
    truncated: bool
    location_count: int

    @property
    def best_matches(self) -> list[tuple[ListItem, Proposal]]:
        return [(entry.item, entry.best) for entry in self.items if entry.best]

    def proposed_variant_ids(self) -> dict[str, set[int]]:
        """{item id: ids of the variants proposed for it}: what an add-to-cart may pick."""
        return {str(entry.item.pk): {proposal.variant.pk for proposal in entry.proposals} for entry in self.items}


def _matched_by(item: ListItem) -> str:
    if item.product_id:
        return MatchedBy.PRODUCT
    return MatchedBy.SHOP if item.shop_id else MatchedBy.SEARCH


def _best_matches(terms: list[str], shop_id: int | None, location_ids: list[int]) -> list[int]:
    """Ids of the products best matching ``terms`` with a unit in stock at ``location_ids``."""
    documents = ProductDocument.objects.filter(storefront.in_stock_at(location_ids))
    if shop_id is not None:
        documents = documents.filter(shop_id=shop_id)
    full_text = backend()
    return full_text.ids_by_relevance(full_text.match(documents, terms), terms, 0, MATCHES_PER_ITEM)


def find_list_nearby(shopping_list: ShoppingList, search: NearbySearch) -> ListNearby:
    """Proposals for each unchecked item of the list (the caller has checked access)."""
    to_buy = list(items_of(shopping_list).filter(checked=False).order_by("position", "pk")[: MAX_ITEMS_CONSIDERED + 1])
    items, truncated = to_buy[:MAX_ITEMS_CONSIDERED], len(to_buy) > MAX_ITEMS_CONSIDERED
    radius = min(max(search.radius_km, 0.0), MAX_RADIUS_KM)
    points = storefront.nearby_points(search.position, radius_km=radius) if items else []
    if search.open_now and points:
        open_ids = storefront.open_location_ids(search.at)
        points = [point for point in points if point.location_id in open_ids]
    location_ids = [point.location_id for point in points]
    entries = [ItemNearby(item, _matched_by(item)) for item in items]
    if not location_ids:
        return ListNearby(search, entries, truncated, 0)

    # Which products each item is after, in the order they should be proposed.
    wanted: dict[str, list[int]] = {}
    searches: dict[tuple, list[int]] = {}
    for entry in entries:
        item = entry.item
        if entry.matched_by == MatchedBy.PRODUCT:
            wanted[str(item.pk)] = [item.product_id]
            continue
        terms = search_terms(item.text)
        if not terms:
            continue
        key = (item.shop_id, tuple(terms))
        if key not in searches:
            if len(searches) == MAX_SEARCHES:
                entry.searched = False
                continue
            searches[key] = _best_matches(terms, item.shop_id, location_ids)
        wanted[str(item.pk)] = searches[key]
    product_ids = {pk for ids in wanted.values() for pk in ids}
    if not product_ids:
        return ListNearby(search, entries, truncated, len(location_ids))

    stock = Stock.objects.filter(
        location_id__in=location_ids,
        quantity__gt=F("reserved"),
        variant__product_id__in=product_ids,
        variant__product__status=ProductStatus.PUBLISHED,
        variant__product__shop__is_active=True,
    ).values_list("variant_id", "location_id", "quantity", "reserved")
    available: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity, reserved in stock:
        available.setdefault(variant_id, {})[location_id] = quantity - reserved
    variants = Variant.objects.select_related("product__shop").in_bulk(list(available))
    stocked_locations = {location_id for per_location in available.values() for location_id in per_location}
    located = {
        nearby.location.pk: nearby
        for nearby in storefront.nearby_locations(
            search.position, radius_km=None, at=search.at, location_ids=list(stocked_locations)
        )
    }

    def at_best_location(variant: Variant) -> Proposal | None:
        # A location whose shop closed down between the two reads is simply not there.
        candidates = [located[location_id] for location_id in available[variant.pk] if location_id in located]
        if not candidates:
            return None
        best = min(candidates, key=lambda nearby: (not nearby.status.is_open, nearby.distance_km, nearby.location.pk))
        return Proposal(variant, best.location, best.distance_km, best.status, available[variant.pk][best.location.pk])

    proposals_by_product: dict[int, list[Proposal]] = {}
    for variant in sorted(variants.values(), key=lambda variant: (variant.position, variant.pk)):
        proposal = at_best_location(variant)
        if proposal is not None:
            proposals_by_product.setdefault(variant.product_id, []).append(proposal)

    def preference(proposal: Proposal):
        return (not proposal.status.is_open, proposal.distance_km)

    for entry in entries:
        product_ids_wanted = wanted.get(str(entry.item.pk), [])
        if entry.matched_by == MatchedBy.PRODUCT:
            variants_nearby = proposals_by_product.get(product_ids_wanted[0], [])
            entry.proposals = sorted(variants_nearby, key=preference)[:VARIANTS_PER_ITEM]
        else:
            # One proposal per matching product (its best variant); open now first, then best match.
            best_variants = [min(proposals_by_product[pk], key=preference) for pk in product_ids_wanted if pk in proposals_by_product]
            entry.proposals = sorted(best_variants, key=lambda proposal: not proposal.status.is_open)
    return ListNearby(search, entries, truncated, len(location_ids))
