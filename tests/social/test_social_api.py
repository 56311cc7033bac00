"""The social graph through /api/v1/social/: requests, friends, follows, blocks, circles, invites, privacy."""

import json

import pytest

from plaza.core.models import OutboxEvent
from plaza.social.models import Block, Circle, CircleMember, FriendRequest, Friendship, ShopFollow, UserFollow
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def friend_names(client) -> list[str]:
    return [item["name"] for item in client.get("/api/v1/social/friends").json()["items"]]


def test_a_request_accepted_makes_both_friends(people, token_client_for):
    ana, ben, _ = people
    as_ana, as_ben = token_client_for(ana), token_client_for(ben)

    sent = post(as_ana, "/api/v1/social/friend-requests", {"user_id": ben.pk})
    assert sent.status_code == 201 and sent.json()["status"] == "requested"
    received = as_ben.get("/api/v1/social/friend-requests").json()["items"]
    assert [item["from_user"]["name"] for item in received] == ["Ana Martin"]
    assert as_ana.get("/api/v1/social/friend-requests?direction=sent").json()["count"] == 1

    assert post(as_ben, f"/api/v1/social/friend-requests/{received[0]['id']}/accept").status_code == 204

    assert friend_names(as_ana) == ["Ben Okafor"] and friend_names(as_ben) == ["Ana Martin"]
    assert FriendRequest.objects.count() == 0
    assert as_ana.get(f"/api/v1/social/people/{ben.pk}").json()["relationship"] == "friends"


def test_asking_someone_who_already_asked_you_makes_you_friends(people, token_client_for):
    ana, ben, _ = people
    post(token_client_for(ana), "/api/v1/social/friend-requests", {"user_id": ben.pk})

    answer = post(token_client_for(ben), "/api/v1/social/friend-requests", {"user_id": ana.pk})

    assert answer.status_code == 200 and answer.json() == {"status": "friends", "request": None}
    assert Friendship.objects.count() == 2 and FriendRequest.objects.count() == 0


def test_a_request_twice_or_to_a_friend_is_a_conflict(people, token_client_for, befriend):
    ana, ben, cleo = people
    as_ana = token_client_for(ana)
    post(as_ana, "/api/v1/social/friend-requests", {"user_id": ben.pk})
    assert post(as_ana, "/api/v1/social/friend-requests", {"user_id": ben.pk}).status_code == 409
    befriend(ana, cleo)
    assert post(as_ana, "/api/v1/social/friend-requests", {"user_id": cleo.pk}).status_code == 409
    assert FriendRequest.objects.count() == 1


@pytest.mark.parametrize(
    "body, status, field",
    [({"user_id": 10**12}, 404, "user_id"), ({"user_id": 0}, 422, "user_id"), ({}, 422, "user_id")],
)
def test_a_request_to_nobody_is_refused_and_writes_nothing(people, token_client_for, body, status, field):
    response = post(token_client_for(people[0]), "/api/v1/social/friend-requests", body)
    assert response.status_code == status
    assert field in response.json()["error"]["fields"]
    assert FriendRequest.objects.count() == 0 and OutboxEvent.objects.count() == 0


def test_a_request_to_oneself_is_refused(people, token_client_for):
    ana = people[0]
    response = post(token_client_for(ana), "/api/v1/social/friend-requests", {"user_id": ana.pk})
    assert response.status_code == 422 and FriendRequest.objects.count() == 0


def test_only_the_receiver_answers_and_only_the_sender_withdraws(people, token_client_for):
    ana, ben, cleo = people
    request_id = post(token_client_for(ana), "/api/v1/social/friend-requests", {"user_id": ben.pk}).json()["request"]["id"]
    as_cleo, as_ana, as_ben = token_client_for(cleo), token_client_for(ana), token_client_for(ben)

    assert post(as_cleo, f"/api/v1/social/friend-requests/{request_id}/accept").status_code == 404
    assert post(as_ana, f"/api/v1/social/friend-requests/{request_id}/accept").status_code == 404
    assert as_ben.delete(f"/api/v1/social/friend-requests/{request_id}").status_code == 404
    assert Friendship.objects.count() == 0

    assert as_ana.delete(f"/api/v1/social/friend-requests/{request_id}").status_code == 204
    assert post(as_ben, f"/api/v1/social/friend-requests/{request_id}/decline").status_code == 404
    assert FriendRequest.objects.count() == 0


def test_declining_deletes_the_request(people, token_client_for):
    ana, ben, _ = people
    request_id = post(token_client_for(ana), "/api/v1/social/friend-requests", {"user_id": ben.pk}).json()["request"]["id"]
    assert post(token_client_for(ben), f"/api/v1/social/friend-requests/{request_id}/decline").status_code == 204
    assert FriendRequest.objects.count() == 0 and Friendship.objects.count() == 0


