"""Reads of a person's own notifications and preferences: nobody reads anyone else's."""

from dataclasses import dataclass

from django.db.models import QuerySet

from plaza.core.errors import NotFound
from plaza.notifications.models import DEFAULT_CHANNELS, Notification, NotificationKind, NotificationPreference


def notifications_of(user, *, unread: bool = False) -> QuerySet:
    """Newest first."""
    notifications = Notification.objects.filter(recipient=user).order_by("-id")
    return notifications.filter(read_at__isnull=True) if unread else notifications


def notifications_after(user, after_id: int, *, unread: bool = False) -> QuerySet:
    """What arrived after the one a polling client saw last, oldest first."""
    return notifications_of(user, unread=unread).filter(pk__gt=after_id).order_by("id")


def unread_count(user_id: int) -> int:
    """One COUNT on the partial index of unread notifications."""
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def notification_of(user, notification_id: int) -> Notification:
    """The user's notification; NotFound for anyone else's."""
    notification = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if notification is None:
        raise NotFound("No such notification.")
    return notification


def channel_for(user_id: int, kind: str) -> str:
    chosen = NotificationPreference.objects.filter(user_id=user_id, kind=kind).values_list("channel", flat=True).first()
    return chosen or DEFAULT_CHANNELS[kind]


@dataclass(frozen=True)
class KindPreference:
    kind: str
    label: str
    channel: str
    default: str


def preferences_of(user) -> list[KindPreference]:
    """Every kind with the channel the user chose, or its default."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))
    return [
        KindPreference(kind=kind.value, label=kind.label, channel=chosen.get(kind.value, DEFAULT_CHANNELS[kind]), default=DEFAULT_CHANNELS[kind])
        for kind in NotificationKind
    ]
