"""Statements the ORM builds once and that later calls only bind new values to.

Building a statement with the ORM (resolving filters and joins, compiling them to SQL,
quoting names) costs several times the CPU of running it: reading a cart's lines with
their items takes ~1.2 ms to build and ~0.2 ms to run; an INSERT ~0.2 ms against ~0.05 ms.
A checkout runs some twenty statements, and building them was most of its Python
(docs/benchmarks.md). The hot paths therefore keep the ORM's statements but build each
one once per database:

- :class:`CompiledQuery` wraps a function that returns a QuerySet (``values_list`` rows,
  a ``delete`` or an ``update``) from keyword arguments. It is called once per database
  and shape with stand-in values; where each stand-in lands among the SQL's parameters
  says where later arguments go. Arguments are ints or strings, or lists of them (each
  length compiles once); a value the ORM would rewrite (``contains`` wraps it in ``%``)
  is refused when the statement is built, so a stand-in never passes for a constant.
- :func:`insert` saves new instances of one model in one ``INSERT … RETURNING``, as
  ``bulk_create`` does (no signals either), with the SQL built once per row count.

Deletes and updates run as ``QuerySet._raw_delete`` and ``update`` would: no signals, no
cascades, so they are for rows nothing else points at.
"""

from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cache
from itertools import count

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.sql import DeleteQuery, UpdateQuery

SELECT, DELETE, UPDATE = "select", "delete", "update"
MAX_STATEMENTS_PER_QUERY = 64
MAX_ROWS_PER_INSERT = 100
# Far from any id or text the application stores, so a stand-in cannot pass for a constant.
_INT_STAND_INS = count(-(2**62), -1)


class _Statement:
    """One compiled statement: its SQL, where each parameter comes from, and converters."""

    def __init__(self, sql: str, sources: list, converters: list):
        self.sql = sql
        # Per parameter: (argument name, list index or None), or ("", constant).
        self.sources = sources
        self.converters = converters

    def bind(self, arguments: dict) -> list:
        params = []
        for name, where in self.sources:
            if not name:
                params.append(where)
            elif where is None:
                params.append(arguments[name])
            else:
                params.append(arguments[name][where])
        return params


def _stand_in(value, name: str, index: int | None):
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"compiled statements take ints and strings; {name} is {type(value).__name__}")
    if isinstance(value, int):
        return next(_INT_STAND_INS)
    return f"\x1fstand-in {name} {index}\x1f"


def statement_cursor(connection):
    """A cursor for the hot paths' statements, kept for the next one while the connection
    (and whether it logs queries) stays the same: a fresh psycopg cursor spends ~40 µs
    setting itself up on its first statement, a fifth of a short statement's CPU. Results
    are read at once, so one cursor serves one statement after the other."""
    kept = getattr(connection, "plaza_statement_cursor", None)
    if kept is not None:
        raw, logged, cursor = kept
        same_connection = raw is connection.connection and logged == connection.queries_logged
        if same_connection and not getattr(cursor.cursor, "closed", False):
            return cursor
    cursor = connection.cursor()
    connection.plaza_statement_cursor = (connection.connection, connection.queries_logged, cursor)
    return cursor


def _shape(arguments: dict) -> tuple:
    return tuple(
        (name, len(value) if isinstance(value, list | tuple) else None) for name, value in sorted(arguments.items())
    )


