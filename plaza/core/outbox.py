"""The transactional outbox: how apps react to each other without importing each other.

A service calls :func:`record_event` inside its transaction. After commit, one delivery
task per transaction runs, in the order they were recorded, every subscriber registered
for each event's topic (``@subscriber("order.placed")`` in an app's ``subscribers.py``).
With the database task backend that task row is written in the same transaction as the
events, so a change, its events and their delivery commit together.
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
from importlib import import_module

from django.apps import apps
from django.db import router, transaction
from django.utils import timezone

from plaza.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_subscribers: list[tuple[str, Handler]] = []
_live_subscribers: list[tuple[str, Handler]] = []
MAX_ATTEMPTS = 10


def subscriber(pattern: str, *, live: bool = False) -> Callable[[Handler], Handler]:
    """Register a handler for topics matching ``pattern`` (shell-style, e.g. ``order.*``);
    ``live`` for a push to open sockets, run right after commit (see above)."""

    def register(handler: Handler) -> Handler:
        (_live_subscribers if live else _subscribers).append((pattern, handler))
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


def _matching(registry: list[tuple[str, Handler]], topic: str) -> list[Handler]:
    return [handler for pattern, handler in registry if fnmatch.fnmatchcase(topic, pattern)]


def handlers_for(topic: str) -> list[Handler]:
    return _matching(_subscribers, topic)


def live_handlers_for(topic: str) -> list[Handler]:
    return _matching(_live_subscribers, topic)


def record_event(topic: str, payload: dict) -> OutboxEvent:
    """Write an event row in the caller's transaction and make sure its transaction's
    delivery task runs once the transaction commits."""
    return record_events((topic, payload))[0]


def record_events(*events: tuple[str, dict]) -> list[OutboxEvent]:
    """:func:`record_event` for several (topic, payload) at once, in one INSERT, delivered in this order."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must be called inside the transaction that makes the change")
    batch = _batch_for(connection)
    batch.topics.update(topic for topic, _ in events)
    return OutboxEvent.objects.bulk_create(
        [OutboxEvent(topic=topic, payload=payload, batch=batch.key) for topic, payload in events]
    )


def _tasks_share_the_database(connection) -> bool:
    """Whether the task queue is a table of this same database (the django-tasks database backend)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from plaza.core.tasks import deliver_outbox_batch

    backend = deliver_outbox_batch.get_backend()
    return isinstance(backend, DatabaseBackend) and router.db_for_write(DBTaskResult) == connection.alias


class _Batch:
    """The events one transaction records, delivered by one task in the order recorded.

    When the task queue lives in this database, the task row is written in the
    transaction itself, so it commits (or vanishes) with the events and costs no commit of
    its own; otherwise it is enqueued once the transaction has committed. Either way the
    batch is registered as an on-commit callback, which is how Django tells us whether the
    batch's transaction (or savepoint) is still alive.
    """

    def __init__(self, connection):
        self.key = uuid.uuid4()
        self.topics: set[str] = set()
        self.committed = False
        self.enqueued = False
        if _tasks_share_the_database(connection):
            self._enqueue()

    def _enqueue(self) -> None:
        from plaza.core.tasks import deliver_outbox_batch

        self.enqueued = True
        deliver_outbox_batch.enqueue(str(self.key))

    def __call__(self) -> None:
        self.committed = True
        push_live(self.key, self.topics)
        if self.enqueued:
            return
        try:
            self._enqueue()
        except Exception:  # the event rows are durable; the sweep delivers them later
            logger.exception("could not enqueue delivery of outbox batch %s", self.key)


def _batch_for(connection) -> _Batch:
    # A batch lives as long as its on_commit callback is pending: a commit runs it, a
    # rollback (of the transaction, or of the savepoint it was registered in, taking a task
    # row written there with it) discards it, and the next event then opens a new batch.
    # A committed batch is done even if its callback is still listed (callbacks run by hand
    # in tests stay there).
    batch = getattr(connection, "plaza_outbox_batch", None)
    if batch is None or batch.committed or not any(callback is batch for _, callback, _ in connection.run_on_commit):
        batch = _Batch(connection)
        connection.plaza_outbox_batch = batch
        transaction.on_commit(batch, using=connection.alias)
    return batch


def push_live(batch, topics) -> None:
    """Run the live subscribers of what one committed transaction recorded, in order.

    Read back from the table rather than remembered: events a rolled-back savepoint
    recorded are not there. A failing push is logged and the others still run.
    """
    live_topics = [topic for topic in topics if live_handlers_for(topic)]
    if not live_topics:
        return
    for event in OutboxEvent.objects.filter(batch=batch, topic__in=live_topics).order_by("id"):
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
