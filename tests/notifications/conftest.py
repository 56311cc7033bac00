import pytest


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run the block's outbox deliveries (and the ones they cause) as they would run after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
