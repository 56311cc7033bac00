"""Every write of the checkout: carts, placing an order, paying for it, letting a hold lapse.

Placing an order takes two short transactions, so that no lock is held while a payment
processor answers:

1. validate everything, create the order and its lines, reserve the stock at the
   fulfilling location and open the payment. The unique ``(idempotency_scope,
   idempotency_key)`` constraint on Order decides between two submissions of one key
   (a key is looked up only when the checkout cannot go on: see :func:`place_order`);
   then, outside any transaction, the provider authorizes;
2. settle: under the order's lock, record the provider's answer on the payment; success
   turns the reservation into a sale and the order becomes NEW; a decline releases the
   stock (PAYMENT_FAILED); a retryable error keeps the hold until ``payment_due_by``, and
   :func:`pay_order` may try again until then.
"""

import hashlib
import json
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from plaza.catalog.models import ProductStatus, Variant, variant_title
from plaza.checkout.fulfilment import delivering_locations, pickup_slot_error
from plaza.checkout.models import Cart, CartLine
from plaza.checkout.pricing import MAX_ORDER_TOTAL, Totals, compute_totals, line_total
from plaza.checkout.selectors import as_cart_token, find_cart
from plaza.core.compiled import DELETE, CompiledQuery, insert
from plaza.core.errors import Conflict, InvalidInput, NotFound, OutOfStock, PaymentDeclined, PlazaError
from plaza.inventory.selectors import availability_by_location
from plaza.inventory.services import commit_reservations, release_reservations, reserve, shortage
from plaza.orders.models import FulfilmentMethod, Order, OrderLine, OrderStatus
from plaza.orders.services import change_locked_status, change_status_from
from plaza.payments import services as payments
from plaza.payments.models import Payment
from plaza.payments.providers import get_provider
from plaza.payments.selectors import last_authorization_error
from plaza.payments.providers.base import PaymentProvider, ProviderResult
from plaza.shops.selectors import shop_locations
from plaza.shops.models import Location, Shop

S = OrderStatus
MAX_LINE_QUANTITY = 99
MAX_ID = 2**63 - 1
MAX_IDEMPOTENCY_KEY_LENGTH = 100
MAX_NOTE_LENGTH = 1000
ORDER_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ORDER_NUMBER_ATTEMPTS = 3


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


# --- cart ---------------------------------------------------------------------------------


def _clean_quantity(quantity) -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"Choose a quantity from 1 to {MAX_LINE_QUANTITY}.",
            fields={"quantity": [f"A whole number from 1 to {MAX_LINE_QUANTITY}."]},
        )
    return quantity


def _variant_for_sale(variant_id) -> Variant:
    variant = None
    if _valid_id(variant_id):
        variant = (
            Variant.objects.select_related("product__shop")
            .filter(pk=variant_id, product__status=ProductStatus.PUBLISHED, product__shop__is_active=True)
            .first()
        )
    if variant is None:
        raise InvalidInput("That item is not for sale.", fields={"variant_id": ["Unknown or unavailable item."]})
    return variant


def _lock(cart: Cart) -> None:
    # Touching the row takes its lock: changes to one cart queue behind each other.
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())


@transaction.atomic
def open_cart(*, user=None, token=None) -> Cart:
    """The caller's cart (a signed-in user's own, or the guest cart ``token``), created if missing."""
    cart = find_cart(user=user, token=token)
    if cart is not None:
        return cart
    if getattr(user, "is_authenticated", False):
        return Cart.objects.get_or_create(user=user)[0]
    return Cart.objects.create()


@transaction.atomic
def add_to_cart(*, variant_id, quantity, user=None, token=None) -> CartLine:
    """Add to the caller's cart, opening it if needed: a refused item leaves no new cart behind."""
    quantity = _clean_quantity(quantity)
    variant = _variant_for_sale(variant_id)
    cart = open_cart(user=user, token=token)
    _lock(cart)
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    if line is None:
        return CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    if line.quantity + quantity > MAX_LINE_QUANTITY:
        raise InvalidInput(
            f"You can have at most {MAX_LINE_QUANTITY} of one item; {line.quantity} are already in your cart.",
            fields={"quantity": [f"At most {MAX_LINE_QUANTITY - line.quantity} more."]},
        )
    line.quantity += quantity
    line.save(update_fields=["quantity"])
    return line


