"""Every change to stock. Correct under concurrency without application-level locks:

each change is a single conditional ``UPDATE`` (``... WHERE quantity - reserved >= n``)
that the database applies atomically: PostgreSQL re-checks the condition against the
latest row version, SQLite serialises writers. The check constraint
``stock_never_oversold`` is the last line of defence.
"""

from django.db import connection, transaction

from plaza.core.errors import InvalidInput, OutOfStock
from plaza.core.outbox import record_event
from plaza.inventory.models import MovementReason, Reservation, Stock, StockMovement

MAX_ADJUSTMENT = 1_000_000


def get_or_create_stock(*, variant, location) -> Stock:
    if variant.product.shop_id != location.shop_id:
        raise InvalidInput("That location belongs to another shop.", fields={"location_id": ["not this shop's location"]})
    stock, _ = Stock.objects.get_or_create(variant=variant, location=location)
    return stock


def _stock_changed(stock: Stock) -> None:
    record_event(
        "stock.changed",
        {
            "shop_id": stock.location.shop_id,
            "variant_id": stock.variant_id,
            "location_id": stock.location_id,
            "available": stock.quantity - stock.reserved,
        },
    )


def _change(stock: Stock, *, quantity: int = 0, reserved: int = 0) -> bool:
    """Add ``quantity`` and ``reserved`` to the row, unless it would then hold fewer units
    than are reserved; False if so. One statement that also reads the new values back
    into ``stock`` (``UPDATE … RETURNING``, which the ORM's ``update()`` cannot do)."""
    table, quantity_column, reserved_column, id_column = map(
        connection.ops.quote_name, (Stock._meta.db_table, "quantity", "reserved", "id")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quantity_column} = {quantity_column} + %s, {reserved_column} = {reserved_column} + %s "
            f"WHERE {id_column} = %s AND {quantity_column} + %s >= {reserved_column} + %s "
            f"RETURNING {quantity_column}, {reserved_column}",
            [quantity, reserved, stock.pk, quantity, reserved],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    stock.quantity, stock.reserved = row
    return True


def _log(stock: Stock, delta: int, reason: str, *, note: str = "", actor=None, order=None) -> StockMovement:
    """Log a change ``stock`` already holds the new values of."""
    movement = StockMovement.objects.create(
        stock=stock, delta=delta, quantity_after=stock.quantity, reason=reason, note=note[:255], actor=actor, order=order
    )
    _stock_changed(stock)
    return movement


@transaction.atomic
def adjust_stock(*, variant, location, delta: int, reason: str, note: str = "", actor=None) -> StockMovement:
    """Add (or remove, with a negative delta) units on hand, with a reason for the log."""
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_ADJUSTMENT:
        raise InvalidInput("The change must be a non-zero whole number.", fields={"delta": ["non-zero integer"]})
    if reason not in MovementReason.values or reason in (MovementReason.SALE, MovementReason.RESTOCK):
        raise InvalidInput("Choose a reason for the change.", fields={"reason": ["unknown reason"]})
    stock = get_or_create_stock(variant=variant, location=location)
    if not _change(stock, quantity=delta):
        raise InvalidInput(
            "That would leave fewer units than are reserved or on hand.",
            fields={"delta": ["would make stock negative"]},
        )
    return _log(stock, delta, reason, note=note, actor=actor)


@transaction.atomic
def set_stock_quantity(*, variant, location, quantity: int, reason: str = MovementReason.COUNT, note: str = "", actor=None):
    """Set units on hand to ``quantity`` (a stock count or an import); logs the difference."""
    if not isinstance(quantity, int) or quantity < 0 or quantity > MAX_ADJUSTMENT:
        raise InvalidInput("Quantity must be a whole number of 0 or more.", fields={"quantity": ["0 or more"]})
    stock = get_or_create_stock(variant=variant, location=location)
    stock = Stock.objects.select_for_update().get(pk=stock.pk)
    delta = quantity - stock.quantity
    if delta == 0:
        return None
    if quantity < stock.reserved:
        raise InvalidInput(
            f"{stock.reserved} units are reserved by orders awaiting payment.",
            fields={"quantity": [f"at least {stock.reserved}"]},
        )
    Stock.objects.filter(pk=stock.pk).update(quantity=quantity)
    stock.quantity = quantity
    return _log(stock, delta, reason, note=note, actor=actor)


def reserve(*, order_line, stock: Stock, quantity: int) -> Reservation:
    """Hold units for an order line. Must run inside the checkout's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve() must run inside the checkout transaction")
    reservation = Reservation.objects.create(stock=stock, order_line=order_line, quantity=quantity)
    # The reserving UPDATE locks the row until the checkout commits: it comes last, so
    # the next buyer of this item waits as briefly as possible.
    if not _change(stock, reserved=quantity):
        raise OutOfStock(
            f"Only {max(Stock.objects.get(pk=stock.pk).available, 0)} of “{order_line.product_title}” left.",
            fields={"variant_id": ["out of stock"]},
        )
    _stock_changed(stock)
    return reservation


def _reservations_of(order):
    return Reservation.objects.select_related("stock__location", "order_line").filter(order_line__order=order)


# No savepoint of their own: a failure here must undo the whole settlement around them.
@transaction.atomic(savepoint=False)
def release_reservations(order) -> int:
    """Give back units held for an order whose payment failed or lapsed."""
    released = 0
    for reservation in _reservations_of(order):
        _change(reservation.stock, reserved=-reservation.quantity)
        _stock_changed(reservation.stock)
        released += reservation.quantity
        reservation.delete()
    return released


@transaction.atomic(savepoint=False)
def commit_reservations(order) -> None:
    """The payment went through: reserved units leave the shelf as a sale."""
    for reservation in _reservations_of(order):
        _change(reservation.stock, quantity=-reservation.quantity, reserved=-reservation.quantity)
        _log(reservation.stock, -reservation.quantity, MovementReason.SALE, order=order)
        reservation.delete()


@transaction.atomic
def restock_order(order, *, actor=None) -> int:
    """Put a cancelled order's units back on the shelf of the location that sold them."""
    restocked = 0
    for line in order.lines.select_related("variant__product").filter(variant__isnull=False):
        stock = get_or_create_stock(variant=line.variant, location=order.location)
        _change(stock, quantity=line.quantity)
        _log(stock, line.quantity, MovementReason.RESTOCK, note=f"order {order.number} cancelled", actor=actor, order=order)
        restocked += line.quantity
    return restocked
