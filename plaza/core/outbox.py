"""The transactional outbox: how apps react to each other without importing each other.

A service calls :func:`record_event` inside its transaction. After commit, one delivery
task per transaction runs, in the order they were recorded, every subscriber registered
for each event's topic (``@subscriber("order.placed")`` in an app's ``subscribers.py``).
With the database task backend that task row is written in the same transaction as the
events, so a change, its events and their delivery commit together. An event that only
live subscribers hear (``stock.changed``) is not written at all: its pushes need no row.
If the process dies between commit and delivery the event rows are still pending, and
``manage.py deliver_outbox`` (run by the worker at start) picks them up.

A *live* subscriber (``@subscriber("list.changed", live=True)``) pushes to open sockets.
It runs once, in the process that committed, right after the commit: a push is worth
something now, not whenever a task worker next looks (a second, for ``db_worker``). It is
not retried: what a push carries can always be fetched again (a list's operations from
their version, an ask's counts, the notification centre), and a socket that missed one
catches up when it reconnects. A push that guards privacy (a socket losing access), or
that a page could not recover by itself, is registered both ways: at once, and again by
the task, which is retried until it succeeds.
"""

import fnmatch
import logging
import uuid
from collections.abc import Callable
from functools import partial
from importlib import import_module

from django.apps import apps
from django.db import router, transaction
from django.utils import timezone

from plaza.core.compiled import insert
from plaza.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
MAX_ATTEMPTS = 10


class _Registry:
    """Handlers by topic pattern. Every event of every write looks its topic up, so each
    topic's handlers are remembered until the registry changes (topics are a fixed set)."""

    def __init__(self):
        self._entries: list[tuple[str, Handler]] = []
        self._by_topic: dict[str, tuple[Handler, ...]] = {}

    def add(self, pattern: str, handler: Handler, *, first: bool = False) -> None:
        self._entries.insert(0 if first else len(self._entries), (pattern, handler))
        self._by_topic.clear()

    def remove(self, pattern: str, handler: Handler) -> None:
        self._entries.remove((pattern, handler))
        self._by_topic.clear()

    def matching(self, topic: str) -> tuple[Handler, ...]:
        handlers = self._by_topic.get(topic)
        if handlers is None:
            handlers = tuple(handler for pattern, handler in self._entries if fnmatch.fnmatchcase(topic, pattern))
            self._by_topic[topic] = handlers
        return handlers


_subscribers = _Registry()
_live_subscribers = _Registry()


