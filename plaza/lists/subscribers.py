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


def _access_lost(event, user_ids, list_ids) -> None:
    """Close the sockets that may no longer see these lists, and free the items those people had claimed."""
    push_revoked(user_ids, list_ids)
    services.release_assignments(list_ids=list_ids, user_ids=user_ids, event_id=event.pk)


@subscriber("list.access_changed")
def recheck_list_access(event) -> None:
    _access_lost(event, event.payload["user_ids"], [event.payload["list_id"]])


@subscriber("list.deleted")
def close_deleted_list_sockets(event) -> None:
    push_revoked(event.payload["user_ids"], [event.payload["list_id"]])


@subscriber("friend.removed")
def unshare_between_former_friends(event) -> None:
    _parted(event, event.payload["user_id"], event.payload["friend_id"])


@subscriber("person.blocked")
def unshare_between_blocked(event) -> None:
    _parted(event, event.payload["blocker_id"], event.payload["blocked_id"])


def _parted(event, one_id: int, other_id: int) -> None:
    _access_lost(event, [one_id, other_id], services.forget_people(one_id, other_id))


@subscriber("circle.members_removed")
def recheck_circle_leavers(event) -> None:
    # The circle may be deleted already (its lists then lost it): check every list of its owner.
    _access_lost(event, event.payload["member_ids"], selectors.lists_owned_by([event.payload["owner_id"]]))
