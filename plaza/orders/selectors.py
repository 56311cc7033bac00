"""Reads of orders for the shopper's pages, the merchant's board and the API."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from plaza.core.errors import NotFound
from plaza.core.money import quantize
from plaza.orders.models import FulfilmentMethod, Order, OrderStatus, OrderStatusChange
from plaza.orders import services
from plaza.payments.models import Payment

S = OrderStatus

# Orders the shop has to act on or has finished; orders still awaiting payment (or whose
# payment failed) are the checkout's business and stay off the board.
VISIBLE_TO_SHOP = (S.NEW, S.ACCEPTED, S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY, S.SHIPPED, S.COMPLETED, S.CANCELLED)
VISIBLE_TO_SHOPPER = (*VISIBLE_TO_SHOP, S.PENDING_PAYMENT, S.PAYMENT_FAILED)
# The shop has not started on these yet, so the shopper may still call them off.
CANCELLABLE_BY_SHOPPER = (S.PENDING_PAYMENT, S.NEW)


@dataclass(frozen=True)
class BoardColumn:
    key: str
    title: str
    statuses: tuple[str, ...]


FINISHED = (S.COMPLETED, S.CANCELLED)
BOARD_COLUMNS = (
    BoardColumn("new", "New", (S.NEW,)),
    BoardColumn("accepted", "Accepted", (S.ACCEPTED,)),
    BoardColumn("on_the_way", "Ready · out · shipped", (S.READY_FOR_PICKUP, S.OUT_FOR_DELIVERY, S.SHIPPED)),
    BoardColumn("done", "Done", FINISHED),
)
# Finished orders pile up; without a date filter the board shows the latest ones and
# links to finished_orders for the rest.
DONE_COLUMN_LIMIT = 30

DISPATCH_LABELS = {
    FulfilmentMethod.PICKUP: "Ready for pick-up",
    FulfilmentMethod.DELIVERY: "Out for delivery",
    FulfilmentMethod.SHIPPING: "Shipped",
}


def board_column(status: str) -> str | None:
    return next((column.key for column in BOARD_COLUMNS if status in column.statuses), None)


def _with_captured(orders: QuerySet[Order]) -> QuerySet[Order]:
    captured = (
        Payment.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(total=Sum("captured_amount"))
        .values("total")
    )
    return orders.annotate(
        captured_total=Coalesce(captured, Value(Decimal("0.00")), output_field=DecimalField(max_digits=12, decimal_places=2))
    )


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return _with_captured(
        orders.select_related("shop", "location", "customer").prefetch_related(
            "lines", Prefetch("status_changes", queryset=OrderStatusChange.objects.select_related("actor"))
        )
    )


def captured_amount(order: Order) -> Decimal:
    """What the order's payments collected; from the list's annotation when it has one."""
    captured = getattr(order, "captured_total", None)
    if captured is None:
        captured = Payment.objects.filter(order=order).aggregate(total=Sum("captured_amount"))["total"]
    # SQLite hands back sums of decimals with float noise; money is kept to the cent.
    return quantize(Decimal(captured or 0))


def refundable_amount(order: Order) -> Decimal:
    return max(captured_amount(order) - order.refunded_total, Decimal("0.00"))


def orders_of_customer(user) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer=user, status__in=VISIBLE_TO_SHOPPER)
        .select_related("shop")
        .prefetch_related("lines")
        .order_by("-created_at", "-id")
    )


def belongs_to(order: Order, user) -> bool:
    """A guest order is its token holder's; a signed-in shopper's order is theirs alone."""
    return order.customer_id is None or order.customer_id == getattr(user, "pk", None)


def shopper_may_cancel(order: Order, user) -> bool:
    """Whether the order page offers ``user`` the cancel button; the service checks again."""
    return order.status in CANCELLABLE_BY_SHOPPER and belongs_to(order, user)


def order_for_token(token) -> Order:
    """The order a token opens; NotFound for a malformed or unknown token."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        raise NotFound("No order has that reference.") from None
    order = _with_details(Order.objects.filter(token=token)).first()
    if order is None:
        raise NotFound("No order has that reference.")
    return order


