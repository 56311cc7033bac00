"""The friends pages: what a signed-in person sees and what each button does."""

import pytest
from django.test import Client

from plaza.social import selectors, services
from plaza.social.models import Circle, FriendRequest, ShopFollow
from tests.factories import PASSWORD, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_friends_page_lists_requests_friends_and_the_invite_link(people, befriend):
    ana, ben, cleo = people
    befriend(ana, ben)
    services.send_friend_request(sender=cleo, to_user_id=ana.pk)

    page = signed_in(ana).get("/friends/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Friend requests" in html and "Cleo Duval" in html and "Ben Okafor" in html
    assert services.invite_for(ana).token in html and "<svg" in html, "the invite link and its QR code"


def test_a_new_person_sees_an_empty_state():
    page = signed_in(UserFactory()).get("/friends/")
    assert "No friends here yet" in page.content.decode()


def test_finding_and_asking_someone_from_the_page(people):
    ana, ben, _ = people
    client = signed_in(ana)

    found = client.get("/friends/?q=ben")
    assert "Ben Okafor" in found.content.decode()
    assert "Type at least" in client.get("/friends/?q=b").content.decode()

    response = client.post("/friends/requests/", {"user_id": ben.pk, "next": "/friends/?q=ben"})

    assert response.status_code == 302 and response["Location"] == "/friends/?q=ben"
    assert FriendRequest.objects.filter(from_user=ana, to_user=ben).exists()


def test_the_next_address_never_leaves_the_site(people):
    ana, ben, _ = people
    response = signed_in(ana).post("/friends/requests/", {"user_id": ben.pk, "next": "https://evil.example/"})
    assert response["Location"] == f"/people/{ben.pk}/"


def test_accepting_from_the_profile_page(people):
    ana, ben, _ = people
    request = services.send_friend_request(sender=ana, to_user_id=ben.pk)
    client = signed_in(ben)
    assert "Wants to be your friend" in client.get(f"/people/{ana.pk}/").content.decode()

    client.post(f"/friends/requests/{request.pk}/accept/", {"next": f"/people/{ana.pk}/"})

    assert selectors.are_friends(ben, ana.pk)
    assert "You are friends." in client.get(f"/people/{ana.pk}/").content.decode()


def test_a_blocker_does_not_exist_for_the_blocked(people):
    ana, ben, _ = people
    services.block(blocker=ana, person_id=ben.pk)
    client = signed_in(ben)

    assert client.get(f"/people/{ana.pk}/").status_code == 404
    assert client.post("/friends/requests/", {"user_id": ana.pk}).status_code == 404
    assert "Ana Martin" not in client.get("/friends/?q=ana").content.decode()


def test_a_refused_action_says_why(people, befriend):
    ana, ben, _ = people
    befriend(ana, ben)
    client = signed_in(ana)

    response = client.post("/friends/requests/", {"user_id": ben.pk}, follow=True)

    assert "You are already friends." in response.content.decode()


def test_creating_a_circle_shows_errors_next_to_the_form(people, befriend):
    ana, ben, _ = people
    befriend(ana, ben)
    client = signed_in(ana)

    refused = client.post("/friends/circles/", {"name": " ", "member_ids": [str(ben.pk)]})
    assert refused.status_code == 422 and "The name is required." in refused.content.decode()
    assert Circle.objects.count() == 0

    created = client.post("/friends/circles/", {"name": "Family", "member_ids": [str(ben.pk)]})
    circle = Circle.objects.get()
    assert created["Location"] == f"/friends/circles/{circle.pk}/"
    assert "Ben Okafor" in client.get(created["Location"]).content.decode()
    assert signed_in(ben).get(created["Location"]).status_code == 404, "a circle is its owner's only"


def test_an_invite_link_for_a_visitor_then_a_friend(people):
    ana, ben, _ = people
    token = services.invite_for(ana).token
    visitor = Client()

    page = visitor.get(f"/friends/invite/{token}/")
    assert "Ana Martin invites you" in page.content.decode() and "Sign in to accept" in page.content.decode()
    assert visitor.post(f"/friends/invite/{token}/")["Location"].startswith("/accounts/login/?next=")

    signed_in(ben).post(f"/friends/invite/{token}/")
    assert selectors.are_friends(ben, ana.pk)
    assert Client().get("/friends/invite/not-a-token/").status_code == 404


def test_privacy_settings_are_saved(people):
    ana = people[0]
    client = signed_in(ana)
    client.post("/settings/privacy/", {"purchases_visible_to_friends": "on", "default_audience": "public"})

    saved = selectors.privacy_of(ana)
    assert saved.purchases_visible_to_friends and not saved.findable_by_name and saved.default_audience == "public"


def test_following_a_shop_from_its_page(people):
    ana = people[0]
    shop = ShopFactory()
    client = signed_in(ana)
    assert "Follow" in client.get(f"/shops/{shop.slug}/").content.decode()

    response = client.post(f"/follows/shops/{shop.pk}/follow/")

    assert response["Location"] == f"/shops/{shop.slug}/"
    assert ShopFollow.objects.filter(follower=ana, shop=shop).exists()
    assert "Following" in client.get(f"/shops/{shop.slug}/").content.decode()


def test_hostile_names_are_shown_as_text():
    hostile = UserFactory(display_name='<script>alert("x")</script>')
    viewer = UserFactory()
    html = signed_in(viewer).get(f"/people/{hostile.pk}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_pages_need_a_signed_in_person():
    for url in ("/friends/", "/friends/circles/", "/settings/privacy/"):
        assert Client().get(url)["Location"].startswith("/accounts/login/")
