"""Every change to stock. Correct under concurrency without application-level locks:

each change is a single conditional ``UPDATE`` (``... WHERE quantity - reserved >= n``)
that the database applies atomically: PostgreSQL re-checks the condition against the
latest row version, SQLite serialises writers. The check constraint
``stock_never_oversold`` is the last line of defence.
"""

from functools import cache

from django.db import connection, transaction

from plaza.core.compiled import CompiledQuery, insert, statement_cursor
from plaza.core.errors import InvalidInput, OutOfStock
from plaza.core.outbox import record_events
from plaza.inventory.models import MovementReason, Reservation, Stock, StockMovement

MAX_ADJUSTMENT = 1_000_000


def get_or_create_stock(*, variant, location) -> Stock:
    if variant.product.shop_id != location.shop_id:
        raise InvalidInput("That location belongs to another shop.", fields={"location_id": ["not this shop's location"]})
    stock, _ = Stock.objects.get_or_create(variant=variant, location=location)
    return stock


def _stock_changed(stock: Stock, shop_id: int) -> tuple[str, dict]:
    """The event of a change to the units a shopper can buy, for ``record_events``."""
    return (
        "stock.changed",
        {
            "shop_id": shop_id,
            "variant_id": stock.variant_id,
            "location_id": stock.location_id,
            "available": stock.quantity - stock.reserved,
        },
    )


@cache
def _change_sql(vendor: str) -> str:
    table, quantity, reserved, id_, variant, location = (
        connection.ops.quote_name(name) for name in (Stock._meta.db_table, "quantity", "reserved", "id", "variant_id", "location_id")
    )
    return (
        f"UPDATE {table} SET {quantity} = {quantity} + %s, {reserved} = {reserved} + %s "
        f"WHERE {id_} = %s AND {quantity} + %s >= {reserved} + %s RETURNING {quantity}, {reserved}, {variant}, {location}"
    )


def _change(stock: Stock, *, quantity: int = 0, reserved: int = 0) -> bool:
    """Add ``quantity`` and ``reserved`` to the row, unless it would then hold fewer units
    than are reserved; False if so. One statement that also reads the row back into
    ``stock`` (``UPDATE … RETURNING``, which the ORM's ``update()`` cannot do), so that a
    ``Stock(pk=…)`` is enough to start from."""
    cursor = statement_cursor(connection)
    cursor.execute(_change_sql(connection.vendor), [quantity, reserved, stock.pk, quantity, reserved])
    row = cursor.fetchone()
    if row is None:
        return False
    stock.quantity, stock.reserved, stock.variant_id, stock.location_id = row
    return True


def _movement(stock: Stock, delta: int, reason: str, *, note: str = "", actor=None, order=None) -> StockMovement:
    """The log line of a change ``stock`` already holds the new values of."""
    return StockMovement(
        stock=stock, delta=delta, quantity_after=stock.quantity, reason=reason, note=note[:255], actor=actor, order=order
    )


def _log(stock: Stock, shop_id: int, delta: int, reason: str, **details) -> StockMovement:
    """Log a change ``stock`` already holds the new values of, and announce it."""
    movement = _movement(stock, delta, reason, **details)
    movement.save()
    record_events(_stock_changed(stock, shop_id))
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
    return _log(stock, location.shop_id, delta, reason, note=note, actor=actor)


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
    return _log(stock, location.shop_id, delta, reason, note=note, actor=actor)


_STOCK_IDS = CompiledQuery(
    Stock,
    lambda location_id, variant_ids: Stock.objects.filter(location_id=location_id, variant_id__in=variant_ids).values_list(
        "variant_id", "pk"
    ),
)


def shortage(product_title: str, left: int, *, at: str = "") -> OutOfStock:
    """The refusal of a checkout that wants more of an item than ``left`` (at a location, if named)."""
    where = f" at {at}" if at else ""
    return OutOfStock(f"Only {max(left, 0)} of “{product_title}” left{where}.", fields={"variant_id": ["out of stock"]})


