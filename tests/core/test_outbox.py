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

    outbox._subscribers.append(("test.*", handler))
    yield seen
    outbox._subscribers.remove(("test.*", handler))


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

    outbox._subscribers.append(("test.flaky", flaky))
    try:
        with transaction.atomic():
            event = outbox.record_event("test.flaky", {})
        event.refresh_from_db()
        assert event.delivered_at is None and event.attempts == 1
        assert outbox.deliver_pending() == 1
        event.refresh_from_db()
        assert event.delivered_at is not None and calls["n"] == 2
    finally:
        outbox._subscribers.remove(("test.flaky", flaky))
