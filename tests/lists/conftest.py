"""People around a shared list: its owner, friends with roles, a circle, a stranger."""

import uuid
from dataclasses import dataclass

import pytest

from plaza.lists import services
from plaza.lists.models import ListItem, ListMember, ListOperation, ShoppingList
from plaza.social import services as social
from tests.factories import UserFactory


def befriend(one, other) -> None:
    request = social.send_friend_request(sender=one, to_user_id=other.pk)
    social.accept_friend_request(user=other, request_id=request.pk)


def new_item_id() -> str:
    return str(uuid.uuid4())


def counts() -> tuple[int, int, int, int]:
    """(lists, members, items, operations): what a refused request must leave unchanged."""
    return ShoppingList.objects.count(), ListMember.objects.count(), ListItem.objects.count(), ListOperation.objects.count()


def apply(user, shopping_list, kind: str, payload: dict, *, client_id: str = "tests", client_op_id: str | None = None):
    return services.apply_operation(
        user=user,
        list_id=shopping_list.pk,
        client_id=client_id,
        client_op_id=client_op_id or uuid.uuid4().hex,
        kind=kind,
        payload=payload,
    )


def add_item(user, shopping_list, text: str = "Milk", **fields) -> str:
    item_id = new_item_id()
    apply(user, shopping_list, "add_item", {"item_id": item_id, "text": text, **fields})
    return item_id


@dataclass
class Household:
    owner: object
    editor: object
    viewer: object
    circle_member: object
    stranger: object
    circle: object
    shopping_list: object


@pytest.fixture
def household(db) -> Household:
    """A list shared with an editor, a viewer and (as editors) the owner's circle of one."""
    owner, editor, viewer, circle_member, stranger = (
        UserFactory(display_name=name) for name in ("Olive", "Eddie", "Vera", "Cirrus", "Stan")
    )
    for friend in (editor, viewer, circle_member):
        befriend(owner, friend)
    circle = social.create_circle(owner=owner, name="Family", member_ids=[circle_member.pk])
    shopping_list = services.create_list(owner=owner, title="Weekend")
    services.share_with(owner=owner, list_id=shopping_list.pk, user_id=editor.pk, role="editor")
    services.share_with(owner=owner, list_id=shopping_list.pk, user_id=viewer.pk, role="viewer")
    services.share_with_circle(owner=owner, list_id=shopping_list.pk, circle_id=circle.pk, role="editor")
    return Household(owner, editor, viewer, circle_member, stranger, circle, shopping_list)
