"""An ask's page, live: ``ws/asks/<id>/`` hears each vote, answer and the closing of one ask.

A message carries ids and counts only (the version, the tallies, the number of answers,
the new answer's id); the page fetches the rendered answer over HTTP, where the viewer's
access is checked again, so nothing travels to a socket that should not see it.

A socket joins its user's control group before the first check, then the ask's group.
When someone may have lost access (unfriended, blocked, taken out of a circle), the
control group hears ``asks.recheck``; each of their ask sockets checks again and, if
refused, leaves its groups and closes with 4403, so it hears nothing more. A deleted ask
closes its sockets with 4404.
"""

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from plaza.asks import selectors

# WebSocket close codes in the application range, echoing HTTP: clients stop retrying.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

# The keys of an event's payload that travel to the sockets: counts, never people.
LIVE_KEYS = ("ask_id", "version", "tallies", "total_votes", "answer_count")


def ask_group(ask_id: int) -> str:
    return f"ask-{ask_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}-asks"


def _send(group: str, message: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, message)


def push_change(topic: str, payload: dict) -> None:
    """Counts after a vote, an answer or the closing, to the ask's open pages."""
    update = {"type": topic, **{key: payload[key] for key in LIVE_KEYS}}
    if "answer_id" in payload:
        update["answer_id"] = payload["answer_id"]
    _send(ask_group(payload["ask_id"]), {"type": "ask.update", "update": update})


def push_gone(ask_id: int) -> None:
    _send(ask_group(ask_id), {"type": "ask.gone"})


def push_recheck(user_ids) -> None:
    """Tell these users' open ask sockets to check their access again."""
    for user_id in sorted(set(user_ids)):
        _send(user_group(user_id), {"type": "asks.recheck"})


class AskConsumer(AsyncJsonWebsocketConsumer):
    ask_id: int
    groups_joined: list[str]

    async def connect(self):
        self.groups_joined = []
        self.ask_id = int(self.scope["url_route"]["kwargs"]["ask_id"])
        user = self.scope["user"]
        # Accepting before closing is what lets a browser see the code.
        await self.accept()
        if not getattr(user, "is_authenticated", False):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self._join(user_group(user.pk))
        if not await database_sync_to_async(selectors.may_watch)(user, self.ask_id):
            await self._leave_groups()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self._join(ask_group(self.ask_id))
        await self.send_json({"type": "hello", "ask_id": self.ask_id})

    async def _join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.append(group)

    async def _leave_groups(self) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def disconnect(self, code):
        await self._leave_groups()

    async def receive_json(self, content, **kwargs):
        """Votes and answers go over HTTP; the socket only listens."""

    async def ask_update(self, message):
        await self.send_json(message["update"])

    async def ask_gone(self, message):
        await self._leave_groups()
        await self.close(code=CLOSE_NOT_FOUND)

    async def asks_recheck(self, message):
        if not await database_sync_to_async(selectors.may_watch)(self.scope["user"], self.ask_id):
            await self._leave_groups()
            await self.close(code=CLOSE_FORBIDDEN)