def _line_of(cart: Cart, line_id) -> CartLine:
    line = CartLine.objects.filter(cart=cart, pk=line_id).first() if _valid_id(line_id) else None
    if line is None:
        raise NotFound("That line is not in your cart.")
    return line


@transaction.atomic
def set_line_quantity(cart: Cart, *, line_id, quantity) -> CartLine:
    quantity = _clean_quantity(quantity)
    _lock(cart)
    line = _line_of(cart, line_id)
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    return line


@transaction.atomic
def remove_line(cart: Cart, *, line_id) -> None:
    _lock(cart)
    _line_of(cart, line_id).delete()


@transaction.atomic
def merge_guest_cart(*, user, token) -> Cart | None:
    """On login: move the guest cart's lines into the user's cart (quantities add up, capped)."""
    guest = find_cart(token=token)
    if guest is None:
        return None
    cart = open_cart(user=user)
    _lock(cart)
    _lock(guest)
    for line in guest.lines.all():
        mine = CartLine.objects.filter(cart=cart, variant_id=line.variant_id).first()
        if mine is None:
            CartLine.objects.create(cart=cart, variant_id=line.variant_id, quantity=line.quantity)
        else:
            mine.quantity = min(MAX_LINE_QUANTITY, mine.quantity + line.quantity)
            mine.save(update_fields=["quantity"])
    guest.delete()
    return cart


# --- checkout -----------------------------------------------------------------------------


@dataclass
class CheckoutDetails:
    """What the shopper chose and entered on the checkout form (or sent to the API)."""

    fulfilment_method: str
    payment_provider: str
    email: str = ""
    name: str = ""
    phone: str = ""
    note: str = ""
    location_id: int | None = None
    pickup_slot: datetime | None = None
    address_line: str = ""
    address_city: str = ""
    address_postcode: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # Card number, expiry, CVC…: checked by the provider, never stored.
    payment_details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    # False when the idempotency key found an order placed by an earlier submission.
    created: bool


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def absorb(self, error: InvalidInput) -> None:
        for name, messages in error.fields.items():
            for message in messages:
                self.add(name, message)


def _text(errors: _Errors, name: str, value, *, label: str, max_length: int, required: bool = False) -> str:
    value = value.strip() if isinstance(value, str) else ""
    if "\x00" in value:
        errors.add(name, f"The {label} contains characters that are not allowed.")
    elif len(value) > max_length:
        errors.add(name, f"The {label} is too long (at most {max_length} characters).")
    elif required and not value:
        errors.add(name, f"Enter your {label}.")
    return value


def _coordinate(value, limit: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) and abs(value) <= limit else None


def _clean_key(key) -> str:
    key = key.strip() if isinstance(key, str) else ""
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            "Send an idempotency key so a retried checkout does not order twice.",
            fields={"idempotency_key": [f"1 to {MAX_IDEMPOTENCY_KEY_LENGTH} printable characters, e.g. a UUID."]},
        )
    return key


# What a retry must send again for its key to stand for the same checkout: every field but
# the card's (never stored, and a retry after a decline may change it).
_FINGERPRINTED = tuple(detail.name for detail in fields(CheckoutDetails) if detail.name != "payment_details")


def request_fingerprint(details: CheckoutDetails) -> str:
    values = [str(getattr(details, name)) for name in _FINGERPRINTED]
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()


def idempotency_scope(cart: Cart, user=None) -> str:
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"
    return f"cart:{cart.token}"


@dataclass(frozen=True)
class _CartItem:
    """A cart line as checking out reads it: what it holds, at what price, under which
    names, and its item's stock row at the chosen pick-up location (None if it has none)."""

    variant_id: int
    quantity: int
    price: Decimal
    sku: str
    variant_title: str
    product_title: str
    for_sale: bool
    stock_id: int | None
    available: int