def reserve(order_lines, location, *, stock_ids: dict[int, int] | None = None) -> None:
    """Hold the units of an order's lines at ``location``; OutOfStock if one falls short.

    ``stock_ids``: each line's variant's stock row at ``location``, when the caller read
    them already. Must run inside the checkout's transaction, which an OutOfStock then
    rolls back.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("reserve() must run inside the checkout transaction")
    if stock_ids is None:
        stock_ids = dict(_STOCK_IDS(location_id=location.pk, variant_ids=[line.variant_id for line in order_lines]))
    missing = next((line for line in order_lines if line.variant_id not in stock_ids), None)
    if missing is not None:
        raise shortage(missing.product_title, 0)
    insert([Reservation(stock_id=stock_ids[line.variant_id], order_line=line, quantity=line.quantity) for line in order_lines])
    # The reserving UPDATEs lock their rows until the checkout commits: they come last, so
    # the next buyer of these items waits as briefly as possible, and in one global order
    # (by stock row) so that two carts sharing items cannot deadlock.
    changes = []
    for line in sorted(order_lines, key=lambda line: stock_ids[line.variant_id]):
        stock = Stock(pk=stock_ids[line.variant_id])
        if not _change(stock, reserved=line.quantity):
            on_hand, reserved = Stock.objects.filter(pk=stock.pk).values_list("quantity", "reserved").first() or (0, 0)
            raise shortage(line.product_title, on_hand - reserved)
        changes.append(_stock_changed(stock, location.shop_id))
    record_events(*changes)


@cache
def _take_reservations_sql(vendor: str) -> str:
    reservations, stock, quantity, order_line, lines, id_, order = (
        connection.ops.quote_name(name)
        for name in (
            Reservation._meta.db_table, "stock_id", "quantity", "order_line_id",
            Reservation.order_line.field.related_model._meta.db_table, "id", "order_id",
        )
    )
    return (
        f"DELETE FROM {reservations} WHERE {order_line} IN (SELECT {id_} FROM {lines} WHERE {order} = %s) "
        f"RETURNING {stock}, {quantity}"
    )


def _take_reservations(order) -> list[tuple[int, int]]:
    """Delete the order's reservations: (stock id, units) of each, by stock row (the global
    order of locking). One ``DELETE … RETURNING``, which the ORM's ``delete()`` cannot do."""
    cursor = statement_cursor(connection)
    cursor.execute(_take_reservations_sql(connection.vendor), [order.pk])
    return sorted(cursor.fetchall())


# No savepoint of their own: a failure here must undo the whole settlement around them.
@transaction.atomic(savepoint=False)
def release_reservations(order) -> int:
    """Give back units held for an order whose payment failed or lapsed."""
    released, changes = 0, []
    for stock_id, units in _take_reservations(order):
        stock = Stock(pk=stock_id)
        _change(stock, reserved=-units)
        changes.append(_stock_changed(stock, order.shop_id))
        released += units
    if changes:
        record_events(*changes)
    return released


@transaction.atomic(savepoint=False)
def commit_reservations(order) -> None:
    """The payment went through: reserved units leave the shelf as a sale.

    What a shopper can buy does not change (on hand and reserved go down together), so
    nothing is announced: the reservation already was.
    """
    movements = []
    for stock_id, units in _take_reservations(order):
        stock = Stock(pk=stock_id)
        _change(stock, quantity=-units, reserved=-units)
        movements.append(_movement(stock, -units, MovementReason.SALE, order=order))
    insert(movements)


@transaction.atomic
def restock_order(order, *, actor=None) -> int:
    """Put a cancelled order's units back on the shelf of the location that sold them."""
    restocked = 0
    for line in order.lines.select_related("variant__product").filter(variant__isnull=False):
        stock = get_or_create_stock(variant=line.variant, location=order.location)
        _change(stock, quantity=line.quantity)
        _log(
            stock, order.shop_id, line.quantity, MovementReason.RESTOCK,
            note=f"order {order.number} cancelled", actor=actor, order=order,
        )
        restocked += line.quantity
    return restocked
