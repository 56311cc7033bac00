import pytest

from tests.storefront.town import build_town


@pytest.fixture
def town(db):
    return build_town()
