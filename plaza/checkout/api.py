"""Cart and checkout API, for guests and signed-in shoppers.

Guests are known by their cart token: ``POST /cart/lines`` creates a cart and returns its
token in the body and the ``X-Cart-Token`` response header; send it back in the
``X-Cart-Token`` request header. A signed-in shopper always gets their own cart.
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Header, Path, Router, Schema

from plaza.checkout import selectors, services
from plaza.checkout.services import MAX_ID, MAX_LINE_QUANTITY
from plaza.core.api import ErrorOut, anyone
from plaza.core.errors import NotFound
from plaza.orders.models import Order
from plaza.payments.models import PaymentStatus
from plaza.payments.providers import all_providers
from plaza.payments.selectors import last_authorization_error, latest_payment

router = Router(tags=["checkout"], auth=anyone)

CART_HEADER = "X-Cart-Token"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class AddLineIn(Schema):
    variant_id: int = Field(..., ge=1, le=MAX_ID)
    quantity: int = Field(1, ge=1, le=MAX_LINE_QUANTITY)


class QuantityIn(Schema):
    quantity: int = Field(..., ge=1, le=MAX_LINE_QUANTITY)


class CartLineOut(Schema):
    id: int
    variant_id: int
    product_title: str
    variant_title: str
    sku: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    purchasable: bool


class MethodOut(Schema):
    method: str
    label: str
    fee: Decimal


class ShopGroupOut(Schema):
    shop_id: int
    shop_slug: str
    shop_name: str
    currency: str
    subtotal: Decimal
    methods: list[MethodOut]
    lines: list[CartLineOut]


class CartOut(Schema):
    token: uuid.UUID | None = Field(None, description="Send it back as X-Cart-Token (guests only).")
    item_count: int
    shops: list[ShopGroupOut]


class CardIn(Schema):
    card_number: str = Field("", max_length=40)
    card_expiry: str = Field("", max_length=10, description="MM/YY")
    card_cvc: str = Field("", max_length=8)


class CheckoutIn(Schema):
    shop_slug: str = Field(..., max_length=140, pattern=SLUG_PATTERN)
    fulfilment_method: Literal["pickup", "delivery", "shipping"]
    location_id: int | None = Field(None, ge=1, le=MAX_ID, description="pick-up location")
    pickup_slot: datetime | None = Field(None, description="start of a slot from the fulfilment options")
    address_line: str = Field("", max_length=255)
    address_city: str = Field("", max_length=120)
    address_postcode: str = Field("", max_length=20)
    latitude: float | None = Field(None, ge=-90, le=90, allow_inf_nan=False)
    longitude: float | None = Field(None, ge=-180, le=180, allow_inf_nan=False)
    email: str = Field("", max_length=254, description="required from a guest; defaults to a signed-in shopper's e-mail")
    name: str = Field(
        "", max_length=120, description="required from a guest; defaults to a signed-in shopper's display name, if they set one"
    )
    phone: str = Field("", max_length=40)
    note: str = Field("", max_length=1000)
    payment_provider: str = Field(..., max_length=40)
    card: CardIn | None = None


class PayIn(Schema):
    card: CardIn | None = None


class OrderSummaryOut(Schema):
    number: str
    token: uuid.UUID
    status: str
    currency: str
    subtotal: Decimal
    fulfilment_fee: Decimal
    tax_included: Decimal
    total: Decimal
    pickup_code: str
    order_url: str
    payment_due_by: datetime | None
    payment_status: str
    payment_message: str = Field("", description="why the last payment attempt failed, if it did")


class LocationOptionOut(Schema):
    id: int
    name: str
    address: str
    city: str
    postcode: str
    latitude: float
    longitude: float
    pickup_enabled: bool
    pickup_preparation_minutes: int
    pickup_slots: list[datetime]
    delivery_enabled: bool
    delivery_radius_km: Decimal
    delivery_fee: Decimal
    shipping_enabled: bool
    shipping_fee: Decimal


class ProviderOut(Schema):
    name: str
    label: str
    description: str
    needs_card: bool
    pickup_only: bool


class FulfilmentOut(Schema):
    shop_slug: str
    currency: str
    methods: list[MethodOut]
    locations: list[LocationOptionOut]
    payment_providers: list[ProviderOut]


def _cart_out(summary: selectors.CartSummary) -> dict:
    cart = summary.cart
    return {
        "token": cart.token if cart is not None and cart.user_id is None else None,
        "item_count": summary.item_count,
        "shops": [
            {
                "shop_id": group.shop.pk,
                "shop_slug": group.shop.slug,
                "shop_name": group.shop.name,
                "currency": group.currency,
                "subtotal": group.subtotal,
                "methods": [vars(offer) for offer in group.methods],
                "lines": [
                    {
                        "id": view.line.pk,
                        "variant_id": view.variant.pk,
                        "product_title": view.product.title,
                        "variant_title": view.variant.title,
                        "sku": view.variant.sku,
                        "unit_price": view.variant.price,
                        "quantity": view.line.quantity,
                        "line_total": view.line_total,
                        "purchasable": view.purchasable,
                    }
                    for view in group.lines
                ],
            }
            for group in summary.groups
        ],
    }


def _existing_cart(request):
    cart = selectors.find_cart(user=request.auth, token=request.headers.get(CART_HEADER))
    if cart is None:
        raise NotFound("You have no cart; add an item first (guests: send the X-Cart-Token header).")
    return cart


def _respond_with_cart(cart, response: HttpResponse) -> dict:
    if cart is not None and cart.user_id is None:
        response[CART_HEADER] = str(cart.token)
    return _cart_out(selectors.cart_summary(cart))


def _summary(order: Order) -> dict:
    payment = latest_payment(order)
    return {
        "number": order.number,
        "token": order.token,
        "status": order.status,
        "currency": order.currency,
        "subtotal": order.subtotal,
        "fulfilment_fee": order.fulfilment_fee,
        "tax_included": order.tax_included,
        "total": order.total,
        "pickup_code": order.pickup_code,
        "order_url": f"/orders/{order.token}/",
        "payment_due_by": order.payment_due_by,
        "payment_status": payment.status if payment else "",
        "payment_message": last_authorization_error(order) if payment and payment.status == PaymentStatus.PENDING else "",
    }


@router.get("", response={200: CartOut, **ERRORS}, summary="Your cart, grouped by shop")
def get_cart(request, response: HttpResponse):
    token = request.headers.get(CART_HEADER)
    cart = selectors.find_cart(user=request.auth, token=token)
    if cart is None and token and not request.auth.is_authenticated:
        raise NotFound("No cart with that token.")
    return _respond_with_cart(cart, response)


@router.post(
    "/lines",
    response={201: CartOut, **ERRORS},
    summary="Add an item (creates the cart; a guest gets its token back)",
)
def add_line(request, payload: AddLineIn, response: HttpResponse):
    line = services.add_to_cart(
        user=request.auth, token=request.headers.get(CART_HEADER), variant_id=payload.variant_id, quantity=payload.quantity
    )
    return 201, _respond_with_cart(line.cart, response)


@router.patch("/lines/{line_id}", response={200: CartOut, **ERRORS}, summary="Change a line's quantity")
def update_line(request, payload: QuantityIn, response: HttpResponse, line_id: int = Path(..., ge=1, le=MAX_ID)):
    cart = _existing_cart(request)
    services.set_line_quantity(cart, line_id=line_id, quantity=payload.quantity)
    return _respond_with_cart(cart, response)


@router.delete("/lines/{line_id}", response={200: CartOut, **ERRORS}, summary="Remove a line")
def delete_line(request, response: HttpResponse, line_id: int = Path(..., ge=1, le=MAX_ID)):
    cart = _existing_cart(request)
    services.remove_line(cart, line_id=line_id)
    return _respond_with_cart(cart, response)


@router.post(
    "/checkout",
    response={200: OrderSummaryOut, 201: OrderSummaryOut, 402: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Check out one shop's items",
    description=(
        "Needs an `Idempotency-Key` header: the same key sent again returns the same order (200) "
        "instead of placing another. 402: the card was declined (the order is kept as failed). "
        "409 `out_of_stock`: nothing was written. A retryable payment error returns 201 with status "
        "`pending_payment` and `payment_message`; retry with `POST /cart/orders/{token}/pay` "
        "before `payment_due_by`."
    ),
)
def checkout(
    request,
    payload: CheckoutIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", max_length=100),
):
    cart = _existing_cart(request)
    shop = selectors.shop_for_checkout(payload.shop_slug)
    if shop is None:
        raise NotFound("No such shop.")
    details = services.CheckoutDetails(
        **payload.model_dump(exclude={"shop_slug", "card"}),
        payment_details=payload.card.model_dump() if payload.card else {},
    )
    result = services.place_order(
        cart=cart, shop=shop, details=details, idempotency_key=idempotency_key, user=request.auth
    )
    return (201 if result.created else 200), _summary(result.order)


@router.post(
    "/orders/{order_token}/pay",
    response={200: OrderSummaryOut, 402: ErrorOut, 409: ErrorOut, **ERRORS},
    summary="Try an order's payment again (after a retryable error)",
)
def pay(request, payload: PayIn, order_token: uuid.UUID):
    order = services.pay_order(
        order_token=order_token, payment_details=payload.card.model_dump() if payload.card else {}, user=request.auth
    )
    return _summary(order)


@router.get(
    "/shops/{shop_slug}/fulfilment",
    response={200: FulfilmentOut, **ERRORS},
    summary="How a shop can hand over an order: locations, pick-up slots, delivery, shipping",
)
def fulfilment(request, shop_slug: str = Path(..., max_length=140, pattern=SLUG_PATTERN)):
    shop = selectors.shop_for_checkout(shop_slug)
    if shop is None:
        raise NotFound("No such shop.")
    options = selectors.fulfilment_options(shop)
    return {
        "shop_slug": shop.slug,
        "currency": shop.currency,
        "methods": [vars(offer) for offer in options.methods],
        "locations": [
            {**{name: getattr(choice.location, name) for name in LocationOptionOut.model_fields if name != "pickup_slots"},
             "pickup_slots": choice.pickup_slots}
            for choice in options.locations
        ],
        "payment_providers": [
            {
                "name": provider.name,
                "label": provider.label,
                "description": provider.description,
                "needs_card": provider.needs_card,
                "pickup_only": provider.pickup_only,
            }
            for provider in all_providers()
        ],
    }
