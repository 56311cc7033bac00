"""The name other people see: asked at sign-up, editable on the profile page and through
the API; nothing anyone else sees is ever derived from the e-mail address."""

import pytest
from django.test import Client

from plaza.accounts.models import User
from plaza.notifications.models import Notification
from plaza.social import services as social
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "nina.secret@example.com", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"}


def test_sign_up_asks_for_the_name_others_see(client):
    page = client.get("/accounts/signup/").content.decode()
    assert page.index('name="display_name"') < page.index('name="email"'), "the name comes first"

    nameless = client.post("/accounts/signup/", SIGNUP)
    assert nameless.status_code == 200
    assert "This field is required." in nameless.content.decode()
    assert not User.objects.exists()

    client.post("/accounts/signup/", {**SIGNUP, "display_name": "  Nina Roux  "})
    assert User.objects.get().display_name == "Nina Roux"


def test_someone_without_a_name_is_shown_by_number_never_by_their_address(delivered):
    nameless = UserFactory(email="nina.secret@example.com", display_name="")
    ben = UserFactory()
    with delivered():
        social.send_friend_request(sender=nameless, to_user_id=ben.pk)

    assert nameless.public_name == f"Member {nameless.pk}"
    notice = Notification.objects.get(recipient=ben).text
    assert "nina" not in notice.lower() and f"Member {nameless.pk}" in notice
    page = Client()
    page.force_login(ben)
    assert "nina.secret" not in page.get(f"/people/{nameless.pk}/").content.decode()


def test_the_profile_page_changes_the_name(client):
    person = UserFactory(display_name="")
    assert client.get("/me/").status_code == 302, "signed-in people only"
    client.force_login(person)
    assert f"you appear as “Member {person.pk}”" in client.get("/me/").content.decode()

    blank = client.post("/me/", {"display_name": "   "})
    assert blank.status_code == 422 and "This field is required." in blank.content.decode()
    too_long = client.post("/me/", {"display_name": "x" * 81})
    assert too_long.status_code == 422

    saved = client.post("/me/", {"display_name": "Nina Roux"}, follow=True)
    assert "Your profile is saved." in saved.content.decode()
    person.refresh_from_db()
    assert person.display_name == "Nina Roux"


def test_the_api_changes_the_name(token_client_for):
    person = UserFactory(display_name="Old Name")
    api = token_client_for(person)

    changed = api.patch("/api/v1/accounts/me", {"display_name": "Nina Roux"}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["display_name"] == "Nina Roux"
    blank = api.patch("/api/v1/accounts/me", {"display_name": " "}, content_type="application/json")
    assert blank.status_code == 422 and "display_name" in blank.json()["error"]["fields"]
    person.refresh_from_db()
    assert person.display_name == "Nina Roux"
    anonymous = Client().patch("/api/v1/accounts/me", {"display_name": "X"}, content_type="application/json")
    assert anonymous.status_code == 401