_CART_ITEMS = CompiledQuery(
    CartLine,
    lambda cart_id, shop_id, location_id: CartLine.objects.filter(cart_id=cart_id, variant__product__shop_id=shop_id)
    .annotate(stock_here=FilteredRelation("variant__stocks", condition=Q(variant__stocks__location_id=location_id)))
    .values_list(
        "variant_id", "quantity", "variant__price", "variant__sku", "variant__option1", "variant__option2",
        "variant__option3", "variant__product__title", "variant__product__status",
        "stock_here__id", "stock_here__quantity", "stock_here__reserved",
    )
    .order_by("id"),
)


def _cart_items(cart: Cart, shop: Shop, pickup_location_id) -> list[_CartItem]:
    """The cart's lines from ``shop``, in the order they were added, with their stock at
    the pick-up location asked for (read in the same statement: a sold-out item is refused
    before anything is written, and reserving needs no look-up of its stock row)."""
    location_id = pickup_location_id if _valid_id(pickup_location_id) else 0
    return [
        _CartItem(
            variant_id=variant_id, quantity=quantity, price=price, sku=sku,
            variant_title=variant_title(option1, option2, option3), product_title=product_title,
            for_sale=status == ProductStatus.PUBLISHED, stock_id=stock_id,
            available=0 if stock_id is None else on_hand - reserved,
        )
        for (
            variant_id, quantity, price, sku, option1, option2, option3, product_title, status, stock_id, on_hand, reserved
        ) in _CART_ITEMS(cart_id=cart.pk, shop_id=shop.pk, location_id=location_id)
    ]


@dataclass
class _Plan:
    """A validated checkout, ready to be written."""

    lines: list[_CartItem]
    location: Location
    provider: PaymentProvider
    payment_details: dict
    totals: Totals
    # Order fields as they will be written: contact, pick-up slot, address.
    order_fields: dict


def _first_with_stock(candidates: list[Location], lines: list[_CartItem], method_label: str) -> Location:
    available = availability_by_location(line.variant_id for line in lines)
    for location in candidates:
        if all(available.get(line.variant_id, {}).get(location.pk, 0) >= line.quantity for line in lines):
            return location
    raise OutOfStock(
        f"No location that offers {method_label.lower()} has everything in stock; "
        "lower the quantities or choose another method.",
        fields={"fulfilment_method": ["Not enough stock for this method."]},
    )


def _contact(errors: _Errors, details: CheckoutDetails, user) -> dict:
    signed_in = getattr(user, "is_authenticated", False)
    fallback_email = user.email if signed_in else ""
    fallback_name = user.display_name if signed_in else ""
    email = _text(errors, "email", details.email or fallback_email, label="e-mail address", max_length=254, required=True)
    if email and "email" not in errors:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", "Enter a valid e-mail address.")
    return {
        "email": email,
        "customer_name": _text(errors, "name", details.name or fallback_name, label="name", max_length=120, required=True),
        "phone": _text(errors, "phone", details.phone, label="phone number", max_length=40),
        "note": _text(errors, "note", details.note, label="note", max_length=MAX_NOTE_LENGTH),
    }


def _payment(errors: _Errors, details: CheckoutDetails) -> tuple[PaymentProvider | None, dict]:
    try:
        provider = get_provider(details.payment_provider)
        cleaned = provider.clean_details(details.payment_details or {})
    except InvalidInput as error:
        errors.absorb(error)
        return None, {}
    if provider.pickup_only and details.fulfilment_method != FulfilmentMethod.PICKUP:
        errors.add("payment_provider", f"{provider.label} is only possible for pick-up orders.")
    return provider, cleaned


