import pytest
from django.db import transaction

from plaza.core import outbox
from plaza.core.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def received():
    seen: list[tuple[str, dict]] = []

    def handler(event):
        seen.append((event.topic, event.payload))

    outbox._subscribers.add("test.*", handler)
    yield seen
    outbox._subscribers.remove("test.*", handler)


def test_event_is_delivered_after_commit(received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        assert received == []
    assert received == [("test.happened", {"n": 1})]
    assert OutboxEvent.objects.get().delivered_at is not None


def test_rolled_back_change_emits_nothing(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.record_event("test.happened", {"n": 2})
        raise RuntimeError("the change failed")
    assert received == []
    assert not OutboxEvent.objects.exists()


def test_recording_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        outbox.record_event("test.happened", {})


def test_failed_subscriber_leaves_event_pending_for_the_sweep():
    calls = {"n": 0}

    def flaky(event):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ValueError("subscriber down")

    outbox._subscribers.add("test.flaky", flaky)
    try:
        with transaction.atomic():
            event = outbox.record_event("test.flaky", {})
        event.refresh_from_db()
        assert event.delivered_at is None and event.attempts == 1
        assert outbox.deliver_pending() == 1
        event.refresh_from_db()
        assert event.delivered_at is not None and calls["n"] == 2
    finally:
        outbox._subscribers.remove("test.flaky", flaky)


def test_one_delivery_task_per_transaction_delivers_its_events_in_order(received, monkeypatch):
    delivered_batches = []
    deliver_batch = outbox.deliver_batch
    monkeypatch.setattr(outbox, "deliver_batch", lambda key: delivered_batches.append(key) or deliver_batch(key))
    with transaction.atomic():
        first = outbox.record_event("test.happened", {"n": 1})
        second = outbox.record_event("test.happened", {"n": 2})
    with transaction.atomic():
        third = outbox.record_event("test.happened", {"n": 3})
    assert delivered_batches == [str(first.batch), str(third.batch)]
    assert first.batch == second.batch != third.batch
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 2}), ("test.happened", {"n": 3})]


def test_events_recorded_together_are_delivered_in_the_order_given(received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        outbox.record_events(("test.happened", {"n": 2}), ("test.happened", {"n": 3}))
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 2}), ("test.happened", {"n": 3})]
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 0


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def queued_batches() -> list[str]:
    from django_tasks_db.models import DBTaskResult

    return [task.args_kwargs["args"][0] for task in DBTaskResult.objects.order_by("enqueued_at")]


def test_with_database_tasks_the_delivery_task_commits_with_its_events(database_tasks, received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        outbox.record_event("test.happened", {"n": 2})
        [batch] = queued_batches()
    assert queued_batches() == [batch]
    assert received == []
    assert outbox.deliver_batch(batch) == 2
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 2})]


def test_with_database_tasks_a_rollback_takes_the_task_with_it(database_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        raise RuntimeError("the change failed")
    assert queued_batches() == []
    assert not OutboxEvent.objects.exists()


def test_with_database_tasks_events_after_a_rolled_back_savepoint_get_a_task(database_tasks, received):
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.record_event("test.happened", {"n": 1})
            raise RuntimeError("the inner change failed")
        outbox.record_event("test.happened", {"n": 2})
    [batch] = queued_batches()
    assert outbox.deliver_batch(batch) == 1
    assert received == [("test.happened", {"n": 2})]


def test_events_after_a_rolled_back_savepoint_are_still_delivered(received):
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.record_event("test.happened", {"n": 1})
            raise RuntimeError("the inner change failed")
        outbox.record_event("test.happened", {"n": 2})
    assert received == [("test.happened", {"n": 2})]
    assert OutboxEvent.objects.get().delivered_at is not None


def test_a_transaction_after_a_rollback_gets_its_own_delivery(received):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        raise RuntimeError("the change failed")
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 2})
    assert received == [("test.happened", {"n": 2})]