def subscriber(pattern: str, *, live: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for topics matching ``pattern`` (shell-style, e.g. ``order.*``);
    ``live`` for a push to open sockets, run right after commit (see above)."""

    def register(handler: Handler) -> Handler:
        (_live_subscribers if live else _subscribers).add(pattern, handler)
        return handler

    return register


def autodiscover_subscribers() -> None:
    for config in apps.get_app_configs():
        if config.name.startswith("plaza."):
            try:
                import_module(f"{config.name}.subscribers")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.subscribers":
                    raise


def handlers_for(topic: str) -> tuple[Handler, ...]:
    return _subscribers.matching(topic)


def live_handlers_for(topic: str) -> tuple[Handler, ...]:
    return _live_subscribers.matching(topic)


def record_event(topic: str, payload: dict) -> OutboxEvent:
    """Write an event row in the caller's transaction and make sure its transaction's
    delivery task runs once the transaction commits."""
    return record_events((topic, payload))[0]


def record_events(*events: tuple[str, dict]) -> list[OutboxEvent]:
    """:func:`record_event` for several (topic, payload) at once, in one INSERT, delivered in this order.

    An event no durable subscriber listens to is not written: its live pushes, after the
    commit, are all there is to do with it, and they need no row (it comes back unsaved).
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must be called inside the transaction that makes the change")
    recorded = [OutboxEvent(topic=topic, payload=payload) for topic, payload in events]
    durable = [event for event in recorded if handlers_for(event.topic)]
    if durable:
        batch = _batch_for(connection)
        for event in durable:
            event.batch = batch.key
        insert(durable)
        batch.schedule_delivery(connection)
    live = [event for event in recorded if live_handlers_for(event.topic)]
    if live:
        # Registered per call, so that a rolled-back savepoint takes its pushes with it.
        transaction.on_commit(partial(push_live, live), using=connection.alias)
    return recorded


def _tasks_share_the_database(connection) -> bool:
    """Whether the task queue is a table of this same database (the django-tasks database backend)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from plaza.core.tasks import deliver_outbox_batch

    backend = deliver_outbox_batch.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == connection.alias


def _awaits_commit(connection, callback) -> bool:
    """Whether ``callback`` is still registered to run on commit: a rollback (of the
    transaction, or of the savepoint it was registered in) discards it."""
    return any(registered is callback for _, registered, _ in connection.run_on_commit)


class _Delivery:
    """The task that delivers a batch. When the task queue is a table of this database,
    its row is written in the transaction itself, so it commits (or vanishes) with the
    events and costs no commit of its own; otherwise it is enqueued once the transaction
    has committed. It is registered as an on-commit callback where it was scheduled, so a
    savepoint rolled back later takes it (and a task row written there) with it."""

    def __init__(self, key: uuid.UUID, *, written_in_transaction: bool):
        self.key = key
        self.written_in_transaction = written_in_transaction

    def enqueue(self) -> None:
        from plaza.core.tasks import deliver_outbox_batch

        deliver_outbox_batch.enqueue(str(self.key))

    def __call__(self) -> None:
        if self.written_in_transaction:
            return
        try:
            self.enqueue()
        except Exception:  # the event rows are durable; the sweep delivers them later
            logger.exception("could not enqueue delivery of outbox batch %s", self.key)


class _Batch:
    """The events with durable subscribers one transaction records, delivered by one task
    in the order recorded.

    The batch is registered as an on-commit callback, which is how Django tells us
    whether the batch's transaction is still alive.
    """

    def __init__(self, connection):
        self.key = uuid.uuid4()
        self.committed = False
        self.shares_database = _tasks_share_the_database(connection)
        self.delivery: _Delivery | None = None

    def schedule_delivery(self, connection) -> None:
        # The batch and its delivery are registered together, at the same savepoint: a
        # rollback takes both or neither.
        if self.delivery is not None:
            return
        self.delivery = _Delivery(self.key, written_in_transaction=self.shares_database)
        if self.shares_database:
            self.delivery.enqueue()
        transaction.on_commit(self.delivery, using=connection.alias)

    def __call__(self) -> None:
        self.committed = True


def _batch_for(connection) -> _Batch:
    # A batch lives as long as its on_commit callback is pending: a commit runs it, a
    # rollback (of the transaction, or of the savepoint it was registered in) discards it,
    # and the next event then opens a new batch. A committed batch is done even if its
    # callback is still listed (callbacks run by hand in tests stay there).
    batch = getattr(connection, "plaza_outbox_batch", None)
    if batch is None or batch.committed or not _awaits_commit(connection, batch):
        batch = _Batch(connection)
        connection.plaza_outbox_batch = batch
        transaction.on_commit(batch, using=connection.alias)
    return batch


def push_live(events: list[OutboxEvent]) -> None:
    """Run the live subscribers of events a transaction committed, in order.

    A failing push is logged and the others still run.
    """
    for event in events:
        for handler in live_handlers_for(event.topic):
            try:
                handler(event)
            except Exception:
                logger.exception("live subscriber %s failed for %s", handler.__qualname__, event)


def deliver(event_id: int) -> bool:
    """Run the subscribers of one pending event. Returns True once it is delivered."""
    with transaction.atomic():
        event = (
            OutboxEvent.objects.select_for_update()
            .filter(pk=event_id, delivered_at__isnull=True)
            .first()
        )
        if event is None:
            return True
        event.attempts += 1
        try:
            for handler in handlers_for(event.topic):
                with transaction.atomic():
                    handler(event)
        except Exception as error:
            logger.exception("subscriber failed for %s", event)
            event.last_error = repr(error)[:2000]
            event.save(update_fields=["attempts", "last_error"])
            return False
        event.delivered_at = timezone.now()
        event.save(update_fields=["attempts", "delivered_at", "last_error"])
        return True


def deliver_all(event_ids: list[int]) -> int:
    """Deliver events in the order given; one failing leaves it pending and goes on."""
    return sum(1 for event_id in event_ids if deliver(event_id))


def deliver_batch(key: str) -> int:
    """Deliver what one transaction recorded, in order (events a savepoint rolled back are not there)."""
    pending = OutboxEvent.objects.filter(batch=key, delivered_at__isnull=True).order_by("id").values_list("pk", flat=True)
    return deliver_all(list(pending))


def deliver_pending(limit: int = 500) -> int:
    """Deliver events left pending (crash, failed enqueue, failed subscriber)."""
    pending = list(
        OutboxEvent.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver_all(pending)
