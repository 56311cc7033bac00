"""Reactions to events: what the people concerned are told, and the live push of each notification.

Each notification's dedupe key is the event that caused it, so a redelivered event
notifies once.
"""

from plaza.accounts.models import User
from plaza.core.outbox import subscriber
from plaza.notifications import services
from plaza.notifications.consumers import push_notification
from plaza.notifications.models import NotificationKind


def _event_key(event) -> str:
    return f"{event.topic}:{event.pk}"


def _public_name(user_id: int) -> str | None:
    """The name to show, or None for someone gone since the event.

    Characters a notification's text may not hold become spaces, so an odd name cannot
    make the event fail on every redelivery."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    return "".join(character if character.isprintable() else " " for character in user.public_name)


@subscriber("friend.requested")
def friend_requested(event) -> None:
    sender_id = event.payload["from_user_id"]
    name = _public_name(sender_id)
    if name is not None:
        services.notify(
            event.payload["to_user_id"],
            NotificationKind.FRIEND_REQUEST,
            actor_id=sender_id,
            text=f"{name} wants to be your friend",
            url="/friends/",
            dedupe_key=_event_key(event),
        )


@subscriber("friend.accepted")
def friend_accepted(event) -> None:
    # user_id accepted; friend_id is the one who had asked.
    accepter_id = event.payload["user_id"]
    name = _public_name(accepter_id)
    if name is not None:
        services.notify(
            event.payload["friend_id"],
            NotificationKind.FRIEND_ACCEPTED,
            actor_id=accepter_id,
            text=f"{name} accepted your friend request",
            url=f"/people/{accepter_id}/",
            dedupe_key=_event_key(event),
        )


@subscriber("notification.created")
def push_live(event) -> None:
    push_notification(event.payload["notification_id"])