class CompiledQuery:
    """``build(**arguments)`` returns the QuerySet of ``model`` to run; see the module's docstring.

    ``kind`` is SELECT (calling it returns the rows of a ``values_list``), DELETE (the
    number deleted) or UPDATE (``build`` returns the QuerySet and the values to set; the
    number updated).
    """

    def __init__(self, model: type[Model], build: Callable, kind: str = SELECT):
        self.model = model
        self.build = build
        self.kind = kind
        # By shape: each length of a list argument is a statement of its own, so only the
        # most recently used are kept (a cart of any size must not grow memory for good).
        self._statements: OrderedDict[tuple, _Statement] = OrderedDict()

    def __call__(self, **arguments):
        alias = router.db_for_read(self.model) if self.kind == SELECT else router.db_for_write(self.model)
        key = (alias, _shape(arguments))
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = self._compile(alias, arguments)
            if len(self._statements) > MAX_STATEMENTS_PER_QUERY:
                self._statements.popitem(last=False)
        else:
            self._statements.move_to_end(key)
        connection = connections[alias]
        cursor = statement_cursor(connection)
        cursor.execute(statement.sql, statement.bind(arguments))
        if self.kind != SELECT:
            return cursor.rowcount
        rows = cursor.fetchall()
        if not statement.converters:
            return rows
        return [_converted(row, statement.converters, connection) for row in rows]

    def _compile(self, alias: str, arguments: dict) -> _Statement:
        stand_ins, where_from = {}, {}
        for name, value in arguments.items():
            if isinstance(value, list | tuple):
                if not value:
                    raise ValueError(f"{name} is empty: there is nothing to compile a statement for")
                stand_ins[name] = [_stand_in(item, name, index) for index, item in enumerate(value)]
                where_from.update({stand_in: (name, index) for index, stand_in in enumerate(stand_ins[name])})
            else:
                stand_ins[name] = _stand_in(value, name, None)
                where_from[stand_ins[name]] = (name, None)
        built = self.build(**stand_ins)
        queryset, values = built if self.kind == UPDATE else (built, None)
        if queryset.model is not self.model:
            raise TypeError(f"the statement reads {queryset.model.__name__}, not {self.model.__name__}")
        compiler = self._compiler(queryset, values, alias)
        sql, params = compiler.as_sql()
        converters = []
        if self.kind == SELECT:
            # The selected columns' converters turn what the driver returns into the
            # fields' Python values (a price on SQLite, say).
            selected = [column for column, _, _ in compiler.select[: compiler.col_count]]
            converters = list(compiler.get_converters(selected).items())
        texts = [str(stand_in) for stand_in in where_from]
        sources, seen = [], set()
        for param in params:
            source = where_from.get(param) if isinstance(param, int | str) and not isinstance(param, bool) else None
            if source is None:
                if isinstance(param, str) and any(text in param for text in texts):
                    raise ValueError(f"the ORM rewrote an argument ({param!r}): it cannot be bound later")
                sources.append(("", param))
            else:
                sources.append(source)
                seen.add(source[0])
        missing = set(arguments) - seen
        if missing:
            raise ValueError(f"arguments not found in the compiled statement: {sorted(missing)}")
        return _Statement(sql, sources, converters)

    def _compiler(self, queryset: QuerySet, values: dict | None, alias: str):
        if self.kind == SELECT:
            return queryset.query.get_compiler(alias)
        if self.kind == DELETE:
            query = queryset.query.clone()
            query.__class__ = DeleteQuery
            return query.get_compiler(alias)
        query = queryset.query.chain(UpdateQuery)
        query.add_update_values(values)
        return query.get_compiler(alias)


def _converted(row: tuple, converters: list, connection) -> tuple:
    values = list(row)
    for position, (functions, expression) in converters:
        value = values[position]
        for function in functions:
            value = function(value, expression, connection)
        values[position] = value
    return tuple(values)


_INSERTS: dict[tuple, tuple] = {}


@cache
def _inserted_fields(model: type[Model]) -> list:
    """The columns an INSERT of ``model`` writes: all but those the database fills in."""
    opts = model._meta
    return [field for field in opts.concrete_fields if not field.generated and field is not opts.auto_field]


def _insert_statement(model: type[Model], rows: int, connection):
    """The INSERT of ``rows`` new rows of ``model``, returning what the database sets (the id)."""
    if not connection.features.can_return_rows_from_bulk_insert:
        raise RuntimeError(f"{connection.vendor} cannot insert several rows and return their ids in one statement")
    opts = model._meta
    fields = _inserted_fields(model)
    if any(hasattr(field, "get_placeholder") for field in fields):
        raise TypeError(f"{model.__name__} has a field with its own placeholder: save it with the ORM")
    ops = connection.ops
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    returning_sql, returning_params = ops.return_insert_columns(opts.db_returning_fields)
    if returning_params:
        raise TypeError(f"{model.__name__}: returned columns that take parameters are not supported")
    values = ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * rows)
    sql = f"INSERT INTO {ops.quote_name(opts.db_table)} ({columns}) {values} {returning_sql}"
    return sql, fields, opts.db_returning_fields


def insert(objs: Sequence[Model]) -> Sequence[Model]:
    """Save new instances of one model and set their primary keys (and other fields the
    database returns): ``bulk_create``'s job, in as few statements as the database's limit
    on parameters allows (as ``bulk_create`` splits them), each built once per row count."""
    if not objs:
        return objs
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    # At most MAX_ROWS_PER_INSERT a statement: one statement is built per row count.
    allowed = connection.ops.bulk_batch_size(_inserted_fields(model), objs) or len(objs)
    rows_per_statement = min(allowed, MAX_ROWS_PER_INSERT)
    for start in range(0, len(objs), rows_per_statement):
        _insert_rows(objs[start : start + rows_per_statement], model, alias, connection)
    return objs


def _insert_rows(objs: Sequence[Model], model: type[Model], alias: str, connection) -> None:
    key = (alias, model, len(objs))
    if key not in _INSERTS:
        _INSERTS[key] = _insert_statement(model, len(objs), connection)
    sql, fields, returning = _INSERTS[key]
    params = []
    for obj in objs:
        for field in fields:
            value = field.pre_save(obj, True)
            if hasattr(value, "resolve_expression"):
                raise TypeError(f"{model.__name__}.{field.name}: an expression cannot be inserted by compiled.insert")
            params.append(field.get_db_prep_save(value, connection))
    cursor = statement_cursor(connection)
    cursor.execute(sql, params)
    rows = cursor.fetchall()
    for obj, row in zip(objs, rows, strict=True):
        for field, value in zip(returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = alias
