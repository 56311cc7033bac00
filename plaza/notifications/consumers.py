"""The live bell: ``ws/notifications/`` tells a signed-in person of each new notification of theirs.

A socket joins its own user's group only, so a notification's text reaches nobody but
its recipient. Clients only listen.
"""

from plaza.core.live import CLOSE_FORBIDDEN, LiveConsumer, send_to_group
from plaza.notifications import selectors
from plaza.notifications.models import Notification


def notifications_group(user_id: int) -> str:
    return f"user-{user_id}-notifications"


def push_notification(notification_id: int) -> None:
    """Send a new notification, with the recipient's unread count, to their open pages."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:  # gone with its recipient before delivery
        return
    send_to_group(
        notifications_group(notification.recipient_id),
        {
            "type": "notification.created",
            "notification": {
                "type": "notification.created",
                "id": notification.pk,
                "kind": notification.kind,
                "text": notification.text,
                "url": notification.url,
                "created_at": notification.created_at.isoformat(),
                "read": notification.read_at is not None,
                "unread_count": selectors.unread_count(notification.recipient_id),
            },
        },
    )


class NotificationsConsumer(LiveConsumer):
    """Accepts, then joins the user's group, or closes with 4403 for a guest.

    Accepting before closing is what lets a browser see the code (a refused handshake
    only shows up as a failed connection, which the client would retry).
    """

    async def connect(self):
        await self.accept()
        user = self.scope["user"]
        if not user.is_authenticated:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.join(notifications_group(user.pk))

    async def notification_created(self, message):
        await self.send_json(message["notification"])
