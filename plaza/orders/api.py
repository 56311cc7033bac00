"""/api/v1/orders/: the shopper's orders, and a shop's orders with the actions that move them."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, anyone, signed_in
from plaza.core.errors import NotFound
from plaza.orders import selectors, services
from plaza.orders.models import Order, OrderStatus
from plaza.shops.models import Shop
from plaza.core.pagination import BoundedPagination
from plaza.shops.permissions import ShopAction, authorize

router = Router(tags=["orders"])

MAX_ID = 2**63 - 1
OrderId = Annotated[int, Path(ge=1, le=MAX_ID)]
FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ACTION_FAILURES = {**FAILURES, 402: ErrorOut}
READ_FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- schemas --------------------------------------------------------------------------


class OrderLineOut(Schema):
    product_title: str
    variant_title: str
    sku: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal


class OrderHistoryOut(Schema):
    id: int
    from_status: str
    to_status: str
    note: str
    created_at: datetime


class OrderListItemOut(Schema):
    id: int
    number: str
    token: UUID
    shop_slug: str = Field(alias="shop.slug")
    shop_name: str = Field(alias="shop.name")
    status: str
    status_label: str
    fulfilment_method: str
    currency: str
    total: Decimal
    created_at: datetime
    order_url: str

    @staticmethod
    def resolve_status_label(order: Order) -> str:
        return order.get_status_display()

    @staticmethod
    def resolve_order_url(order: Order) -> str:
        return f"/orders/{order.token}/"


class OrderDetailOut(OrderListItemOut):
    lines: list[OrderLineOut]
    subtotal: Decimal
    fulfilment_fee: Decimal
    tax_included: Decimal
    refunded_total: Decimal
    location_name: str = Field(alias="location.name")
    location_address: str = Field(alias="location.address")
    pickup_slot_start: datetime | None
    address_line: str
    address_city: str
    address_postcode: str
    history: list[OrderHistoryOut]

    @staticmethod
    def resolve_lines(order: Order) -> list:
        return list(order.lines.all())

    @staticmethod
    def resolve_history(order: Order) -> list:
        return list(order.status_changes.all())


class ShopperOrderOut(OrderDetailOut):
    pickup_code: str | None = Field(description="Shown at the counter to collect a pick-up order.")

    @staticmethod
    def resolve_pickup_code(order: Order) -> str | None:
        return order.pickup_code if selectors.pickup_code_in_use(order) else None


class MerchantOrderOut(OrderDetailOut):
    """What the shop sees: the customer's contact, and money captured; never the pick-up code."""

    customer_name: str
    email: str
    phone: str
    note: str
    captured_total: Decimal
    refundable: Decimal

    @staticmethod
    def resolve_captured_total(order: Order) -> Decimal:
        return selectors.captured_amount(order)

    @staticmethod
    def resolve_refundable(order: Order) -> Decimal:
        return selectors.refundable_amount(order)


class OrderEventsOut(Schema):
    status: str
    changes: list[OrderHistoryOut]


class ShopperCancelIn(Schema):
    reason: str = Field("", max_length=services.MAX_CUSTOMER_REASON_LENGTH, description="Optional; the shop reads it.")


class ShopOrdersFilter(Schema):
    status: OrderStatus | None = None


class CompleteOrderIn(Schema):
    pickup_code: str = Field("", max_length=20, description="Required for pick-up orders: the customer's 6-digit code.")


class CancelOrderIn(Schema):
    reason: str = Field(..., max_length=services.MAX_REASON_LENGTH, description="Shown to the customer.")
    restock: bool = Field(True, description="False for damaged goods: the units do not go back on the shelf.")


class RefundOrderIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=12, decimal_places=2)


# --- the shopper ----------------------------------------------------------------------


@router.get("/", response={200: list[OrderListItemOut], **READ_FAILURES}, auth=signed_in, summary="My orders")
@paginate(BoundedPagination)
def my_orders(request: HttpRequest):
    return selectors.orders_of_customer(request.auth)


@router.get("/{token}", response={200: ShopperOrderOut, 404: ErrorOut}, auth=anyone, summary="An order by its token")
def order_by_token(request: HttpRequest, token: str):
    return selectors.order_for_token(token)


