"""Delivery per subscriber: a failure retried on its own with backoff, dead letters the
operator retries, pruning, dispatchers side by side, and one killed mid-batch."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from plaza.core import outbox
from plaza.core.models import FailedDelivery, OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscribe():
    """Register durable subscribers for the test's length."""
    added = []

    def add(handler, pattern="test.*"):
        outbox._subscribers.add(pattern, handler)
        added.append((pattern, handler))
        return handler

    yield add
    for pattern, handler in added:
        outbox._subscribers.remove(pattern, handler)


def failing(times: int, calls: list):
    def mailer(event):
        calls.append(event.payload)
        if len(calls) <= times:
            raise ConnectionError("mail server down")

    return mailer


def make_due(failure: FailedDelivery) -> None:
    FailedDelivery.objects.filter(pk=failure.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def record(topic="test.happened", **payload) -> OutboxEvent:
    with transaction.atomic():
        return outbox.record_event(topic, payload)


def test_a_failing_subscriber_is_retried_alone_with_growing_delays(subscribe, received):
    calls: list = []
    mailer = subscribe(failing(2, calls))

    event = record(n=1)

    event.refresh_from_db()
    assert event.delivered_at is not None, "the event is done for the subscribers that succeeded"
    assert received == [("test.happened", {"n": 1})]
    failure = FailedDelivery.objects.get()
    assert failure.event == event and failure.subscriber == outbox.subscriber_name(mailer)
    assert failure.attempts == 1 and "mail server down" in failure.last_error
    first_delay = failure.next_attempt_at - failure.failed_at
    assert timedelta(seconds=4) < first_delay <= timedelta(seconds=6)

    assert outbox.retry_failed() == (0, 0), "not due yet"
    make_due(failure)
    assert outbox.retry_failed() == (0, 1)
    failure.refresh_from_db()
    assert failure.attempts == 2 and failure.next_attempt_at - failure.failed_at > first_delay * 1.5

    make_due(failure)
    assert outbox.retry_failed() == (1, 0)
    assert not FailedDelivery.objects.exists()
    assert len(calls) == 3
    assert received == [("test.happened", {"n": 1})], "the subscriber that succeeded ran once"


def test_what_a_failing_subscriber_wrote_is_rolled_back_and_the_others_writes_kept(subscribe):
    def writes_then_fails(event):
        OutboxEvent.objects.create(topic="written.by_the_failing_one")
        raise ValueError("half done")

    def writes(event):
        OutboxEvent.objects.create(topic="written.by_the_good_one")

    subscribe(writes_then_fails)
    subscribe(writes)
    record(n=1)

    topics = set(OutboxEvent.objects.values_list("topic", flat=True))
    assert "written.by_the_good_one" in topics and "written.by_the_failing_one" not in topics
    assert FailedDelivery.objects.get().last_error == "ValueError('half done')"


def test_a_subscriber_that_keeps_failing_becomes_a_dead_letter_and_the_event_is_kept(subscribe, received):
    subscribe(failing(10**6, []))
    event = record(n=1)

    for _ in range(outbox.MAX_ATTEMPTS - 1):
        make_due(FailedDelivery.objects.get())
        outbox.retry_failed()

    dead = FailedDelivery.objects.get()
    assert dead.attempts == outbox.MAX_ATTEMPTS
    assert dead.given_up_at is not None and dead.next_attempt_at is None
    assert outbox.retry_failed() == (0, 0), "a dead letter waits for the operator"
    assert received == [("test.happened", {"n": 1})], "the other subscriber heard it, once"
    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=timezone.now() - timedelta(days=365))
    assert outbox.prune_delivered() == 0, "an event with a dead letter is kept for the retry"


def test_a_failure_whose_subscriber_is_gone_is_given_up_with_the_reason():
    event = OutboxEvent.objects.create(topic="test.happened", delivered_at=timezone.now())
    FailedDelivery.objects.create(
        event=event, subscriber="plaza.gone.subscribers.renamed", next_attempt_at=timezone.now()
    )

    assert outbox.retry_failed() == (0, 1)

    failure = FailedDelivery.objects.get()
    assert failure.given_up_at is not None
    assert "no subscriber plaza.gone.subscribers.renamed listens to test.happened" in failure.last_error


@pytest.fixture
def operator(user_factory):
    return user_factory(is_staff=True, is_superuser=True)


def test_the_operator_sees_dead_letters_and_retries_them_from_the_admin(client, operator, subscribe):
    calls: list = []
    subscribe(failing(1, calls))
    record(n=1)
    FailedDelivery.objects.update(attempts=outbox.MAX_ATTEMPTS, given_up_at=timezone.now(), next_attempt_at=None)
    client.force_login(operator)
    changelist = reverse("admin:core_faileddelivery_changelist")

    listed = client.get(changelist, {"state": "given_up"})
    assert listed.status_code == 200
    assert "mail server down" not in listed.text and "failing.&lt;locals&gt;.mailer" in listed.text

    failure = FailedDelivery.objects.get()
    answer = client.post(
        changelist, {"action": "retry_now", "index": 0, "_selected_action": [failure.pk]}, follow=True
    )

    assert "1 delivery succeeded." in answer.text
    assert not FailedDelivery.objects.exists()
    from django.contrib.admin.models import LogEntry

    assert LogEntry.objects.get().change_message == "Retried now", "the audit log keeps the operator's retry"
    assert len(calls) == 2


