import pytest
from django.db import transaction

from plaza.core import outbox
from plaza.core.models import OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_events_recorded_together_are_delivered_in_the_order_given(received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        outbox.record_events(("test.happened", {"n": 2}), ("test.happened", {"n": 3}))
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 2}), ("test.happened", {"n": 3})]
    assert OutboxEvent.objects.filter(delivered_at__isnull=True).count() == 0


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


def test_a_live_subscriber_runs_right_after_commit_without_waiting_for_the_dispatcher(dispatcher_mode, pushed, received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        outbox.record_event("other.happened", {"n": 2})
        outbox.record_event("test.happened", {"n": 3})
        assert pushed == []
    assert pushed == [("test.happened", {"n": 1}), ("test.happened", {"n": 3})]
    assert received == [], "the durable subscribers wait for the dispatcher"
    assert outbox.deliver() == 2
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 3})]
    assert len(pushed) == 2, "the dispatcher does not push a second time"


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


def test_an_event_only_live_subscribers_hear_is_pushed_but_not_written(pushed):
    with transaction.atomic():
        event = outbox.record_event("test.happened", {"n": 1})
    assert event.pk is None
    assert pushed == [("test.happened", {"n": 1})]
    assert not OutboxEvent.objects.exists(), "nothing is left for the dispatcher"


def test_the_dispatcher_delivers_what_a_transaction_kept_past_a_rolled_back_savepoint(dispatcher_mode, received):
    with transaction.atomic():
        outbox.record_event("test.happened", {"n": 1})
        with pytest.raises(RuntimeError), transaction.atomic():
            outbox.record_event("test.happened", {"n": 2})
            raise RuntimeError("the inner change failed")
        outbox.record_event("test.happened", {"n": 3})
    assert received == []
    assert outbox.deliver() == 2
    assert received == [("test.happened", {"n": 1}), ("test.happened", {"n": 3})]
    assert outbox.deliver() == 0, "delivered once"


def test_the_dispatcher_takes_the_oldest_events_first_a_batch_at_a_time(dispatcher_mode, received):
    for n in range(5):
        with transaction.atomic():
            outbox.record_event("test.happened", {"n": n})
    assert outbox.deliver(limit=2) == 2
    assert received == [("test.happened", {"n": 0}), ("test.happened", {"n": 1})]
    assert outbox.deliver(limit=10) == 3
    assert [payload["n"] for _, payload in received] == [0, 1, 2, 3, 4]


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
