"""Social proof on product and shop pages: friends who bought or saved it, and what is
popular nearby this week.

Each friend's privacy settings decide whether they count: purchases only when they
opted in (``purchases_visible_to_friends``, off by default), saves (a product on one of
their shopping lists) unless they opted out. "Popular nearby" counts people, not names,
so it shows no one's purchases.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import caches
from django.db.models import Q
from django.utils import timezone

from plaza.accounts.models import User
from plaza.lists.models import ListItem
from plaza.orders.models import Order, OrderStatus
from plaza.social.models import PrivacySettings
from plaza.shops.selectors import shop_locations
from plaza.social.selectors import friend_ids
from plaza.storefront.geo import Position, distance_km

NEARBY_KM = 2.0
POPULAR_DAYS = 7
# Fewer buyers than this is not "popular", and too few to keep anyone anonymous.
POPULAR_MIN_BUYERS = 3
NAMES_SHOWN = 3

# An order counts once the shop has it; cancelled and unpaid ones do not.
BOUGHT_STATUSES = (
    OrderStatus.NEW,
    OrderStatus.ACCEPTED,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)


@dataclass(frozen=True)
class FriendsProof:
    bought: int = 0
    saved: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.bought or self.saved)


def _bought(product_filter: Q) -> Q:
    """Users with a counted order matching ``product_filter`` (on the order's lines)."""
    orders = Order.objects.filter(product_filter, status__in=BOUGHT_STATUSES, customer__isnull=False)
    return Q(pk__in=orders.values("customer_id"))


def _friends_proof(viewer, *, bought_filter: Q, saved_filter: Q) -> FriendsProof:
    if not viewer.is_authenticated:
        return FriendsProof()
    friends = User.objects.filter(pk__in=friend_ids(viewer))
    sharing_purchases = PrivacySettings.objects.filter(purchases_visible_to_friends=True).values("user_id")
    hiding_saves = PrivacySettings.objects.filter(saves_visible_to_friends=False).values("user_id")
    buyers = friends.filter(_bought(bought_filter), pk__in=sharing_purchases)
    savers = friends.filter(
        pk__in=ListItem.objects.filter(saved_filter, removed=False).values("shopping_list__owner_id")
    ).exclude(pk__in=hiding_saves)
    names = [person.public_name for person in buyers.union(savers).order_by("display_name")[:NAMES_SHOWN]]
    return FriendsProof(bought=buyers.count(), saved=savers.count(), names=names)


def friends_on_product(viewer, product) -> FriendsProof:
    return _friends_proof(
        viewer,
        bought_filter=Q(lines__variant__product=product),
        saved_filter=Q(product=product),
    )


def friends_on_shop(viewer, shop) -> FriendsProof:
    return _friends_proof(viewer, bought_filter=Q(shop=shop), saved_filter=Q(product__shop=shop) | Q(shop=shop))


def _nearby_location_ids(product, position: Position) -> list[int]:
    # Only the product's own shop sells it: its locations are the ones to look at.
    return [
        location.pk
        for location in shop_locations(product.shop, timezone.now())
        if distance_km(position.latitude, position.longitude, location.latitude, location.longitude) <= NEARBY_KM
    ]


def _buyers_at(product, location_ids: list[int]) -> int:
    if not location_ids:
        return 0
    since = timezone.now() - timedelta(days=POPULAR_DAYS)
    buyers = (
        Order.objects.filter(
            lines__variant__product=product,
            location_id__in=location_ids,
            status__in=BOUGHT_STATUSES,
            created_at__gte=since,
        )
        .values("email")
        .distinct()
        .count()
    )
    return buyers if buyers >= POPULAR_MIN_BUYERS else 0


def buyers_nearby_this_week(product, position: Position) -> int:
    """How many people bought the product this week at a shop within 2 km of the shopper;
    0 below the threshold where the number would single people out."""
    return _buyers_at(product, _nearby_location_ids(product, position))


# A week's count moves slowly, and counting it costs a query on every view of a product
# page: each process keeps the figure a minute per product and set of nearby locations.
POPULAR_NEARBY_TTL_S = 60


def popular_nearby(product, position: Position) -> int:
    """:func:`buyers_nearby_this_week` as product pages show it: at most a minute old."""
    location_ids = _nearby_location_ids(product, position)
    key = f"proof:popular-nearby:{product.pk}:{','.join(map(str, location_ids))}"
    buyers = caches["local"].get(key)
    if buyers is None:
        buyers = _buyers_at(product, location_ids)
        caches["local"].set(key, buyers, POPULAR_NEARBY_TTL_S)
    return buyers