def orders_of_shop(shop, *, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.filter(shop=shop, status__in=VISIBLE_TO_SHOP)
    if status:
        orders = orders.filter(status=status)
    return _with_details(orders).order_by("-created_at", "-id")


def order_of_shop(shop, order_id: int) -> Order:
    order = orders_of_shop(shop).filter(pk=order_id).first()
    if order is None:
        raise NotFound("This shop has no such order.")
    return order


def finished_orders(shop, *, status: str | None = None) -> QuerySet[Order]:
    """The shop's completed and cancelled orders, newest first; ``status`` keeps one of them."""
    return orders_of_shop(shop, status=status).filter(status__in=FINISHED)


def board(shop, *, day_from: date | None = None, day_to: date | None = None) -> list[tuple[BoardColumn, list[Order]]]:
    """The board's columns with their orders, newest first, optionally for a date range."""
    orders = orders_of_shop(shop)
    if day_from:
        orders = orders.filter(created_at__date__gte=day_from)
    if day_to:
        orders = orders.filter(created_at__date__lte=day_to)
    filtered = bool(day_from or day_to)
    columns = []
    for column in BOARD_COLUMNS:
        in_column = orders.filter(status__in=column.statuses)
        if column.key == "done" and not filtered:
            in_column = in_column[:DONE_COLUMN_LIMIT]
        columns.append((column, list(in_column)))
    return columns


def status_changes_after(order: Order, after_id: int) -> QuerySet[OrderStatusChange]:
    return order.status_changes.filter(pk__gt=after_id).order_by("id")


@dataclass(frozen=True)
class NextActions:
    accept: bool
    dispatch_label: str | None
    complete: bool
    cancel: bool
    captured: Decimal
    refundable: Decimal


def next_actions(order: Order) -> NextActions:
    """What a shop can do next with the order; the services check again when it is done."""
    moves = services.ALLOWED_MOVES[order.status]
    dispatch_to = services.DISPATCH_STATUS[order.fulfilment_method]
    return NextActions(
        accept=S.ACCEPTED in moves,
        dispatch_label=DISPATCH_LABELS[order.fulfilment_method] if dispatch_to in moves else None,
        complete=S.COMPLETED in moves,
        cancel=S.CANCELLED in moves and order.status != S.PENDING_PAYMENT,
        captured=captured_amount(order),
        refundable=refundable_amount(order),
    )


def order_exists(token) -> bool:
    return Order.objects.filter(token=token).exists()


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    reached: bool
    reached_at: datetime | None = None
    note: str = ""


STEP_LABELS = {S.NEW: "Order placed", S.ACCEPTED: "Accepted by the shop"}


def progress(order: Order) -> list[Step]:
    """The steps of the order's journey, reached or still ahead, for the order page's timeline."""
    changes = {change.to_status: change for change in order.status_changes.all()}
    journey = [S.NEW, S.ACCEPTED, services.DISPATCH_STATUS[order.fulfilment_method], S.COMPLETED]
    if order.status == S.CANCELLED:
        journey = [S.NEW] + [status for status in journey[1:] if status in changes] + [S.CANCELLED]
    current = journey.index(order.status) if order.status in journey else -1
    steps = []
    for position, status in enumerate(journey):
        change = changes.get(status)
        steps.append(
            Step(
                status=status,
                label=STEP_LABELS.get(status, OrderStatus(status).label),
                reached=position <= current,
                # An order is placed when it is created, whether or not it waited for a payment.
                reached_at=change.created_at if change else (order.created_at if status == S.NEW else None),
                note=change.note if change else "",
            )
        )
    return steps


def pickup_code_in_use(order: Order) -> bool:
    """The code matters from the moment the order is confirmed until it is collected."""
    return order.fulfilment_method == FulfilmentMethod.PICKUP and order.status in (S.NEW, S.ACCEPTED, S.READY_FOR_PICKUP)