@router.get(
    "/{token}/events",
    response={200: OrderEventsOut, 404: ErrorOut, 422: ErrorOut},
    auth=anyone,
    summary="Status changes after an id (polling fallback for clients without WebSockets)",
)
def order_events(request: HttpRequest, token: str, after: int = Query(0, ge=0, le=MAX_ID)):
    order = selectors.order_for_token(token)
    return {"status": order.status, "changes": list(selectors.status_changes_after(order, after))}


@router.post(
    "/{token}/cancel",
    response={200: ShopperOrderOut, 401: ErrorOut, 402: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    auth=anyone,
    summary="Cancel my order while the shop has not started on it (awaiting payment or new)",
)
def cancel_my_order(request: HttpRequest, token: str, payload: ShopperCancelIn):
    services.cancel_by_customer(selectors.order_for_token(token), user=request.auth, reason=payload.reason)
    return selectors.order_for_token(token)


# --- the shop -------------------------------------------------------------------------


def _shop(request: HttpRequest, slug: str) -> Shop:
    shop = Shop.objects.filter(slug=slug).first()
    if shop is None:
        raise NotFound("No such shop.")
    authorize(request.auth, shop, ShopAction.VIEW)
    return shop


@router.get(
    "/shops/{shop_slug}/orders",
    response={200: list[MerchantOrderOut], **READ_FAILURES},
    auth=signed_in,
    summary="A shop's orders, newest first",
)
@paginate(BoundedPagination)
def shop_orders(request: HttpRequest, shop_slug: str, filters: ShopOrdersFilter = Query(...)):
    return selectors.orders_of_shop(_shop(request, shop_slug), status=filters.status)


@router.get(
    "/shops/{shop_slug}/orders/{order_id}",
    response={200: MerchantOrderOut, **READ_FAILURES},
    auth=signed_in,
    summary="One of a shop's orders",
)
def shop_order(request: HttpRequest, shop_slug: str, order_id: OrderId):
    return selectors.order_of_shop(_shop(request, shop_slug), order_id)


def _act(request: HttpRequest, shop_slug: str, order_id: int, action, **arguments) -> Order:
    shop = _shop(request, shop_slug)
    action(selectors.order_of_shop(shop, order_id), actor=request.auth, **arguments)
    return selectors.order_of_shop(shop, order_id)


ACTION_PATH = "/shops/{shop_slug}/orders/{order_id}/"


@router.post(ACTION_PATH + "accept", response={200: MerchantOrderOut, **ACTION_FAILURES}, auth=signed_in, summary="Accept")
def accept(request: HttpRequest, shop_slug: str, order_id: OrderId):
    return _act(request, shop_slug, order_id, services.accept)


@router.post(
    ACTION_PATH + "dispatch",
    response={200: MerchantOrderOut, **ACTION_FAILURES},
    auth=signed_in,
    summary="Ready for pick-up, out for delivery or shipped, by fulfilment method",
)
def dispatch(request: HttpRequest, shop_slug: str, order_id: OrderId):
    return _act(request, shop_slug, order_id, services.dispatch)


@router.post(
    ACTION_PATH + "complete",
    response={200: MerchantOrderOut, **ACTION_FAILURES},
    auth=signed_in,
    summary="Hand over (pick-up code required for pick-up) and capture the payment",
)
def complete(request: HttpRequest, shop_slug: str, order_id: OrderId, payload: CompleteOrderIn):
    return _act(request, shop_slug, order_id, services.complete, pickup_code=payload.pickup_code)


@router.post(
    ACTION_PATH + "cancel",
    response={200: MerchantOrderOut, **ACTION_FAILURES},
    auth=signed_in,
    summary="Cancel with a reason; restock unless restock is false; void or refund the payment",
)
def cancel(request: HttpRequest, shop_slug: str, order_id: OrderId, payload: CancelOrderIn):
    return _act(request, shop_slug, order_id, services.cancel, reason=payload.reason, restock=payload.restock)


@router.post(
    ACTION_PATH + "refund",
    response={200: MerchantOrderOut, **ACTION_FAILURES},
    auth=signed_in,
    summary="Refund part or all of what was captured (owners only)",
)
def refund(request: HttpRequest, shop_slug: str, order_id: OrderId, payload: RefundOrderIn):
    return _act(request, shop_slug, order_id, services.refund, amount=payload.amount)
