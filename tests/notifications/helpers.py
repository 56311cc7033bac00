"""Shared bits of the notification tests: a notification written straight through the service."""

import itertools

from plaza.notifications import services
from plaza.notifications.models import NotificationKind

_keys = itertools.count(1)


def notify(recipient, *, actor=None, kind=NotificationKind.FRIEND_REQUEST, text="Someone wants to be your friend", url="/friends/", dedupe_key=None):
    return services.notify(
        recipient.pk,
        kind,
        actor_id=actor.pk if actor else None,
        text=text,
        url=url,
        dedupe_key=dedupe_key or f"test:{next(_keys)}",
    )