def _pickup(errors: _Errors, details: CheckoutDetails, locations: list[Location], now: datetime):
    """(the pick-up location, fields of the order)"""
    location = next((l for l in locations if l.pk == details.location_id and l.pickup_enabled), None)
    if location is None:
        errors.add("location_id", "Choose one of the shop's pick-up locations.")
        return None, {}
    slot = details.pickup_slot
    if not isinstance(slot, datetime):
        errors.add("pickup_slot", "Choose a pick-up time.")
        return None, {}
    if timezone.is_naive(slot):
        slot = timezone.make_aware(slot)
    slot_error = pickup_slot_error(location, slot, now)
    if slot_error:
        errors.add("pickup_slot", slot_error)
    return location, {"pickup_slot_start": slot}


def _address(errors: _Errors, details: CheckoutDetails, locations: list[Location]):
    """(locations that could send it, fields of the order) for delivery or shipping."""
    method = details.fulfilment_method
    shipping = method == FulfilmentMethod.SHIPPING
    offering = [l for l in locations if (l.shipping_enabled if shipping else l.delivery_enabled)]
    if not offering:
        errors.add("fulfilment_method", f"This shop does not offer {FulfilmentMethod(method).label.lower()}.")
    fields = {
        "address_line": _text(errors, "address_line", details.address_line, label="address", max_length=255, required=True),
        "address_city": _text(errors, "address_city", details.address_city, label="town", max_length=120, required=shipping),
        "address_postcode": _text(
            errors, "address_postcode", details.address_postcode, label="postcode", max_length=20, required=shipping
        ),
    }
    if shipping:
        return offering, fields
    latitude, longitude = _coordinate(details.latitude, 90), _coordinate(details.longitude, 180)
    if latitude is None:
        errors.add("latitude", "Give the delivery address's latitude (-90 to 90).")
    if longitude is None:
        errors.add("longitude", "Give the delivery address's longitude (-180 to 180).")
    if not offering or latitude is None or longitude is None:
        return [], fields
    in_range = delivering_locations(offering, latitude, longitude)
    if not in_range:
        farthest = max(l.delivery_radius_km for l in offering)
        errors.add("address_line", f"This address is outside the shop's delivery area (up to {farthest} km).")
    return in_range, {**fields, "address_latitude": latitude, "address_longitude": longitude}


def _pickup_shortage(short: _CartItem, lines: list[_CartItem], locations: list[Location], here: Location) -> OutOfStock:
    """The refusal of a pick-up that ``here`` cannot fill, pointing to a location that can."""
    refusal = shortage(short.product_title, short.available, at=here.name)
    available = availability_by_location([line.variant_id for line in lines])
    elsewhere = next(
        (
            location for location in locations
            if location.pk != here.pk and location.pickup_enabled
            and all(available.get(line.variant_id, {}).get(location.pk, 0) >= line.quantity for line in lines)
        ),
        None,
    )
    if elsewhere is None:
        return refusal
    return OutOfStock(
        f"{refusal.message} {elsewhere.name} has everything in your cart: choose it for pick-up.",
        fields={**refusal.fields, "location_id": [f"{elsewhere.name} has everything in stock."]},
    )