def test_a_shopper_cannot_reach_the_dead_letters(client, user_factory):
    client.force_login(user_factory())
    answer = client.get(reverse("admin:core_faileddelivery_changelist"))
    assert answer.status_code == 302 and "/admin/login/" in answer.url


def test_delivered_events_are_pruned_after_the_retention_period(settings, dispatcher_mode, received):
    settings.PLAZA_OUTBOX_RETENTION_DAYS = 7
    old, recent, pending = record(n=1), record(n=2), record(n=3)
    outbox.deliver([old.pk, recent.pk])
    OutboxEvent.objects.filter(pk=old.pk).update(delivered_at=timezone.now() - timedelta(days=8))

    assert outbox.prune_delivered() == 1

    assert set(OutboxEvent.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}


def test_the_sweep_delivers_what_no_dispatcher_took(dispatcher_mode, received):
    for n in range(3):
        record(n=n)

    call_command("dispatch_outbox", "--once", stdout=open(os.devnull, "w"))

    assert [payload["n"] for _, payload in received] == [0, 1, 2]
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()


def test_the_dispatcher_loop_delivers_as_events_commit_and_stops_when_asked(dispatcher_mode, received):
    dispatcher = outbox.Dispatcher(interval=0.01)
    running = threading.Thread(target=dispatcher.run)
    running.start()
    try:
        record(n=1)
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        dispatcher.stop()
        running.join(10)
    assert received == [("test.happened", {"n": 1})]
    assert not running.is_alive()


@pytest.mark.postgres_only
def test_a_second_dispatcher_skips_the_events_the_first_holds_instead_of_waiting(dispatcher_mode, subscribe):
    entered, release = threading.Event(), threading.Event()
    heard: list[tuple[str, int]] = []

    def slow(event):
        heard.append((threading.current_thread().name, event.payload["n"]))
        if event.payload["n"] == 0:
            entered.set()
            release.wait(10)

    subscribe(slow)
    for n in range(4):
        record(n=n)

    def dispatch(limit):
        try:
            outbox.deliver(limit=limit)
        finally:
            connection.close()

    first = threading.Thread(target=dispatch, args=(2,), name="first")
    first.start()
    assert entered.wait(10)
    second = threading.Thread(target=dispatch, args=(10,), name="second")
    second.start()
    second.join(10)
    assert not second.is_alive(), "the second dispatcher did not wait for the first's rows"
    release.set()
    first.join(10)

    assert sorted(heard) == [("first", 0), ("first", 1), ("second", 2), ("second", 3)]
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()


FAULT_DISPATCHER = Path(__file__).with_name("outbox_fault_dispatcher.py")


def start_dispatcher(database_url: str, *, stall_at: int | None, ready: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PLAZA_OUTBOX_DISPATCHER": "1",
        "STALL_AT": "" if stall_at is None else str(stall_at),
        "STALLED_FILE": str(ready),
    }
    return subprocess.Popen([sys.executable, str(FAULT_DISPATCHER)], env=environment, cwd=Path(__file__).parents[2])


@pytest.mark.postgres_only
def test_a_dispatcher_killed_mid_batch_and_restarted_delivers_every_event_once_in_effect(dispatcher_mode, tmp_path):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS fault_heard (event_id bigint NOT NULL, subscriber text NOT NULL)")
        cursor.execute("TRUNCATE fault_heard")
    heard_nothing = lambda event: None  # noqa: E731 - the subprocess registers the real subscribers
    outbox._subscribers.add("fault.*", heard_nothing)
    try:
        with transaction.atomic():
            events = outbox.record_events(*[("fault.happened", {"n": n}) for n in range(250)])
    finally:
        outbox._subscribers.remove("fault.*", heard_nothing)
    settings = connection.settings_dict
    database_url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"

    stalled = tmp_path / "stalled"
    doomed = start_dispatcher(database_url, stall_at=150, ready=stalled)
    try:
        deadline = time.monotonic() + 60
        while not stalled.exists() and time.monotonic() < deadline and doomed.poll() is None:
            time.sleep(0.05)
        assert stalled.exists(), "the first dispatcher reached the middle of its second batch"
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)

    successor = start_dispatcher(database_url, stall_at=None, ready=stalled)
    try:
        deadline = time.monotonic() + 60
        while OutboxEvent.objects.filter(delivered_at__isnull=True).exists() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        successor.send_signal(signal.SIGTERM)
        assert successor.wait(20) == 0, "the dispatcher stops cleanly on SIGTERM"

    with connection.cursor() as cursor:
        cursor.execute("SELECT subscriber, count(*), count(DISTINCT event_id) FROM fault_heard GROUP BY subscriber ORDER BY 1")
        assert cursor.fetchall() == [("first", 250, 250), ("second", 250, 250)]
        cursor.execute("DROP TABLE fault_heard")
    assert not OutboxEvent.objects.filter(pk__in=[event.pk for event in events], delivered_at__isnull=True).exists()
