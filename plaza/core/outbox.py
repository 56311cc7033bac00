"""The transactional outbox: how apps react to each other without importing each other.

A service calls :func:`record_event` inside its transaction; the event row commits (or
vanishes) with the change. Every subscriber registered for the event's topic
(``@subscriber("order.placed")`` in an app's ``subscribers.py``) then runs once per
event, in the order events were recorded, by one of two means:

- **the dispatcher** (``PLAZA_OUTBOX_DISPATCHER``, the production profile): a
  ``manage.py dispatch_outbox`` process polls the pending events (an index of them only),
  so a write pays for its event rows and nothing else; any number of dispatchers share
  the work with ``SKIP LOCKED``;
- **after commit** (the default: tests, ``runserver``): the process that committed
  delivers its own events right after the commit.

Either way :func:`deliver` runs a batch's subscribers in one transaction, each in a
savepoint: what they write commits together with the batch's ``delivered_at``. A
subscriber that fails gets a :class:`FailedDelivery` of its own, retried with backoff
without rerunning the others, and given up (a dead letter the admin can retry) after
``MAX_ATTEMPTS``. Work that leaves the database (an e-mail) goes to a task after commit,
never from inside the batch. Delivered events are pruned after
``PLAZA_OUTBOX_RETENTION_DAYS``. The periodic :func:`sweep` picks up what a crash left.

A *live* subscriber (``@subscriber("list.changed", live=True)``) pushes to open sockets.
It runs once, in the process that committed, right after the commit: a push is worth
something now, not whenever a dispatcher next looks. It is not retried: what a push
carries can always be fetched again (a list's operations from their version, an ask's
counts, the notification centre), and a socket that missed one catches up when it
reconnects. A push that guards privacy (a socket losing access), or that a page could
not recover by itself, is registered both ways: at once, and again durably.
"""

import fnmatch
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections, transaction
from django.db.models import QuerySet
from django.utils import timezone

from plaza.core.compiled import insert
from plaza.core.models import FailedDelivery, OutboxEvent

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]
DISPATCH_BATCH = 100
MAX_ATTEMPTS = 10
RETRY_FIRST_DELAY = timedelta(seconds=5)
RETRY_LONGEST_DELAY = timedelta(hours=1)


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
    """Write an event row in the caller's transaction, for delivery once it commits."""
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
        insert(durable)
        if not settings.PLAZA_OUTBOX_DISPATCHER:
            # Registered per call, like the pushes below: a savepoint rolled back takes it along.
            transaction.on_commit(partial(_deliver_now, [event.pk for event in durable]), using=connection.alias)
    live = [event for event in recorded if live_handlers_for(event.topic)]
    if live:
        transaction.on_commit(partial(push_live, live), using=connection.alias)
    return recorded


def _deliver_now(event_ids: list[int]) -> None:
    try:
        deliver(event_ids)
    except Exception:  # the events are durable: the sweep delivers them later
        logger.exception("could not deliver outbox events %s after commit", event_ids)


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


def subscriber_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def _subscriber_named(name: str, topic: str) -> Handler | None:
    return next((handler for handler in handlers_for(topic) if subscriber_name(handler) == name), None)


def _retry_delay(attempts: int) -> timedelta:
    return min(RETRY_FIRST_DELAY * 2 ** (attempts - 1), RETRY_LONGEST_DELAY)


def _run(handler: Handler, event: OutboxEvent) -> str:
    """Run one subscriber in a savepoint of its own; what went wrong, or "" if nothing did."""
    try:
        with transaction.atomic():
            handler(event)
    except Exception as error:
        logger.exception("subscriber %s failed for %s", subscriber_name(handler), event)
        return repr(error)[:2000] or type(error).__name__
    return ""


