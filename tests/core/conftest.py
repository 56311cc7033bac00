import pytest

from plaza.core import outbox


@pytest.fixture
def dispatcher_mode(settings):
    """The production profile: a dispatcher process delivers, not the committing one."""
    settings.PLAZA_OUTBOX_DISPATCHER = True


@pytest.fixture
def received():
    """(topic, payload) of every ``test.*`` event a durable subscriber ran for, in order."""
    seen: list[tuple[str, dict]] = []

    def handler(event):
        seen.append((event.topic, event.payload))

    outbox._subscribers.add("test.*", handler)
    yield seen
    outbox._subscribers.remove("test.*", handler)
