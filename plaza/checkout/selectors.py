"""Reads for the cart page, the checkout page and the cart API."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from plaza.catalog.models import ProductStatus
from plaza.checkout.fulfilment import MethodOffer, offered_methods, pickup_slots
from plaza.checkout.models import Cart, CartLine
from plaza.checkout.pricing import line_total
from plaza.inventory.selectors import availability_by_location
from plaza.shops.selectors import shop_locations
from plaza.shops.models import Location, Shop


# Where the web app keeps a guest's cart token; API clients send it as X-Cart-Token.
CART_SESSION_KEY = "cart_token"


def as_cart_token(raw) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw)[:64])
    except ValueError:
        return None


def units_in_cart(*, user=None, token=None) -> int:
    """How many units the visitor's cart holds (the tab bar's badge), in one query."""
    if getattr(user, "is_authenticated", False):
        lines = CartLine.objects.filter(cart__user=user)
    elif token and (token := as_cart_token(token)):
        lines = CartLine.objects.filter(cart__token=token, cart__user__isnull=True)
    else:
        return 0
    return lines.aggregate(units=Sum("quantity"))["units"] or 0


def find_cart(*, user=None, token=None) -> Cart | None:
    """A signed-in user's own cart, or the guest cart with ``token``.

    A guest token never opens a signed-in user's cart, whoever presents it.
    """
    if getattr(user, "is_authenticated", False):
        return Cart.objects.filter(user=user).first()
    token = as_cart_token(token) if token else None
    if token is None:
        return None
    return Cart.objects.filter(token=token, user__isnull=True).first()


@dataclass(frozen=True)
class CartLineView:
    line: CartLine
    line_total: Decimal
    # False once the product is unpublished or its shop closed: it cannot be checked out.
    purchasable: bool

    @property
    def variant(self):
        return self.line.variant

    @property
    def product(self):
        return self.line.variant.product


@dataclass(frozen=True)
class ShopGroup:
    shop: Shop
    lines: list[CartLineView]
    methods: list[MethodOffer]

    @property
    def currency(self) -> str:
        return self.shop.currency

    @property
    def subtotal(self) -> Decimal:
        return sum((line.line_total for line in self.lines if line.purchasable), Decimal("0.00"))

    @property
    def can_check_out(self) -> bool:
        return bool(self.methods) and any(line.purchasable for line in self.lines)


@dataclass(frozen=True)
class CartSummary:
    cart: Cart | None
    groups: list[ShopGroup] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(line.line.quantity for group in self.groups for line in group.lines)


def _purchasable(line: CartLine) -> bool:
    product = line.variant.product
    return product.status == ProductStatus.PUBLISHED and product.shop.is_active


def cart_summary(cart: Cart | None, *, shop: Shop | None = None) -> CartSummary:
    """The cart's lines grouped by shop (in the order first added), in two queries."""
    if cart is None:
        return CartSummary(None)
    lines = CartLine.objects.filter(cart=cart).select_related("variant__product__shop").order_by("added_at", "id")
    if shop is not None:
        lines = lines.filter(variant__product__shop=shop)
    by_shop: dict[int, list[CartLineView]] = {}
    shops: dict[int, Shop] = {}
    for line in lines:
        line_shop = line.variant.product.shop
        shops.setdefault(line_shop.pk, line_shop)
        by_shop.setdefault(line_shop.pk, []).append(
            CartLineView(line, line_total(line.variant.price, line.quantity), _purchasable(line))
        )
    locations: dict[int, list[Location]] = {}
    for location in Location.objects.filter(shop_id__in=list(shops)).order_by("id"):
        locations.setdefault(location.shop_id, []).append(location)
    groups = [ShopGroup(shops[pk], group, offered_methods(locations.get(pk, []))) for pk, group in by_shop.items()]
    return CartSummary(cart, groups)


@dataclass(frozen=True)
class LocationChoice:
    location: Location
    pickup_slots: list[datetime]
    # How many of the cart's lines this location cannot fill from its shelf (0: all of them).
    lines_short: int = 0

    @property
    def fills_cart(self) -> bool:
        return self.lines_short == 0


@dataclass(frozen=True)
class FulfilmentOptions:
    shop: Shop
    locations: list[LocationChoice]
    methods: list[MethodOffer]

    @property
    def pickup_locations(self) -> list[LocationChoice]:
        """Where the order can be picked up: those that have everything first, then those
        short of fewest lines (the shop's own order within each)."""
        pickup = [choice for choice in self.locations if choice.location.pickup_enabled]
        return sorted(pickup, key=lambda choice: choice.lines_short)

    @property
    def any_fills_cart(self) -> bool:
        return any(choice.fills_cart for choice in self.pickup_locations)


def fulfilment_options(shop: Shop, now: datetime | None = None, *, wanted: dict[int, int] | None = None) -> FulfilmentOptions:
    """The shop's ways to hand over an order; with ``wanted`` ({variant id: quantity}, a
    cart's lines), each location also says how many of those it cannot fill."""
    now = now or timezone.now()
    locations = shop_locations(shop)
    available = availability_by_location(wanted) if wanted else {}

    def lines_short(location: Location) -> int:
        return sum(1 for variant_id, quantity in (wanted or {}).items() if available.get(variant_id, {}).get(location.pk, 0) < quantity)

    return FulfilmentOptions(
        shop=shop,
        locations=[LocationChoice(location, pickup_slots(location, now), lines_short(location)) for location in locations],
        methods=offered_methods(locations),
    )


def shop_for_checkout(slug: str) -> Shop | None:
    return Shop.objects.filter(slug=slug, is_active=True).first()
