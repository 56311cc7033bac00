"""The list pages: the index with its empty state and create form, the list page and its sharing forms."""

import json

import pytest
from django.test import Client

from plaza.lists.models import ListMember, ShoppingList
from tests.factories import UserFactory
from tests.lists.conftest import add_item, counts

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_index_shows_an_empty_state_and_creates_a_list():
    client = signed_in(UserFactory())
    page = client.get("/lists/")
    assert "No lists yet." in page.content.decode()

    created = client.post("/lists/new/", {"title": "Picnic"})
    shopping_list = ShoppingList.objects.get()
    assert created.status_code == 302 and created.url == f"/lists/{shopping_list.pk}/"
    assert "Picnic" in client.get("/lists/").content.decode()


def test_a_bad_title_is_shown_next_to_the_field_and_creates_nothing():
    response = signed_in(UserFactory()).post("/lists/new/", {"title": "   "})
    assert response.status_code == 422
    assert 'id="new-list-error"' in response.content.decode()
    assert ShoppingList.objects.count() == 0


def test_the_index_separates_my_lists_from_those_shared_with_me(household):
    page = signed_in(household.editor).get("/lists/").content.decode()
    shared_part = page.split("Shared with me")[1]
    assert "Weekend" in shared_part and "by Olive · you can edit" in shared_part


def test_the_list_page_carries_the_state_for_the_script_and_shows_who_it_is_shared_with(household):
    add_item(household.owner, household.shopping_list, "Apples")
    page = signed_in(household.viewer).get(f"/lists/{household.shopping_list.pk}/").content.decode()
    data = json.loads(page.split('<script id="list-data" type="application/json">')[1].split("</script>")[0])
    assert (data["version"], data["my_role"], data["items"][0]["text"]) == (1, "viewer", "Apples")
    assert "Eddie" in page and "One of Olive's circles" in page
    assert "Share with a friend" not in page and "Leave this list" in page
    assert 'aria-live="polite"' in page and "lists/list.js" in page


def test_a_stranger_gets_404_for_the_page_and_its_forms(household):
    client = signed_in(household.stranger)
    path = f"/lists/{household.shopping_list.pk}/"
    before = counts()
    assert client.get(path).status_code == 404
    assert client.post(path + "rename/", {"title": "Mine"}).status_code == 404
    assert client.post(path + "members/", {"user_id": household.stranger.pk, "role": "editor"}).status_code == 404
    assert client.post(path + "delete/").status_code == 404
    assert client.get("/lists/99999999999999999999999/").status_code == 404
    assert counts() == before


def test_the_owner_shares_with_friends_only_and_sees_why_not(household):
    client = signed_in(household.owner)
    path = f"/lists/{household.shopping_list.pk}/"
    page = client.get(path).content.decode()
    assert "Share with a friend" in page and "Family" in page

    refused = client.post(path + "members/", {"user_id": household.stranger.pk, "role": "editor"})
    assert refused.status_code == 422
    assert "You can share a list only with your friends." in refused.content.decode()

    outsider = UserFactory()
    assert client.post(path + "members/", {"user_id": outsider.pk, "role": "boss"}).status_code == 422
    assert not ListMember.objects.filter(user=outsider).exists()


def test_an_editor_cannot_use_the_owners_forms_and_can_leave(household):
    client = signed_in(household.editor)
    path = f"/lists/{household.shopping_list.pk}/"
    response = client.post(path + "rename/", {"title": "Mine"})
    assert response.status_code == 403
    household.shopping_list.refresh_from_db()
    assert household.shopping_list.title == "Weekend"

    assert client.post(path + "leave/").status_code == 302
    assert client.get(path).status_code == 404


def test_the_owner_takes_the_circle_off_and_deletes_the_list(household):
    client = signed_in(household.owner)
    path = f"/lists/{household.shopping_list.pk}/"
    assert client.post(path + "circle/", {"circle_id": ""}).status_code == 302
    assert signed_in(household.circle_member).get(path).status_code == 404
    assert client.post(path + "delete/").url == "/lists/"
    assert ShoppingList.objects.count() == 0