def _plan(cart: Cart, shop: Shop, details: CheckoutDetails, user, now: datetime) -> _Plan:
    """Check everything, collecting every field's errors; raise before anything is written."""
    if not shop.is_active:
        raise NotFound("This shop is not taking orders.")
    method = details.fulfilment_method
    lines = _cart_items(cart, shop, details.location_id if method == FulfilmentMethod.PICKUP else None)
    if not lines:
        raise InvalidInput("Your cart has nothing from this shop.", fields={"shop": ["Nothing to check out."]})
    errors = _Errors()
    for line in lines:
        if not line.for_sale:
            errors.add("lines", f"“{line.product_title}” is no longer for sale; remove it from your cart.")
    order_fields = _contact(errors, details, user)
    provider, payment_details = _payment(errors, details)
    locations = shop_locations(shop)
    pickup_location, candidates = None, []
    if method == FulfilmentMethod.PICKUP:
        pickup_location, where = _pickup(errors, details, locations, now)
    elif method in (FulfilmentMethod.DELIVERY, FulfilmentMethod.SHIPPING):
        candidates, where = _address(errors, details, locations)
    else:
        errors.add("fulfilment_method", "Choose pick-up, delivery or shipping.")
        where = {}
    if errors:
        raise InvalidInput("Please correct the highlighted fields.", fields=dict(errors))

    if pickup_location is not None:
        # What the shelf held a moment ago: reserving decides, but a sold-out item is
        # refused here, before the order is written (a sell-out's late buyers are many).
        short = next((line for line in lines if line.available < line.quantity), None)
        if short is not None:
            raise _pickup_shortage(short, lines, locations, pickup_location)
    location = pickup_location or _first_with_stock(candidates, lines, FulfilmentMethod(method).label)
    fee = {
        FulfilmentMethod.PICKUP: Decimal("0.00"),
        FulfilmentMethod.DELIVERY: location.delivery_fee,
        FulfilmentMethod.SHIPPING: location.shipping_fee,
    }[method]
    totals = compute_totals(((line.price, line.quantity) for line in lines), fee, shop.tax_rate_percent)
    if totals.total > MAX_ORDER_TOTAL:
        raise InvalidInput("This order is too large to place online.", fields={"lines": ["Lower the quantities."]})
    return _Plan(
        lines=lines, location=location, provider=provider, payment_details=payment_details, totals=totals,
        order_fields={**order_fields, **where},
    )


def _new_order_number() -> str:
    return "PLZ-" + "".join(secrets.choice(ORDER_NUMBER_ALPHABET) for _ in range(6))


_ORDER_ID_FOR_KEY = CompiledQuery(
    Order, lambda scope, key: Order.objects.filter(idempotency_scope=scope, idempotency_key=key).values_list("pk")
)


def _order_for_key(scope: str, key: str) -> Order | None:
    # Often there is none (the checkout was refused on its own): ask for the id alone.
    found = _ORDER_ID_FOR_KEY(scope=scope, key=key)
    return Order.objects.get(pk=found[0][0]) if found else None


def _cart_unchanged(order: Order, cart: Cart) -> bool:
    """Whether the cart still holds what ``order`` was placed from: the same lines of its
    shop, or none of them (a placed order took them)."""
    now_in_cart = dict(
        CartLine.objects.filter(cart=cart, variant__product__shop_id=order.shop_id).values_list("variant_id", "quantity")
    )
    return not now_in_cart or now_in_cart == dict(order.lines.values_list("variant_id", "quantity"))


def _replay(order: Order, cart: Cart, shop: Shop, details: CheckoutDetails) -> CheckoutResult:
    """The answer to a submission whose key already placed ``order``: the same outcome, if
    it is the same checkout (same shop, same details, same cart)."""
    if (
        order.shop_id != shop.pk
        or order.idempotency_fingerprint != request_fingerprint(details)
        or not _cart_unchanged(order, cart)
    ):
        raise Conflict(
            "This idempotency key was already used for a different checkout (another shop, other "
            "details or a cart that changed since); send a new key.",
            code="idempotency_key_reused",
        )
    if order.status == S.PAYMENT_FAILED:
        raise PaymentDeclined(last_authorization_error(order) or "The payment was declined.")
    return CheckoutResult(order, created=False)


def _reserve_lines(order: Order, plan: _Plan) -> None:
    order_lines = insert(
        [
            OrderLine(
                order=order, variant_id=line.variant_id, product_title=line.product_title,
                variant_title=line.variant_title, sku=line.sku, unit_price=line.price, quantity=line.quantity,
                line_total=line_total(line.price, line.quantity),
            )
            for line in plan.lines
        ]
    )
    stock_ids = {line.variant_id: line.stock_id for line in plan.lines if line.stock_id is not None}
    reserve(order_lines, plan.location, stock_ids=stock_ids if len(stock_ids) == len(plan.lines) else None)


