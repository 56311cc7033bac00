import pytest
from django.core.cache import cache

from tests.storefront.town import build_town


@pytest.fixture(autouse=True)
def fresh_cache():
    """Cached category counts must not leak from one test's catalog into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def town(db):
    return build_town()
