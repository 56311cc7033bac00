"""Asking, withdrawing and asking again leaves one request and one notice; writes that
reach other people are limited per person, with a clear 429."""

import json

import pytest

from plaza.core.models import OutboxEvent
from plaza.feed.models import Comment
from plaza.notifications.models import Notification, NotificationKind
from plaza.social import services as social
from plaza.social.models import FriendRequest
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def request_notices(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person, kind=NotificationKind.FRIEND_REQUEST).values_list("text", flat=True))


def test_withdrawing_and_asking_again_leaves_one_request_and_one_notice(delivered):
    ana, ben = UserFactory(display_name="Ana Lima"), UserFactory()
    for _ in range(6):
        with delivered():
            request = social.send_friend_request(sender=ana, to_user_id=ben.pk)
        with delivered():
            social.cancel_friend_request(user=ana, request_id=request.pk)
    assert request_notices(ben) == []
    with delivered():
        social.send_friend_request(sender=ana, to_user_id=ben.pk)

    assert FriendRequest.objects.count() == 1
    assert request_notices(ben) == ["Ana Lima wants to be your friend"]


def test_a_declined_or_accepted_request_takes_its_notice_along(delivered):
    ana, ben, cleo = UserFactory(), UserFactory(), UserFactory()
    with delivered():
        declined = social.send_friend_request(sender=ana, to_user_id=ben.pk)
        accepted = social.send_friend_request(sender=cleo, to_user_id=ben.pk)
    assert len(request_notices(ben)) == 2

    with delivered():
        social.decline_friend_request(user=ben, request_id=declined.pk)
        social.accept_friend_request(user=ben, request_id=accepted.pk)

    assert request_notices(ben) == []
    assert Notification.objects.filter(recipient=cleo, kind=NotificationKind.FRIEND_ACCEPTED).count() == 1


def test_a_loop_of_friend_requests_is_stopped_with_a_429(settings, token_client_for):
    settings.PLAZA_RATE_LIMITS = {**settings.PLAZA_RATE_LIMITS, "friend_request": (3, 3600)}
    spammer = UserFactory()
    api = token_client_for(spammer)
    targets = [UserFactory() for _ in range(5)]

    answers = [post(api, "/api/v1/social/friend-requests", {"user_id": target.pk}) for target in targets]

    assert [answer.status_code for answer in answers] == [201, 201, 201, 429, 429]
    refused = answers[3]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "try again in" in refused.json()["error"]["message"]
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert FriendRequest.objects.count() == 3
    assert OutboxEvent.objects.filter(topic="friend.requested").count() == 3


def test_the_limit_is_per_person(settings, token_client_for):
    settings.PLAZA_RATE_LIMITS = {**settings.PLAZA_RATE_LIMITS, "friend_request": (1, 3600)}
    ana, ben, target = UserFactory(), UserFactory(), UserFactory()
    assert post(token_client_for(ana), "/api/v1/social/friend-requests", {"user_id": target.pk}).status_code == 201
    assert post(token_client_for(ben), "/api/v1/social/friend-requests", {"user_id": target.pk}).status_code == 201


def test_comments_asks_and_shares_are_limited_too(settings, token_client_for):
    settings.PLAZA_RATE_LIMITS = {action: (1, 600) for action in settings.PLAZA_RATE_LIMITS}
    ana = UserFactory()
    api = token_client_for(ana)
    product = ProductFactory()

    shares = [post(api, "/api/v1/feed/shares", {"kind": "product", "subject_id": product.pk}) for _ in range(2)]
    assert [answer.status_code for answer in shares] == [201, 429]
    share_id = shares[0].json()["id"]
    comments = [post(api, f"/api/v1/feed/shares/{share_id}/comments", {"text": "Nice"}) for _ in range(2)]
    assert [answer.status_code for answer in comments] == [201, 429]
    assert Comment.objects.count() == 1
    ask = {"question": "Which one?", "product_id": product.pk, "poll_kind": "yes_no", "audience": "friends"}
    asks = [post(api, "/api/v1/asks/", ask) for _ in range(2)]
    assert [answer.status_code for answer in asks] == [201, 429]
