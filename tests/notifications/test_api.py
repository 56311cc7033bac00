"""/api/v1/notifications/ through HTTP: one's own list, polling, the count, marking read, preferences."""

import json

import pytest
from django.test import Client

from plaza.notifications.models import Notification, NotificationKind, NotificationPreference
from tests.factories import UserFactory
from tests.notifications.helpers import notify

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notifications"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def put(client, url, body):
    return client.put(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def me(db):
    return UserFactory()


@pytest.fixture
def as_me(me, token_client_for):
    return token_client_for(me)


def texts(answer) -> list[str]:
    return [item["text"] for item in answer.json()["items"]]


def test_the_list_is_mine_newest_first_and_unread_filters(me, as_me):
    first, second, third = (notify(me, text=f"Number {n}") for n in (1, 2, 3))
    notify(UserFactory(), text="Not mine")
    post(as_me, f"{BASE}/read", {"ids": [second.pk]})

    everything = as_me.get(f"{BASE}/")
    assert everything.status_code == 200
    assert texts(everything) == ["Number 3", "Number 2", "Number 1"]
    assert everything.json()["count"] == 3
    item = everything.json()["items"][0]
    assert item["id"] == third.pk and item["url"] == "/friends/" and item["kind"] == "friend_request" and item["read"] is False
    assert texts(as_me.get(f"{BASE}/?unread=true")) == ["Number 3", "Number 1"]
    assert texts(as_me.get(f"{BASE}/?limit=1&offset=1")) == ["Number 2"]


def test_polling_with_after_id_brings_what_is_new_oldest_first(me, as_me):
    seen = notify(me, text="Seen")
    assert as_me.get(f"{BASE}/?after_id={seen.pk}").json() == {"items": [], "count": 0}

    notify(me, text="New one"), notify(me, text="Newer one"), notify(UserFactory(), text="Someone else's")

    answer = as_me.get(f"{BASE}/?after_id={seen.pk}")
    assert texts(answer) == ["New one", "Newer one"]
    bounded = as_me.get(f"{BASE}/?after_id=0&limit=2")
    assert texts(bounded) == ["Seen", "New one"] and bounded.json()["count"] == 3


def test_the_unread_count_follows_marking_read(me, as_me):
    one, two, theirs = notify(me), notify(me), notify(UserFactory())
    assert as_me.get(f"{BASE}/unread-count").json() == {"unread": 2}

    answer = post(as_me, f"{BASE}/read", {"ids": [one.pk, theirs.pk, 999_999]})
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 1}

    assert post(as_me, f"{BASE}/read-all").json() == {"marked": 1, "unread": 0}
    assert as_me.get(f"{BASE}/unread-count").json() == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_one_person_never_sees_nor_marks_anothers(me, as_me, token_client_for):
    someone = UserFactory()
    theirs = notify(someone, text="For someone else")
    as_someone = token_client_for(someone)

    assert as_me.get(f"{BASE}/").json()["count"] == 0
    assert as_me.get(f"{BASE}/?after_id=0").json()["count"] == 0
    assert post(as_me, f"{BASE}/read", {"ids": [theirs.pk]}).json()["marked"] == 0
    post(as_me, f"{BASE}/read-all")

    assert as_someone.get(f"{BASE}/unread-count").json() == {"unread": 1}
    assert texts(as_someone.get(f"{BASE}/")) == ["For someone else"]


@pytest.mark.parametrize(
    "body",
    [{}, {"ids": []}, {"ids": list(range(1, 102))}, {"ids": [0]}, {"ids": ["x"]}, {"ids": [2**63]}, {"ids": "1"}],
)
def test_bad_ids_are_a_422_with_the_field_and_nothing_changes(me, as_me, body):
    notification = notify(me)
    answer = post(as_me, f"{BASE}/read", body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "invalid" and answer.json()["error"]["fields"]
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize("query", ["after_id=-1", "after_id=abc", f"after_id={2**63}", "limit=0", "limit=101", "unread=maybe"])
def test_bad_list_parameters_are_a_422(as_me, query):
    assert as_me.get(f"{BASE}/?{query}").status_code == 422


def test_preferences_list_every_kind_and_one_is_changed(me, as_me):
    defaults = as_me.get(f"{BASE}/preferences")
    assert defaults.status_code == 200
    assert {(item["kind"], item["channel"]) for item in defaults.json()} == {(kind, "in_app") for kind in NotificationKind.values}

    answer = put(as_me, f"{BASE}/preferences/friend_accepted", {"channel": "email"})
    assert answer.status_code == 200
    chosen = {item["kind"]: item["channel"] for item in answer.json()}
    assert chosen["friend_accepted"] == "email" and chosen["friend_request"] == "in_app"
    assert NotificationPreference.objects.get(user=me).channel == "email"


@pytest.mark.parametrize(
    "kind, body, field",
    [("party", {"channel": "email"}, "kind"), ("friend_request", {"channel": "pigeon"}, "channel"), ("friend_request", {}, "channel")],
)
def test_an_unknown_kind_or_channel_is_a_422_and_nothing_is_saved(as_me, kind, body, field):
    answer = put(as_me, f"{BASE}/preferences/{kind}", body)
    assert answer.status_code == 422
    assert field in answer.json()["error"]["fields"]
    assert not NotificationPreference.objects.exists()


@pytest.mark.parametrize(
    "method, path",
    [("get", "/"), ("get", "/unread-count"), ("post", "/read"), ("post", "/read-all"), ("get", "/preferences"), ("put", "/preferences/friend_request")],
)
def test_guests_get_401(me, method, path):
    notify(me)
    client = Client()
    if method == "get":
        answer = client.get(BASE + path)
    else:
        answer = getattr(client, method)(BASE + path, json.dumps({"ids": [1], "channel": "off"}), content_type="application/json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "unauthorized"
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_signed_in_browser_uses_its_session_and_must_send_the_csrf_token(me):
    notification = notify(me)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(me)

    assert browser.get(f"{BASE}/unread-count").json() == {"unread": 1}
    refused = post(browser, f"{BASE}/read-all")
    assert refused.status_code == 403
    notification.refresh_from_db()
    assert notification.read_at is None
