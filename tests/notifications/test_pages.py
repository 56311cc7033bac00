"""The /notifications/ page, the bell in the top bar, opening one, and the preferences form."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from plaza.notifications import services
from plaza.notifications.models import Channel, Notification, NotificationKind, NotificationPreference
from plaza.notifications.views import NOTIFICATIONS_PER_PAGE
from tests.factories import UserFactory
from tests.notifications.helpers import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client):
    person = UserFactory()
    client.force_login(person)
    return person


def test_the_page_lists_mine_unread_highlighted_and_the_bell_counts_them(client, me):
    read = notify(me, text="Ana wants to be your friend")
    services.mark_read(me, [read.pk])
    notify(me, text="Ben accepted your friend request")
    notify(UserFactory(), text="Not for me")

    page = client.get("/notifications/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Ana wants to be your friend" in html and "Ben accepted your friend request" in html
    assert "Not for me" not in html
    assert html.count('class="notification unread"') == 1
    assert 'id="notification-bell"' in html and '<span class="badge" data-unread-number>1</span>' in html
    assert "notifications/live.js" in html
    assert "Mark all as read" in html


def test_an_empty_page_says_so_and_the_bell_badge_is_hidden(client, me):
    html = client.get("/notifications/").content.decode()
    assert "Nothing new" in html
    assert "data-unread-badge hidden" in html


def test_the_bell_costs_one_count_per_page_for_people_and_nothing_for_guests(client):
    guest_page = client.get("/cart/")
    assert "notification-bell" not in guest_page.content.decode()

    person = UserFactory()
    notify(person)
    client.force_login(person)
    with CaptureQueriesContext(connection) as queries:
        client.get("/cart/")
    counts = [query["sql"] for query in queries.captured_queries if "notifications_notification" in query["sql"]]
    assert len(counts) == 1 and "COUNT" in counts[0].upper()


def test_the_list_is_paginated(client, me):
    for n in range(NOTIFICATIONS_PER_PAGE + 1):
        notify(me, text=f"Item {n:02d}")
    first = client.get("/notifications/").content.decode()
    second = client.get("/notifications/?page=2").content.decode()
    assert f"Item {NOTIFICATIONS_PER_PAGE:02d}" in first and "Item 00" not in first
    assert "Item 00" in second and "data-live-prepend" not in second


def test_mark_all_as_read_is_a_post_that_reads_mine_only(client, me):
    notify(me), notify(me)
    theirs = notify(UserFactory())

    assert client.get("/notifications/read-all/").status_code == 405
    answer = client.post("/notifications/read-all/")

    assert answer.status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_opening_one_marks_it_read_and_goes_to_its_page(client, me):
    notification = notify(me, url="/people/7/")
    answer = client.get(f"/notifications/{notification.pk}/open/")
    assert answer.status_code == 302 and answer["Location"] == "/people/7/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_anothers_is_a_404_and_leaves_it_unread(client, me):
    theirs = notify(UserFactory())
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.get("/notifications/999999999999999999/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_stored_link_off_the_site_is_never_followed(client, me):
    notification = notify(me)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(url="//evil.example/")
    # A browser drops the tab and reads //evil.example: past the constraint, caught by the view.
    Notification.objects.filter(pk=notification.pk).update(url="/\t/evil.example/")

    answer = client.get(f"/notifications/{notification.pk}/open/")

    assert answer.status_code == 302 and answer["Location"] == "/notifications/"


def test_guests_are_sent_to_log_in(client):
    answer = client.get("/notifications/")
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_the_preferences_form_saves_every_kind(client, me):
    choices = {kind: Channel.IN_APP for kind in NotificationKind.values}
    choices.update({NotificationKind.FRIEND_REQUEST: Channel.EMAIL, NotificationKind.FRIEND_ACCEPTED: Channel.OFF})
    answer = client.post("/notifications/preferences/", choices)
    assert answer.status_code == 302
    assert dict(NotificationPreference.objects.filter(user=me).values_list("kind", "channel")) == choices
    html = client.get("/notifications/").content.decode()
    assert 'name="friend_request" value="email" id="id_friend_request_1" required checked' in html
    assert 'name="friend_accepted" value="off" id="id_friend_accepted_2" required checked' in html


def test_the_form_shows_the_defaults_to_someone_who_never_chose(client, me):
    html = client.get("/notifications/").content.decode()
    assert 'name="friend_request" value="in_app" id="id_friend_request_0" required checked' in html


def test_a_bad_choice_is_shown_next_to_its_field_and_nothing_is_saved(client, me):
    answer = client.post("/notifications/preferences/", {"friend_request": "email", "friend_accepted": "pigeon"})
    assert answer.status_code == 422
    assert "Select a valid choice" in answer.content.decode()
    assert not NotificationPreference.objects.exists()