def test_unfriending_removes_both_directions_and_the_circle_places(people, token_client_for, befriend):
    ana, ben, _ = people
    befriend(ana, ben)
    as_ana, as_ben = token_client_for(ana), token_client_for(ben)
    circle_id = post(as_ana, "/api/v1/social/circles", {"name": "Family", "member_ids": [ben.pk]}).json()["id"]
    post(as_ben, "/api/v1/social/circles", {"name": "Climbing", "member_ids": [ana.pk]})

    assert as_ben.delete(f"/api/v1/social/friends/{ana.pk}").status_code == 204

    assert friend_names(as_ana) == [] and friend_names(as_ben) == []
    assert CircleMember.objects.count() == 0
    assert as_ana.get(f"/api/v1/social/circles/{circle_id}").json()["members"] == []
    assert as_ben.delete(f"/api/v1/social/friends/{ana.pk}").status_code == 404


def test_blocking_cuts_every_tie_and_hides_the_blocker(people, token_client_for, befriend):
    ana, ben, _ = people
    befriend(ana, ben)
    as_ana, as_ben = token_client_for(ana), token_client_for(ben)
    assert as_ben.put(f"/api/v1/social/people/{ana.pk}/follow").status_code == 204
    post(as_ana, "/api/v1/social/circles", {"name": "Family", "member_ids": [ben.pk]})

    assert as_ana.put(f"/api/v1/social/blocks/{ben.pk}").status_code == 204

    assert Friendship.objects.count() == 0 and UserFollow.objects.count() == 0 and CircleMember.objects.count() == 0
    # To Ben, Ana no longer exists: not found, not findable, cannot be asked or followed.
    assert as_ben.get(f"/api/v1/social/people/{ana.pk}").status_code == 404
    assert as_ben.get("/api/v1/social/people?q=Ana").json() == []
    assert post(as_ben, "/api/v1/social/friend-requests", {"user_id": ana.pk}).status_code == 404
    assert as_ben.put(f"/api/v1/social/people/{ana.pk}/follow").status_code == 404
    # Nor can Ana reach Ben until she unblocks him.
    assert post(as_ana, "/api/v1/social/friend-requests", {"user_id": ben.pk}).status_code == 404
    assert [item["name"] for item in as_ana.get("/api/v1/social/blocks").json()["items"]] == ["Ben Okafor"]

    assert as_ana.delete(f"/api/v1/social/blocks/{ben.pk}").status_code == 204
    assert as_ben.get(f"/api/v1/social/people/{ana.pk}").json()["relationship"] == "none"
    assert Block.objects.count() == 0


def test_a_blocked_person_cannot_accept_the_blockers_invite_link(people, token_client_for):
    ana, ben, _ = people
    as_ana = token_client_for(ana)
    token = as_ana.get("/api/v1/social/invite").json()["token"]
    as_ana.put(f"/api/v1/social/blocks/{ben.pk}")

    assert post(token_client_for(ben), f"/api/v1/social/invites/{token}/accept").status_code == 404
    assert Friendship.objects.count() == 0


def test_finding_people_by_name_or_exact_address(people, token_client_for, befriend):
    ana, ben, cleo = people
    befriend(ana, cleo)
    as_ana = token_client_for(ana)
    other_cleo = UserFactory(display_name="Cleo Stranger")

    names = [person["name"] for person in as_ana.get("/api/v1/social/people?q=cleo").json()]
    assert names == ["Cleo Duval", "Cleo Stranger"], "friends come first"
    assert as_ana.get("/api/v1/social/people?q=ana").json() == [], "never oneself"

    patch(token_client_for(other_cleo), "/api/v1/social/privacy", {"findable_by_name": False})
    assert [p["name"] for p in as_ana.get("/api/v1/social/people?q=cleo").json()] == ["Cleo Duval"]
    by_address = as_ana.get(f"/api/v1/social/people?q={other_cleo.email.upper()}").json()
    assert [p["id"] for p in by_address] == [other_cleo.pk]
    assert "email" not in by_address[0], "addresses are never shown to others"

    assert as_ana.get("/api/v1/social/people?q=a").status_code == 422
    assert as_ana.get("/api/v1/social/people?q=%00%00").status_code == 422


