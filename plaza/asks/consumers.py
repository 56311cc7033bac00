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

from plaza.asks import selectors
from plaza.core.live import CLOSE_NOT_FOUND, WatchConsumer, send_to_group

# The keys of an event's payload that travel to the sockets: counts, never people.
LIVE_KEYS = ("ask_id", "version", "tallies", "total_votes", "answer_count")


def ask_group(ask_id: int) -> str:
    return f"ask-{ask_id}"


def user_group(user_id: int) -> str:
    return f"user-{user_id}-asks"


def push_change(topic: str, payload: dict) -> None:
    """Counts after a vote, an answer or the closing, to the ask's open pages."""
    update = {"type": topic, **{key: payload[key] for key in LIVE_KEYS}}
    if "answer_id" in payload:
        update["answer_id"] = payload["answer_id"]
    send_to_group(ask_group(payload["ask_id"]), {"type": "ask.update", "update": update})


def push_gone(ask_id: int) -> None:
    send_to_group(ask_group(ask_id), {"type": "ask.gone"})


def push_recheck(user_ids) -> None:
    """Tell these users' open ask sockets to check their access again."""
    for user_id in sorted(set(user_ids)):
        send_to_group(user_group(user_id), {"type": "asks.recheck"})


class AskConsumer(WatchConsumer):
    ask_id: int

    def load_route(self, kwargs: dict) -> None:
        self.ask_id = int(kwargs["ask_id"])

    def control_group(self, user_id: int) -> str:
        return user_group(user_id)

    def watched_group(self) -> str:
        return ask_group(self.ask_id)

    def access(self, user) -> bool:
        return selectors.may_watch(user, self.ask_id)

    def hello(self, access) -> dict:
        return {"type": "hello", "ask_id": self.ask_id}

    async def ask_update(self, message):
        await self.send_json(message["update"])

    async def ask_gone(self, message):
        await self.stop(CLOSE_NOT_FOUND)

    async def asks_recheck(self, message):
        await self.recheck()
