"""Reactions to list and social events: live pushes of operations, and sockets losing access."""

from plaza.core.outbox import subscriber
from plaza.lists import selectors, services
from plaza.lists.consumers import push_operation, push_revoked
from plaza.lists.presenters import operation_data


@subscriber("list.changed")
def push_live_operation(event) -> None:
    operation = selectors.operation_at(event.payload["list_id"], event.payload["version"])
    if operation is not None:  # gone with its list
        push_operation(operation.shopping_list_id, operation_data(operation))


@subscriber("list.access_changed")
@subscriber("list.deleted")
def recheck_list_sockets(event) -> None:
    push_revoked(event.payload["user_ids"], [event.payload["list_id"]])


@subscriber("friend.removed")
def unshare_between_former_friends(event) -> None:
    _parted(event.payload["user_id"], event.payload["friend_id"])


@subscriber("person.blocked")
def unshare_between_blocked(event) -> None:
    _parted(event.payload["blocker_id"], event.payload["blocked_id"])


def _parted(one_id: int, other_id: int) -> None:
    list_ids = services.forget_people(one_id, other_id)
    push_revoked([one_id, other_id], list_ids)


@subscriber("circle.members_removed")
def recheck_circle_leavers(event) -> None:
    # The circle may be deleted already (its lists then lost it): check every list of its owner.
    push_revoked(event.payload["member_ids"], selectors.lists_owned_by([event.payload["owner_id"]]))