def test_circles_hold_only_friends_and_are_private_to_their_owner(people, token_client_for, befriend):
    ana, ben, cleo = people
    befriend(ana, ben)
    as_ana, as_cleo = token_client_for(ana), token_client_for(cleo)

    refused = post(as_ana, "/api/v1/social/circles", {"name": "Book club", "member_ids": [ben.pk, cleo.pk]})
    assert refused.status_code == 422 and "member_ids" in refused.json()["error"]["fields"]
    assert Circle.objects.count() == 0

    created = post(as_ana, "/api/v1/social/circles", {"name": "Book club", "member_ids": [ben.pk]})
    assert created.status_code == 201 and [m["name"] for m in created.json()["members"]] == ["Ben Okafor"]
    circle_id = created.json()["id"]
    assert post(as_ana, "/api/v1/social/circles", {"name": "BOOK CLUB"}).status_code == 422
    assert post(as_ana, "/api/v1/social/circles", {"name": "   "}).status_code == 422
    assert post(as_ana, "/api/v1/social/circles", {"name": "x" * 61}).status_code == 422

    assert as_cleo.get(f"/api/v1/social/circles/{circle_id}").status_code == 404
    assert patch(as_cleo, f"/api/v1/social/circles/{circle_id}", {"name": "Mine"}).status_code == 404
    assert as_cleo.delete(f"/api/v1/social/circles/{circle_id}").status_code == 404
    assert post(as_cleo, f"/api/v1/social/circles/{circle_id}/members", {"member_ids": [cleo.pk]}).status_code == 404

    assert patch(as_ana, f"/api/v1/social/circles/{circle_id}", {"name": "Readers"}).json()["name"] == "Readers"
    assert as_ana.delete(f"/api/v1/social/circles/{circle_id}/members/{ben.pk}").status_code == 204
    assert as_ana.delete(f"/api/v1/social/circles/{circle_id}/members/{ben.pk}").status_code == 404
    assert [c["member_count"] for c in as_ana.get("/api/v1/social/circles").json()] == [0]
    assert as_ana.delete(f"/api/v1/social/circles/{circle_id}").status_code == 204
    assert Circle.objects.count() == 0


def test_an_invite_link_makes_friends_and_a_reset_link_stops_working(people, token_client_for):
    ana, ben, cleo = people
    as_ana = token_client_for(ana)
    link = as_ana.get("/api/v1/social/invite").json()
    assert link["url"].endswith(f"/friends/invite/{link['token']}/")
    assert post(as_ana, f"/api/v1/social/invites/{link['token']}/accept").status_code == 422

    accepted = post(token_client_for(ben), f"/api/v1/social/invites/{link['token']}/accept")
    assert accepted.status_code == 200 and accepted.json()["name"] == "Ana Martin"
    assert friend_names(as_ana) == ["Ben Okafor"]

    new_token = post(as_ana, "/api/v1/social/invite/reset").json()["token"]
    assert new_token != link["token"]
    assert post(token_client_for(cleo), f"/api/v1/social/invites/{link['token']}/accept").status_code == 404
    assert post(token_client_for(cleo), "/api/v1/social/invites/no-such-token/accept").status_code == 404


def test_following_a_shop(people, token_client_for):
    ana = people[0]
    as_ana = token_client_for(ana)
    shop = ShopFactory(name="Maison Lumière")
    closed = ShopFactory(is_active=False)

    assert as_ana.put(f"/api/v1/social/followed-shops/{shop.pk}").status_code == 204
    assert as_ana.put(f"/api/v1/social/followed-shops/{shop.pk}").status_code == 204, "following twice is harmless"
    assert as_ana.put(f"/api/v1/social/followed-shops/{closed.pk}").status_code == 404
    assert [item["name"] for item in as_ana.get("/api/v1/social/followed-shops").json()["items"]] == ["Maison Lumière"]
    assert as_ana.delete(f"/api/v1/social/followed-shops/{shop.pk}").status_code == 204
    assert ShopFollow.objects.count() == 0


def test_privacy_defaults_keep_purchases_private(people, token_client_for):
    as_ana = token_client_for(people[0])
    assert as_ana.get("/api/v1/social/privacy").json() == {
        "purchases_visible_to_friends": False,
        "saves_visible_to_friends": True,
        "findable_by_name": True,
        "default_audience": "friends",
    }
    changed = patch(as_ana, "/api/v1/social/privacy", {"purchases_visible_to_friends": True, "default_audience": "public"})
    assert changed.json()["purchases_visible_to_friends"] is True and changed.json()["default_audience"] == "public"
    assert patch(as_ana, "/api/v1/social/privacy", {"default_audience": "circle"}).status_code == 422


def test_everything_needs_a_signed_in_caller(api_client):
    for url in ("/api/v1/social/friends", "/api/v1/social/circles", "/api/v1/social/invite", "/api/v1/social/privacy"):
        assert api_client.get(url).status_code == 401
