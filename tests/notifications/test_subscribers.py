"""Friend requests and acceptances, made through the real social services, tell the right person."""

import pytest

from plaza.core.models import OutboxEvent
from plaza.core.outbox import deliver
from plaza.notifications.models import Notification, NotificationKind
from plaza.social import services as social
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_friend_request_tells_its_receiver_only(delivered):
    ana, ben = UserFactory(display_name="Ana Lima"), UserFactory(display_name="Ben Roy")

    with delivered():
        social.send_friend_request(sender=ana, to_user_id=ben.pk)

    notification = Notification.objects.get()
    assert notification.recipient == ben and notification.actor == ana
    assert notification.kind == NotificationKind.FRIEND_REQUEST
    assert notification.text == "Ana Lima wants to be your friend"
    assert notification.url == "/friends/"


def test_accepting_tells_the_one_who_asked(delivered):
    ana, ben = UserFactory(display_name="Ana Lima"), UserFactory(display_name="Ben Roy")
    with delivered():
        request = social.send_friend_request(sender=ana, to_user_id=ben.pk)
    with delivered():
        social.accept_friend_request(user=ben, request_id=request.pk)

    accepted = Notification.objects.get(kind=NotificationKind.FRIEND_ACCEPTED)
    assert accepted.recipient == ana and accepted.actor == ben
    assert accepted.text == "Ben Roy accepted your friend request"
    assert accepted.url == f"/people/{ben.pk}/"
    assert not Notification.objects.filter(recipient=ben, kind=NotificationKind.FRIEND_ACCEPTED).exists()


def test_asking_back_accepts_and_tells_the_first_asker(delivered):
    ana, ben = UserFactory(display_name="Ana Lima"), UserFactory(display_name="Ben Roy")
    with delivered():
        social.send_friend_request(sender=ana, to_user_id=ben.pk)
    with delivered():
        social.send_friend_request(sender=ben, to_user_id=ana.pk)

    assert Notification.objects.get(kind=NotificationKind.FRIEND_ACCEPTED).recipient == ana


def test_a_redelivered_event_does_not_notify_twice(delivered):
    ana, ben = UserFactory(), UserFactory()
    with delivered():
        social.send_friend_request(sender=ana, to_user_id=ben.pk)
    event = OutboxEvent.objects.get(topic="friend.requested")

    OutboxEvent.objects.filter(pk=event.pk).update(delivered_at=None)
    assert deliver([event.pk]) == 1

    assert Notification.objects.filter(recipient=ben).count() == 1


def test_a_name_with_control_characters_still_notifies(delivered):
    ana, ben = UserFactory(display_name="Ana\x07Lima"), UserFactory()
    with delivered():
        social.send_friend_request(sender=ana, to_user_id=ben.pk)
    assert Notification.objects.get().text == "Ana Lima wants to be your friend"