def deliver(event_ids: list[int] | None = None, *, limit: int = DISPATCH_BATCH) -> int:
    """Run every subscriber of the oldest pending events (or of these), in order; returns
    how many were delivered.

    One transaction holds the batch, and each subscriber runs in a savepoint of it: what
    the subscribers write commits with the events' ``delivered_at``, so a dispatcher
    killed mid-batch leaves neither, and the batch is delivered again as a whole. Events
    another dispatcher holds are skipped, not waited for. A subscriber that fails is
    rolled back to its savepoint and gets a FailedDelivery of its own; the event's other
    subscribers are not run again for it.
    """
    with transaction.atomic():
        pending = OutboxEvent.objects.select_for_update(skip_locked=True).filter(delivered_at__isnull=True)
        if event_ids is not None:
            pending = pending.filter(pk__in=event_ids)
        events = list(pending.order_by("id")[:limit])
        if not events:
            return 0
        now = timezone.now()
        failures = []
        for event in events:
            for handler in handlers_for(event.topic):
                error = _run(handler, event)
                if error:
                    failures.append(
                        FailedDelivery(
                            event=event,
                            subscriber=subscriber_name(handler),
                            last_error=error,
                            next_attempt_at=now + _retry_delay(1),
                        )
                    )
        FailedDelivery.objects.bulk_create(failures)
        OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(delivered_at=now)
    return len(events)


def retry_failed(failures: QuerySet[FailedDelivery] | None = None, *, limit: int = DISPATCH_BATCH) -> tuple[int, int]:
    """Run again the failed deliveries now due (or these, due or not, given up or not);
    returns (succeeded, still failing). One that fails its last attempt is given up: it
    stays, as a dead letter, until the operator retries it."""
    if failures is None:
        failures = FailedDelivery.objects.filter(given_up_at__isnull=True, next_attempt_at__lte=timezone.now())
    succeeded, failing = [], 0
    with transaction.atomic():
        due = failures.select_for_update(skip_locked=True, of=("self",)).select_related("event")
        for failure in due.order_by("next_attempt_at", "id")[:limit]:
            handler = _subscriber_named(failure.subscriber, failure.event.topic)
            if handler is None:
                error = f"no subscriber {failure.subscriber} listens to {failure.event.topic} any more"
            else:
                error = _run(handler, failure.event)
            if not error:
                succeeded.append(failure.pk)
                continue
            failing += 1
            now = timezone.now()
            failure.attempts += 1
            failure.last_error = error
            if failure.attempts >= MAX_ATTEMPTS or handler is None:
                failure.given_up_at, failure.next_attempt_at = now, None
            else:
                failure.given_up_at, failure.next_attempt_at = None, now + _retry_delay(failure.attempts)
            failure.save(update_fields=["attempts", "last_error", "failed_at", "given_up_at", "next_attempt_at"])
        FailedDelivery.objects.filter(pk__in=succeeded).delete()
    return len(succeeded), failing


def prune_delivered(*, older_than: timedelta | None = None, chunk: int = 5000) -> int:
    """Delete events delivered to every subscriber longer ago than the retention period."""
    if older_than is None:
        older_than = timedelta(days=settings.PLAZA_OUTBOX_RETENTION_DAYS)
    cutoff = timezone.now() - older_than
    done = OutboxEvent.objects.filter(delivered_at__lt=cutoff, failed_deliveries__isnull=True)
    pruned = 0
    while ids := list(done.values_list("pk", flat=True)[:chunk]):
        pruned += OutboxEvent.objects.filter(pk__in=ids).delete()[0]
    return pruned


def sweep() -> int:
    """Everything pending and every retry now due, then pruning: what the periodic task
    does where no dispatcher runs, and a dispatcher's first round after a crash."""
    delivered = 0
    while batch := deliver():
        delivered += batch
    while sum(retry_failed()):
        pass
    prune_delivered()
    return delivered


class Dispatcher:
    """The loop of ``manage.py dispatch_outbox``: delivers new events as they commit
    (looking every ``interval`` seconds while there are none), retries what failed when
    it is due, prunes once an hour. Any number may run: each skips what another holds."""

    PRUNE_EVERY = 3600.0

    def __init__(self, interval: float = 0.1):
        self.interval = interval
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            self._loop()
        finally:
            connections.close_all()

    def _loop(self) -> None:
        pruned_at = 0.0
        while not self.stopping.is_set():
            try:
                delivered = deliver()
                retried = sum(retry_failed())
                if time.monotonic() - pruned_at > self.PRUNE_EVERY:
                    prune_delivered()
                    pruned_at = time.monotonic()
            except DatabaseError:
                logger.exception("outbox dispatcher: the database failed; trying again")
                close_old_connections()
                delivered = retried = 0
                self.stopping.wait(max(self.interval, 1.0))
            if delivered < DISPATCH_BATCH and not retried:
                self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
