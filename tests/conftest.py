import uuid

import pytest
from django.conf import settings as django_settings
from django.test import Client


def pytest_collection_modifyitems(config, items):
    if django_settings.IS_POSTGRES:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Uploads go to a temporary folder; background tasks and outbox deliveries run
    inline, right after commit; each test has a cache of its own; passwords hash quickly
    (PBKDF2's million rounds cost 0.3 s a user, the larger part of a test that signs a
    few people up).

    The Redis cache is shared by every xdist worker (and a clear() would flush the others'
    keys), so a fresh key prefix per test stands in for an empty cache.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PLAZA_OUTBOX_DISPATCHER = False
    # Imports name photos on the internet, which tests never reach; tests of the download
    # switch it on against a server of their own.
    settings.PLAZA_IMPORT_FETCH_IMAGES = False
    namespace = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": namespace, "LOCATION": config.get("LOCATION") or namespace}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run the block's outbox deliveries (and the ones they cause) as they would run after
    commit: a test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def pushed():
    """(topic, payload) of every event whose live pushes ran, in order: what open pages
    heard. Pushes run after the commit; in a test's transaction, inside
    ``django_capture_on_commit_callbacks(execute=True)``."""
    from plaza.core import outbox

    heard: list[tuple[str, dict]] = []

    def listen(event) -> None:
        heard.append((event.topic, event.payload))

    outbox._live_subscribers.add("*", listen)
    yield heard
    outbox._live_subscribers.remove("*", listen)


@pytest.fixture
def user_factory(db):
    from plaza.accounts.models import User

    counter = {"n": 0}

    def make(email: str | None = None, password: str = "correct-horse-battery", **extra) -> User:
        counter["n"] += 1
        return User.objects.create_user(email=email or f"user{counter['n']}@example.com", password=password, **extra)

    return make


@pytest.fixture
def api_client():
    return Client(enforce_csrf_checks=False)


class TokenClient(Client):
    """A test client that authenticates to the API with a personal token."""

    def __init__(self, token: str):
        super().__init__(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def token_client_for(db):
    from plaza.accounts.services import create_api_token

    def make(user) -> TokenClient:
        _, raw = create_api_token(user=user, name="tests")
        return TokenClient(raw)

    return make
