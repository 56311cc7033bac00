"""The live list over a WebSocket: every applied operation, in version order, to whoever may see the list.

A socket joins the list's group and its user's control group. Operations reach the list's
group from the ``list.changed`` subscriber. When someone may have lost access (a member
removed, the list deleted, unfriended, blocked, taken out of the circle), the control
group hears ``lists.revoked`` with the lists concerned; the socket checks again and closes
with 4403, so it hears nothing more. The control group is joined before the first check,
so a revocation that lands between the check and joining the list's group is not missed.
Clients send their operations over HTTP (``POST /api/v1/lists/{id}/operations``).
"""

import json

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer

from plaza.lists import selectors

# WebSocket close codes in the application range, echoing HTTP: clients stop retrying.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def list_group(list_id: int) -> str:
    return f"list-{list_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}-lists"


def _send(group: str, message: dict) -> None:
    async_to_sync(get_channel_layer().group_send)(group, message)


def push_operation(list_id: int, operation: dict) -> None:
    # Encoded once here rather than by each of the group's sockets (and a string is what
    # the in-memory layer copies cheapest for each of them).
    frame = json.dumps({"type": "operation", "operation": operation}, separators=(",", ":"))
    _send(list_group(list_id), {"type": "list.operation", "frame": frame})


def push_revoked(user_ids, list_ids) -> None:
    """Tell these users' open list sockets to check their access to these lists again."""
    list_ids = sorted(set(list_ids))
    if not list_ids:
        return
    for user_id in sorted(set(user_ids)):
        _send(user_group(user_id), {"type": "lists.revoked", "list_ids": list_ids})


class ListConsumer(AsyncJsonWebsocketConsumer):
    list_id: int
    groups_joined: list[str]

    async def connect(self):
        self.groups_joined = []
        self.list_id = int(self.scope["url_route"]["kwargs"]["list_id"])
        user = self.scope["user"]
        # Accepting before closing is what lets a browser see the code.
        await self.accept()
        if not getattr(user, "is_authenticated", False):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self._join(user_group(user.pk))
        role, version = await database_sync_to_async(selectors.access_to)(user, self.list_id)
        if role is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self._join(list_group(self.list_id))
        # The version after joining: a client behind it fetches the gap over HTTP.
        await self.send_json({"type": "hello", "version": version, "role": role})

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
        """Operations come over HTTP; the socket only listens."""

    async def list_operation(self, message):
        await self.send(text_data=message["frame"])

    async def lists_revoked(self, message):
        if self.list_id not in message["list_ids"]:
            return
        role, _ = await database_sync_to_async(selectors.access_to)(self.scope["user"], self.list_id)
        if role is None:
            await self._leave_groups()
            await self.close(code=CLOSE_FORBIDDEN)
        else:
            await self.send_json({"type": "role", "role": role})
