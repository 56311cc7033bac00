import pytest

from plaza.social import services
from tests.factories import UserFactory


@pytest.fixture
def people(db):
    """Ana, Ben and Cleo, not yet connected."""
    return (
        UserFactory(display_name="Ana Martin"),
        UserFactory(display_name="Ben Okafor"),
        UserFactory(display_name="Cleo Duval"),
    )


@pytest.fixture
def befriend(db):
    def make(one, other):
        request = services.send_friend_request(sender=one, to_user_id=other.pk)
        services.accept_friend_request(user=other, request_id=request.pk)

    return make