@transaction.atomic
def _open_order(cart, shop, details, *, user, scope, key, now) -> tuple[Order, Payment, _Plan]:
    """Transaction 1: the order, its lines and reservations, and its payment. A key
    already used makes the order's INSERT fail on its unique constraint."""
    plan = _plan(cart, shop, details, user, now)
    order = Order(
        number=_new_order_number(),
        shop=shop,
        customer=user if getattr(user, "is_authenticated", False) else None,
        fulfilment_method=details.fulfilment_method,
        location=plan.location,
        **plan.order_fields,
        currency=shop.currency,
        subtotal=plan.totals.subtotal,
        fulfilment_fee=plan.totals.fulfilment_fee,
        tax_included=plan.totals.tax_included,
        total=plan.totals.total,
        payment_provider=plan.provider.name,
        idempotency_scope=scope,
        idempotency_key=key,
        idempotency_fingerprint=request_fingerprint(details),
        payment_due_by=now + timedelta(minutes=settings.PLAZA_PAYMENT_HOLD_MINUTES),
    )
    insert([order])
    payment = payments.start_payment(order)
    # Last: reserving locks the stock rows, which other buyers of these items wait for.
    _reserve_lines(order, plan)
    return order, payment, plan


_REMOVE_CART_LINES = CompiledQuery(
    CartLine,
    lambda cart_id, variant_ids: CartLine.objects.filter(cart_id=cart_id, variant_id__in=variant_ids),
    DELETE,
)


def _bought_lines(order: Order):
    """The lines of the cart ``order`` was placed from (found by its idempotency scope)
    that it bought, for when the cart itself is not at hand (paying again)."""
    kind, _, ident = order.idempotency_scope.partition(":")
    if kind == "user":
        lines = CartLine.objects.filter(cart__user_id=ident)
    else:
        token = as_cart_token(ident)
        lines = CartLine.objects.filter(cart__token=token) if token else CartLine.objects.none()
    return lines.filter(variant_id__in=order.lines.values("variant_id"))


@transaction.atomic
def _settle(
    order: Order, payment: Payment, answer: ProviderResult, last4: str, remove_bought: Callable[[], object]
) -> tuple[Order, ProviderResult]:
    """Transaction 2: keep the provider's answer and act on it, unless the order stopped
    waiting meanwhile (its hold lapsed: the answer then says so). ``remove_bought``
    deletes the cart lines a successful payment bought.

    The order as transaction 1 wrote it: only its status can have moved since (its hold
    lapsed). An answer that settles it moves it with one conditional UPDATE, which takes
    its lock; otherwise (a retryable error, or it moved on) its status is read under lock.
    """
    if answer.success:
        moved = change_status_from(order, S.PENDING_PAYMENT, S.NEW, note="Payment authorized.")
    elif not answer.retryable:
        moved = change_status_from(order, S.PENDING_PAYMENT, S.PAYMENT_FAILED, note=answer.error)
    else:
        moved = False
    if not moved:
        order.refresh_from_db(from_queryset=Order.objects.select_for_update(), fields=["status"])
    result = payments.record_authorization(payment, answer, last4)
    if not moved:
        return order, result
    if result.success:
        remove_bought()
        # Last: the stock rows stay locked until this transaction commits.
        commit_reservations(order)
    else:
        release_reservations(order)
    return order, result


def _pay(order: Order, payment: Payment, details: dict, remove_bought: Callable[[], object]) -> Order:
    """Authorize ``payment`` with the provider, then settle the order on its answer: the
    order as that left it (read under its lock, so no re-read)."""
    answer = payments.authorize_payment(payment, details)
    settled, result = _settle(order, payment, answer, details.get("last4", ""), remove_bought)
    if settled.status == S.PAYMENT_FAILED:
        raise PaymentDeclined(result.error or "The payment was declined.")
    if settled.status == S.CANCELLED:
        raise Conflict("The time to pay for this order ran out; its items were released.", code="payment_expired")
    return settled


