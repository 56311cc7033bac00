"""Reactions to ask and social events: live counts to an ask's open pages, and sockets losing access."""

from plaza.asks.consumers import push_change, push_gone, push_recheck
from plaza.core.outbox import subscriber


@subscriber("ask.voted", live=True)
@subscriber("ask.vote_withdrawn", live=True)
@subscriber("ask.answered", live=True)
@subscriber("ask.closed", live=True)
def push_live_change(event) -> None:
    push_change(event.topic, event.payload)


# The pushes that end access run at once, and again from the task in case this process
# died before it could.


@subscriber("ask.deleted", live=True)
@subscriber("ask.deleted")
def close_deleted_ask_sockets(event) -> None:
    push_gone(event.payload["ask_id"])


@subscriber("friend.removed", live=True)
@subscriber("friend.removed")
def recheck_former_friends(event) -> None:
    push_recheck([event.payload["user_id"], event.payload["friend_id"]])


@subscriber("person.blocked", live=True)
@subscriber("person.blocked")
def recheck_blocked(event) -> None:
    push_recheck([event.payload["blocker_id"], event.payload["blocked_id"]])


@subscriber("circle.members_removed", live=True)
@subscriber("circle.members_removed")
def recheck_circle_leavers(event) -> None:
    push_recheck(event.payload["member_ids"])
