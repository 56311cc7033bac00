"""The access rule has two forms (the query behind every read, the lookups behind every
edit): for every kind of person and every change of their standing, both give one answer."""

from django.contrib.auth.models import AnonymousUser

from plaza.lists import selectors, services
from plaza.lists.models import ShoppingList
from plaza.social import services as social
from tests.factories import UserFactory
from tests.lists.conftest import befriend


def roles(household, people) -> dict[str, tuple[str | None, str | None]]:
    shopping_list = ShoppingList.objects.get(pk=household.shopping_list.pk)
    return {
        name: (selectors.role_in(person, shopping_list.pk), selectors.role_on(person, shopping_list))
        for name, person in people.items()
    }


def test_the_query_and_the_lookups_agree_as_standings_change(household):
    circle_viewer_friend = UserFactory(display_name="Fern")
    befriend(household.owner, circle_viewer_friend)
    people = {
        "owner": household.owner,
        "editor": household.editor,
        "viewer": household.viewer,
        "circle member": household.circle_member,
        "friend outside": circle_viewer_friend,
        "stranger": household.stranger,
        "guest": AnonymousUser(),
    }
    list_id = household.shopping_list.pk
    owner = household.owner
    seen = [roles(household, people)]
    assert seen[0] == {
        "owner": ("owner", "owner"),
        "editor": ("editor", "editor"),
        "viewer": ("viewer", "viewer"),
        "circle member": ("editor", "editor"),
        "friend outside": (None, None),
        "stranger": (None, None),
        "guest": (None, None),
    }

    services.share_with_circle(owner=owner, list_id=list_id, circle_id=household.circle.pk, role="viewer")
    social.add_circle_members(owner=owner, circle_id=household.circle.pk, member_ids=[household.viewer.pk])
    services.unshare(owner=owner, list_id=list_id, user_id=household.editor.pk)  # a member row says none
    seen.append(roles(household, people))
    services.share_with(owner=owner, list_id=list_id, user_id=household.circle_member.pk, role="editor")
    social.unfriend(user=owner, friend_id=household.viewer.pk)
    seen.append(roles(household, people))
    services.unshare_circle(owner=owner, list_id=list_id)
    seen.append(roles(household, people))

    for snapshot in seen:
        for name, (by_query, by_lookups) in snapshot.items():
            assert by_query == by_lookups, (name, snapshot)
    assert seen[1]["editor"] == (None, None) and seen[1]["circle member"] == ("viewer", "viewer")
    assert seen[2]["viewer"] == (None, None) and seen[2]["circle member"] == ("editor", "editor")
    assert seen[3]["circle member"] == ("editor", "editor") and seen[3]["friend outside"] == (None, None)
