"""The batched e-mail: one per person for what they chose to hear of by e-mail, sent once."""

import threading
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection

from plaza.notifications import services
from plaza.notifications.models import Channel, Notification, NotificationKind
from plaza.notifications.tasks import send_notification_emails
from tests.factories import UserFactory
from tests.notifications.helpers import notify

pytestmark = pytest.mark.django_db


def by_email(*kinds):
    person = UserFactory()
    for kind in kinds or NotificationKind.values:
        services.set_preference(person, kind, Channel.EMAIL)
    return person


def test_fifty_notifications_make_one_email_per_person_and_a_second_run_sends_nothing(mailoutbox):
    busy, quiet = by_email(), by_email()
    for n in range(50):
        notify(busy, text=f"Answer number {n}")
    notify(quiet, kind=NotificationKind.FRIEND_ACCEPTED, text="Ben accepted your friend request")

    assert send_notification_emails.enqueue().return_value == 2

    assert sorted(message.to[0] for message in mailoutbox) == sorted([busy.email, quiet.email])
    to_busy = next(message for message in mailoutbox if message.to == [busy.email])
    assert to_busy.subject == "50 new notifications on Plaza"
    assert all(f"Answer number {n}" in to_busy.body for n in range(50))
    html = to_busy.alternatives[0][0]
    assert "Answer number 49" in html and "/notifications/" in html
    to_quiet = next(message for message in mailoutbox if message.to == [quiet.email])
    assert to_quiet.subject == "1 new notification on Plaza"
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()

    assert services.send_due_emails() == 0
    assert len(mailoutbox) == 2


def test_in_app_only_and_read_ones_are_not_emailed(mailoutbox):
    in_app = UserFactory()
    notify(in_app)
    seen_already = by_email()
    services.mark_read(seen_already, [notify(seen_already).pk])
    later = by_email()
    notify(later, text="Still unread")

    assert services.send_due_emails() == 1
    assert [message.to for message in mailoutbox] == [[later.email]]
    assert "Still unread" in mailoutbox[0].body


def test_each_link_opens_the_notification_so_following_it_marks_it_read(mailoutbox, client):
    person = by_email()
    notification = notify(person)
    services.send_due_emails()
    link = next(line.strip() for line in mailoutbox[0].body.splitlines() if "/open/" in line)
    assert link.startswith("http") and link.endswith(f"/notifications/{notification.pk}/open/")

    client.force_login(person)
    answer = client.get(urlsplit(link).path)

    assert answer.status_code == 302 and answer["Location"] == "/friends/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_failed_send_is_retried_on_the_next_run(mailoutbox, monkeypatch):
    person = by_email()
    notify(person)
    def mail_server_down(message):
        raise OSError("mail server down")

    monkeypatch.setattr("plaza.notifications.emails.EmailMultiAlternatives.send", mail_server_down)

    assert services.send_due_emails() == 0
    assert Notification.objects.get().emailed_at is None

    monkeypatch.undo()
    assert services.send_due_emails() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_notification_once(mailoutbox):
    people = [by_email() for _ in range(4)]
    for person in people:
        for n in range(5):
            notify(person, text=f"For {person.pk}, number {n}")
    start = threading.Barrier(2)

    def worker():
        try:
            start.wait()
            services.send_due_emails()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(message.to[0] for message in mail.outbox) == sorted(person.email for person in people)
    assert all(message.subject == "5 new notifications on Plaza" for message in mail.outbox)
