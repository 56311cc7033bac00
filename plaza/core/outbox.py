"""The transactional outbox: how apps react to each other without importing each other.

A service calls :func:`record_event` inside its transaction. After commit, one delivery
task per transaction runs, in the order they were recorded, every subscriber registered
for each event's topic (``@subscriber("order.placed")`` in an app's ``subscribers.py``).
If the process dies between commit and delivery the event rows are still pending, and
``manage.py deliver_outbox`` (run by the worker at start) picks them up.
"""

import fnmatch
import logging
from collections.abc import Callable
from importlib import import_module

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from plaza.core.models import OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
_subscribers: list[tuple[str, Handler]] = []
MAX_ATTEMPTS = 10


def subscriber(pattern: str) -> Callable[[Handler], Handler]:
    """Register a handler for topics matching ``pattern`` (shell-style, e.g. ``order.*``)."""

    def register(handler: Handler) -> Handler:
        _subscribers.append((pattern, handler))
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


def handlers_for(topic: str) -> list[Handler]:
    return [handler for pattern, handler in _subscribers if fnmatch.fnmatchcase(topic, pattern)]


def record_event(topic: str, payload: dict) -> OutboxEvent:
    """Write an event row in the caller's transaction and schedule its delivery after commit."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("record_event must be called inside the transaction that makes the change")
    event = OutboxEvent.objects.create(topic=topic, payload=payload)
    _batch_for(connection).append(event.pk)
    return event


class _Batch(list):
    """The ids of the events one transaction recorded, enqueued as one task when it commits."""

    enqueued = False

    def __call__(self) -> None:
        from plaza.core.tasks import deliver_outbox_events

        self.enqueued = True
        try:
            deliver_outbox_events.enqueue(list(self))
        except Exception:  # the event rows are durable; the sweep delivers them later
            logger.exception("could not enqueue delivery of outbox events %s", list(self))


def _batch_for(connection) -> _Batch:
    # A batch lives as long as its on_commit callback is pending: a commit runs it, a
    # rollback (of the transaction, or of the savepoint it was registered in) discards it,
    # and the next event then opens a new batch. Ids of events a savepoint rolled back may
    # stay in a surviving batch; delivery skips ids it cannot find. An enqueued batch is
    # done even if its callback is still listed (callbacks run by hand in tests stay there).
    batch = getattr(connection, "plaza_outbox_batch", None)
    if batch is None or batch.enqueued or not any(callback is batch for _, callback, _ in connection.run_on_commit):
        batch = _Batch()
        connection.plaza_outbox_batch = batch
        transaction.on_commit(batch, using=connection.alias)
    return batch


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


def deliver_pending(limit: int = 500) -> int:
    """Deliver events left pending (crash, failed enqueue, failed subscriber)."""
    pending = list(
        OutboxEvent.objects.filter(delivered_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver_all(pending)