def place_order(
    *, cart: Cart, shop: Shop, details: CheckoutDetails, idempotency_key, user=None, now: datetime | None = None
) -> CheckoutResult:
    """Check out the cart's lines from ``shop``: one order, however often it is submitted.

    Raises InvalidInput (nothing written), OutOfStock (nothing written), Conflict (key
    reused for another checkout), or PaymentDeclined (the order is kept as failed, its
    stock released). A retryable payment error returns the order still awaiting payment.
    """
    key = _clean_key(idempotency_key)
    scope = idempotency_scope(cart, user)
    now = now or timezone.now()
    # A key is almost always new, so it is looked up only when the checkout cannot go on:
    # its order's INSERT hit the key's unique constraint (an earlier or concurrent
    # submission; rarely, a taken order number), or the cart was refused (an earlier
    # submission may have emptied it, or found it sold out).
    for _ in range(ORDER_NUMBER_ATTEMPTS):
        try:
            order, payment, plan = _open_order(cart, shop, details, user=user, scope=scope, key=key, now=now)
            break
        except (IntegrityError, PlazaError) as stopped:
            earlier = _order_for_key(scope, key)
            if earlier is not None:
                return _replay(earlier, cart, shop, details)
            if isinstance(stopped, PlazaError):
                raise
    else:
        raise Conflict("The order could not be placed; please try again.")
    remove_bought = partial(_REMOVE_CART_LINES, cart_id=cart.pk, variant_ids=[line.variant_id for line in plan.lines])
    return CheckoutResult(_pay(order, payment, plan.payment_details, remove_bought), created=True)


# --- paying again, and lapsed holds -------------------------------------------------------


def order_for_payer(order_token, user=None) -> Order:
    """The order with this token, if the caller may pay for it: a guest order by its token
    alone, a signed-in shopper's order only for that shopper."""
    token = as_cart_token(order_token)
    order = Order.objects.filter(token=token).first() if token else None
    if order is None or (order.customer_id and order.customer_id != getattr(user, "pk", None)):
        raise NotFound("No such order.")
    return order


@transaction.atomic
def _claim_payment(order: Order, now: datetime) -> Payment | None:
    """Lock the order and claim its payment for another attempt; None if its time ran out."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    if locked.status != S.PENDING_PAYMENT:
        raise Conflict(f"This order is {locked.get_status_display().lower()}; it is not waiting for a payment.")
    if locked.payment_due_by is not None and locked.payment_due_by <= now:
        return None
    return payments.claim_for_retry(locked)


def pay_order(*, order_token, payment_details: dict, user=None, now: datetime | None = None) -> Order:
    """Try the payment of an order still awaiting it (after a retryable error) again."""
    now = now or timezone.now()
    order = order_for_payer(order_token, user)
    cleaned = get_provider(order.payment_provider).clean_details(payment_details or {})
    payment = _claim_payment(order, now)
    if payment is None:
        expire_unpaid_orders(now=now, order_ids=[order.pk])
        raise Conflict("The time to pay for this order ran out; its items were released.", code="payment_expired")
    return _pay(order, payment, cleaned, _bought_lines(order).delete)


@transaction.atomic
def _expire(order_id: int, now: datetime) -> bool:
    order = (
        Order.objects.select_for_update()
        .filter(pk=order_id, status=S.PENDING_PAYMENT, payment_due_by__lte=now)
        .first()
    )
    if order is None:
        return False
    release_reservations(order)
    payments.void_payment(order)
    change_locked_status(order, S.CANCELLED, note="Not paid in time; the items were released.")
    return True


def expire_unpaid_orders(*, now: datetime | None = None, order_ids=None) -> int:
    """Cancel orders whose payment hold lapsed and give their reserved units back."""
    now = now or timezone.now()
    lapsed = Order.objects.filter(status=S.PENDING_PAYMENT, payment_due_by__lte=now)
    if order_ids is not None:
        lapsed = lapsed.filter(pk__in=order_ids)
    return sum(1 for order_id in list(lapsed.values_list("pk", flat=True)) if _expire(order_id, now))
