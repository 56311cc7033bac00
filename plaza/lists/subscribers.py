"""Reactions to list and social events: live pushes of operations, and sockets losing access."""

from plaza.core.outbox import subscriber
from plaza.lists import selectors, services
from plaza.lists.consumers import push_operation, push_revoked
from plaza.lists.presenters import operation_data

PARTINGS = {"friend.removed": ("user_id", "friend_id"), "person.blocked": ("blocker_id", "blocked_id")}
ACCESS_LOST = ("list.access_changed", "list.deleted", "circle.members_removed", *PARTINGS)


@subscriber("list.changed", live=True)
def push_live_operation(event) -> None:
    operation = selectors.operation_at(event.payload["list_id"], event.payload["version"])
    if operation is not None:  # gone with its list
        push_operation(operation.shopping_list_id, operation_data(operation))


def _lost(event) -> tuple[list[int], list[int]]:
    """Who may have lost access, and to which lists."""
    payload = event.payload
    if event.topic in PARTINGS:
        people = [payload[field] for field in PARTINGS[event.topic]]
        return people, selectors.lists_owned_by(people)
    if event.topic == "circle.members_removed":
        # The circle may be deleted already (its lists then lost it): every list of its owner.
        return payload["member_ids"], selectors.lists_owned_by([payload["owner_id"]])
    return payload["user_ids"], [payload["list_id"]]


def close_sockets_losing_access(event) -> None:
    push_revoked(*_lost(event))


# At once, and again from the task in case this process died before it could.
for topic in ACCESS_LOST:
    subscriber(topic, live=True)(close_sockets_losing_access)
    subscriber(topic)(close_sockets_losing_access)


@subscriber("list.access_changed")
@subscriber("circle.members_removed")
@subscriber("friend.removed")
@subscriber("person.blocked")
def free_what_they_lost(event) -> None:
    """Former friends' member rows go (so a new friendship does not reopen old lists), and
    the items the people who lost access had claimed are free again."""
    people, list_ids = _lost(event)
    if event.topic in PARTINGS:
        services.forget_people(*people)
    services.release_assignments(list_ids=list_ids, user_ids=people, event_id=event.pk)