def test_an_event_a_savepoint_rolled_back_is_skipped_by_its_transactions_delivery(received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.record_event("test.happened", {"n": 2})
            raise RuntimeError("the inner change failed")
        outbox.record_event("test.happened", {"n": 3})
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 3})]
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 0


@pytest.fixture
def pushed():
    seen: list[tuple[str, dict]] = []

    def push(event):
        seen.append((event.topic, event.payload))

    outbox._live_subscribers.add("test.*", push)
    yield seen
    outbox._live_subscribers.remove("test.*", push)


def test_a_live_subscriber_runs_right_after_commit_without_waiting_for_the_task(database_tasks, pushed, received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        outbox.record_event("other.happened", {"n": 2})
        outbox.record_event("test.happened", {"n": 3})
        assert pushed == []
    assert pushed == [("test.happened", {"n": 1}), ("test.happened", {"n": 3})]
    assert received == [], "the durable subscribers wait for the task"
    [batch] = queued_batches()
    outbox.deliver_batch(batch)
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 3})]
    assert len(pushed) == 2, "the task does not push a second time"


def test_nothing_is_pushed_for_a_rollback_or_a_rolled_back_savepoint(pushed):
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        raise RuntimeError("the change failed")
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 2})
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.record_event("test.happened", {"n": 3})
            raise RuntimeError("the inner change failed")
    assert pushed == [("test.happened", {"n": 2})]


def test_a_failing_push_is_logged_and_the_rest_still_happens(pushed, received, caplog):
    def broken(event):
        raise ConnectionError("channel layer down")

    outbox._live_subscribers.add("test.*", broken, first=True)
    try:
        with transaction.atomic():
            outbox.record_event("test.happened", {"n": 1})
    finally:
        outbox._live_subscribers.remove("test.*", broken)
    assert pushed == [("test.happened", {"n": 1})]
    assert received == [("test.happened", {"n": 1})]
    assert OutboxEvent.objects.get().delivered_at is not None
    assert "live subscriber" in caplog.text and "channel layer down" in caplog.text


def test_an_event_only_live_subscribers_hear_is_pushed_but_neither_written_nor_queued(database_tasks, pushed):
    with transaction.atomic():
        event = outbox.record_event("test.happened", {"n": 1})
        assert queued_batches() == []
    assert event.pk is None
    assert pushed == [("test.happened", {"n": 1})]
    assert not OutboxEvent.objects.exists(), "nothing is left for the sweep"


def test_a_batch_begun_before_a_rolled_back_savepoint_delivers_what_the_transaction_kept(database_tasks, pushed):
    durable: list[dict] = []

    def keep(event):
        durable.append(event.payload)

    outbox._subscribers.add("durable.*", keep)
    try:
        with transaction.atomic():
            outbox.record_event("durable.happened", {"n": 1})
            outbox.record_event("test.happened", {"n": 2})
            with pytest.raises(RuntimeError), transaction.atomic():
                outbox.record_event("durable.happened", {"n": 3})
                raise RuntimeError("the inner change failed")
            outbox.record_event("durable.happened", {"n": 4})
        [batch] = queued_batches()
        assert outbox.deliver_batch(batch) == 2
        assert durable == [{"n": 1}, {"n": 4}]
        assert pushed == [("test.happened", {"n": 2})]
    finally:
        outbox._subscribers.remove("durable.*", keep)


def test_a_handler_registered_after_its_topic_was_looked_up_hears_the_next_event():
    assert outbox.handlers_for("late.happened") == ()
    heard = []

    def late(event):
        heard.append(event.payload)

    outbox._subscribers.add("late.*", late)
    try:
        with transaction.atomic():
            outbox.record_event("late.happened", {"n": 1})
    finally:
        outbox._subscribers.remove("late.*", late)
    assert heard == [{"n": 1}]
    assert outbox.handlers_for("late.happened") == ()
