"""notify and friends: preferences, dedupe, blocks, validation, and nobody touching another's notifications."""

import pytest

from plaza.core.errors import InvalidInput
from plaza.notifications import selectors, services
from plaza.notifications.models import Channel, Notification, NotificationKind, NotificationPreference
from plaza.social.models import Block
from tests.factories import UserFactory
from tests.notifications.helpers import notify

pytestmark = pytest.mark.django_db


def test_by_default_a_notification_shows_in_the_app_only_and_announces_itself(pushed, django_capture_on_commit_callbacks):
    recipient, actor = UserFactory(), UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(recipient, actor=actor, text="Ana wants to be your friend")

    assert notification.recipient == recipient and notification.actor == actor
    assert notification.text == "Ana wants to be your friend" and notification.url == "/friends/"
    assert notification.is_unread and not notification.email_due
    assert ("notification.created", {"notification_id": notification.pk, "recipient_id": recipient.pk}) in pushed


def test_email_marks_it_due_by_email_and_off_writes_nothing():
    recipient = UserFactory()
    services.set_preference(recipient, NotificationKind.FRIEND_REQUEST, Channel.EMAIL)
    services.set_preference(recipient, NotificationKind.FRIEND_ACCEPTED, Channel.OFF)

    assert notify(recipient, kind=NotificationKind.FRIEND_REQUEST).email_due is True
    assert notify(recipient, kind=NotificationKind.FRIEND_ACCEPTED) is None
    assert list(Notification.objects.values_list("kind", flat=True)) == [NotificationKind.FRIEND_REQUEST]


def test_in_app_after_email_is_in_app_only_and_drops_what_waited_for_the_email():
    recipient = UserFactory()
    services.set_preference(recipient, NotificationKind.FRIEND_REQUEST, Channel.EMAIL)
    waiting = notify(recipient)

    services.set_preference(recipient, NotificationKind.FRIEND_REQUEST, Channel.IN_APP)

    waiting.refresh_from_db()
    assert waiting.email_due is False
    assert notify(recipient).email_due is False
    assert NotificationPreference.objects.get(user=recipient).channel == Channel.IN_APP


def test_the_same_event_delivered_twice_notifies_once(pushed, django_capture_on_commit_callbacks):
    recipient = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient, dedupe_key="friend.requested:41")
        again = notify(recipient, dedupe_key="friend.requested:41")

    assert again == first
    assert Notification.objects.count() == 1
    assert [topic for topic, _ in pushed].count("notification.created") == 1


@pytest.mark.parametrize("blocker_is_recipient", [True, False], ids=["recipient blocked actor", "actor blocked recipient"])
def test_a_block_either_way_silences_the_actor(blocker_is_recipient):
    recipient, actor = UserFactory(), UserFactory()
    Block.objects.create(blocker=recipient if blocker_is_recipient else actor, blocked=actor if blocker_is_recipient else recipient)

    assert notify(recipient, actor=actor) is None
    assert not Notification.objects.exists()


def test_nobody_is_notified_of_their_own_doing_nor_when_gone():
    person = UserFactory()
    assert notify(person, actor=person) is None
    person.is_active = False
    person.save()
    assert notify(person) is None
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"kind": "party"}, "kind"),
        ({"text": ""}, "text"),
        ({"text": "x" * 301}, "text"),
        ({"text": "bad\x00text"}, "text"),
        ({"url": "https://evil.example/"}, "url"),
        ({"url": "//evil.example/"}, "url"),
        ({"url": "/\\evil.example"}, "url"),
        ({"url": "friends/"}, "url"),
        ({"dedupe_key": ""}, "dedupe_key"),
    ],
)
def test_an_invalid_notification_is_refused_with_the_field_and_writes_nothing(
    changes, field, pushed, django_capture_on_commit_callbacks
):
    recipient = UserFactory()
    arguments = {"kind": NotificationKind.FRIEND_REQUEST, "text": "Hello", "url": "/friends/", "dedupe_key": "k", **changes}
    kind = arguments.pop("kind")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput) as refusal:
        services.notify(recipient.pk, kind, actor_id=None, **arguments)
    assert field in refusal.value.fields
    assert not Notification.objects.exists()
    assert "notification.created" not in [topic for topic, _ in pushed]


def test_mark_read_touches_only_the_callers_own():
    me, someone = UserFactory(), UserFactory()
    mine, theirs = notify(me), notify(someone)

    assert services.mark_read(me, [mine.pk, theirs.pk]) == 1
    assert services.mark_read(me, [mine.pk]) == 0  # already read

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert services.mark_all_read(me) == 0
    assert selectors.unread_count(someone.pk) == 1


@pytest.mark.parametrize("ids", [[], list(range(1, 102)), ["1"], [0], [True], "1,2", None])
def test_mark_read_refuses_bad_ids(ids):
    me = UserFactory()
    notification = notify(me)
    with pytest.raises(InvalidInput) as refusal:
        services.mark_read(me, ids)
    assert "ids" in refusal.value.fields
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_reads_everything_of_mine_only():
    me, someone = UserFactory(), UserFactory()
    notify(me), notify(me), notify(someone)

    assert services.mark_all_read(me) == 2
    assert selectors.unread_count(me.pk) == 0
    assert selectors.unread_count(someone.pk) == 1


def test_preferences_list_every_kind_with_defaults_and_refuse_unknown_kinds_and_channels():
    me = UserFactory()
    services.set_preference(me, NotificationKind.FRIEND_ACCEPTED, Channel.OFF)

    expected = {(kind, Channel.IN_APP, Channel.IN_APP) for kind in NotificationKind.values if kind != NotificationKind.FRIEND_ACCEPTED}
    assert {(p.kind, p.channel, p.default) for p in selectors.preferences_of(me)} == expected | {
        (NotificationKind.FRIEND_ACCEPTED, Channel.OFF, Channel.IN_APP),
    }
    with pytest.raises(InvalidInput) as refusal:
        services.set_preference(me, "party", "carrier pigeon")
    assert set(refusal.value.fields) == {"kind", "channel"}
    with pytest.raises(InvalidInput) as refusal:
        services.set_preferences(me, {NotificationKind.FRIEND_REQUEST: Channel.EMAIL, NotificationKind.FRIEND_ACCEPTED: "loud"})
    assert set(refusal.value.fields) == {NotificationKind.FRIEND_ACCEPTED}
    assert NotificationPreference.objects.filter(user=me).count() == 1  # nothing of the refused batch was saved
