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

from plaza.core.live import WatchConsumer, send_to_group
from plaza.lists import selectors


def list_group(list_id: int) -> str:
    return f"list-{list_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}-lists"


def push_operation(list_id: int, operation: dict) -> None:
    # Encoded once here rather than by each of the group's sockets (and a string is what
    # the in-memory layer copies cheapest for each of them).
    frame = json.dumps({"type": "operation", "operation": operation}, separators=(",", ":"))
    send_to_group(list_group(list_id), {"type": "list.operation", "frame": frame})


def push_revoked(user_ids, list_ids) -> None:
    """Tell these users' open list sockets to check their access to these lists again."""
    list_ids = sorted(set(list_ids))
    if not list_ids:
        return
    for user_id in sorted(set(user_ids)):
        send_to_group(user_group(user_id), {"type": "lists.revoked", "list_ids": list_ids})


class ListConsumer(WatchConsumer):
    list_id: int
    role: str | None = None

    def load_route(self, kwargs: dict) -> None:
        self.list_id = int(kwargs["list_id"])

    def control_group(self, user_id: int) -> str:
        return user_group(user_id)

    def watched_group(self) -> str:
        return list_group(self.list_id)

    def access(self, user):
        role, version = selectors.access_to(user, self.list_id)
        return (role, version) if role else None

    def hello(self, access) -> dict:
        # The version after joining: a client behind it fetches the gap over HTTP.
        role, version = access
        self.role = role
        return {"type": "hello", "version": version, "role": role}

    async def list_operation(self, message):
        await self.send(text_data=message["frame"])

    async def lists_revoked(self, message):
        if self.list_id not in message["list_ids"]:
            return
        granted = await self.recheck()
        # A recheck comes twice (at once, and from the task): announce only a change.
        if granted and granted[0] != self.role:
            self.role = granted[0]
            await self.send_json({"type": "role", "role": self.role})
