"""Reads of shopping lists, and the one rule for who may see a list and with which role.

Access is evaluated at read time, from the rows as they are now:
- the owner may do everything;
- anyone else only while they are the owner's friend (unfriending or a block ends it at
  once: the social services delete the friendship in their own transaction), and then
  their member row's role if they have one (``none`` once they left or were removed),
  else the list's circle role if they are in the list's circle.
Anyone without access gets NotFound: a list never reveals that it exists.
"""

from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When

from plaza.accounts.models import User
from plaza.core.errors import NotFound
from plaza.lists.models import ListItem, ListMember, ListOperation, MemberRole, Role, ShoppingList
from plaza.social.models import CircleMember, Friendship

OWNER = "owner"
MAX_OPERATIONS_PAGE = 200
MAX_ID = 2**63 - 1


def _access(user) -> tuple[Q, Case]:
    """The condition for lists the user may see, and the role they have there."""
    member_rows = ListMember.objects.filter(shopping_list=OuterRef("pk"), user=user)
    has_member_row = Exists(member_rows)
    in_circle = Exists(CircleMember.objects.filter(circle=OuterRef("circle_id"), member=user))
    befriended_by_owner = Exists(Friendship.objects.filter(user=OuterRef("owner_id"), friend=user))
    shared = befriended_by_owner & (
        (has_member_row & ~Exists(member_rows.filter(role=MemberRole.NONE))) | (~has_member_row & in_circle)
    )
    role = Case(
        When(owner=user, then=Value(OWNER)),
        When(has_member_row, then=Subquery(member_rows.values("role")[:1])),
        default=F("circle_role"),
    )
    return Q(owner=user) | shared, role


def lists_of(user) -> QuerySet:
    """The lists the user owns or that are shared with them, each with ``my_role``, recently changed first."""
    condition, role = _access(user)
    return ShoppingList.objects.filter(condition).annotate(my_role=role).select_related("owner", "circle")


def list_for(user, list_id: int) -> ShoppingList:
    """The list with ``my_role``; NotFound when the user may not see it."""
    shopping_list = lists_of(user).filter(pk=list_id).first() if valid_id(list_id) else None
    if shopping_list is None:
        raise NotFound("No such list.")
    return shopping_list


def valid_id(list_id: int) -> bool:
    """Whether the id fits the database's integers (a larger one names no list)."""
    return 1 <= list_id <= MAX_ID


def access_to(user, list_id: int) -> tuple[str | None, int]:
    """The user's role on the list (owner, editor, viewer) and the list's version; (None, 0) without access."""
    if not getattr(user, "is_authenticated", False) or not valid_id(list_id):
        return None, 0
    return lists_of(user).filter(pk=list_id).values_list("my_role", "version").first() or (None, 0)


def role_in(user, list_id: int) -> str | None:
    return access_to(user, list_id)[0]


def role_on(user, shopping_list: ShoppingList) -> str | None:
    """The user's role on a list already loaded (the writer's locked row), or None.

    The rule above as a few indexed lookups: for one list, the query of :func:`lists_of`
    costs more to build than to run (about 7 ms of an edit's 14). A test holds the two to
    the same answers.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if shopping_list.owner_id == user.pk:
        return OWNER
    if not Friendship.objects.filter(user_id=shopping_list.owner_id, friend=user).exists():
        return None
    member_role = ListMember.objects.filter(shopping_list=shopping_list, user=user).values_list("role", flat=True).first()
    if member_role is not None:
        return None if member_role == MemberRole.NONE else member_role
    in_circle = shopping_list.circle_id is not None and CircleMember.objects.filter(circle_id=shopping_list.circle_id, member=user).exists()
    return shopping_list.circle_role if in_circle else None


def may_edit(role: str | None) -> bool:
    return role in (OWNER, Role.EDITOR)


def items_of(shopping_list: ShoppingList) -> QuerySet:
    return ListItem.objects.filter(shopping_list=shopping_list, removed=False).select_related(
        "product__shop", "shop", "assignee"
    )


def members_of(shopping_list: ShoppingList) -> QuerySet:
    """Explicit members who still have access (friends of the owner, not removed)."""
    return (
        ListMember.objects.filter(shopping_list=shopping_list, user__in=Friendship.objects.filter(user_id=shopping_list.owner_id).values("friend_id"))
        .exclude(role=MemberRole.NONE)
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )


def people_with_access(shopping_list: ShoppingList) -> list[int]:
    """Ids of everyone who may see the list now, owner included."""
    friends = Friendship.objects.filter(user_id=shopping_list.owner_id).values("friend_id")
    excluded = ListMember.objects.filter(shopping_list=shopping_list, role=MemberRole.NONE).values("user_id")
    members = ListMember.objects.filter(shopping_list=shopping_list).exclude(role=MemberRole.NONE).values("user_id")
    circle = CircleMember.objects.filter(circle_id=shopping_list.circle_id).values("member_id")
    reached = User.objects.filter(Q(pk__in=members) | (Q(pk__in=circle) & ~Q(pk__in=excluded)), pk__in=friends)
    return [shopping_list.owner_id, *reached.values_list("pk", flat=True)]


def lists_owned_by(owner_ids) -> list[int]:
    return list(ShoppingList.objects.filter(owner_id__in=owner_ids).values_list("pk", flat=True))


def operations_after(shopping_list: ShoppingList, after_version: int, limit: int) -> list[ListOperation]:
    """Operations with a version above ``after_version``, oldest first, at most ``limit``."""
    return list(
        ListOperation.objects.filter(shopping_list=shopping_list, version__gt=after_version)
        .select_related("user")
        .order_by("version")[: min(limit, MAX_OPERATIONS_PAGE)]
    )


def operation_at(list_id: int, version: int) -> ListOperation | None:
    return ListOperation.objects.filter(shopping_list_id=list_id, version=version).select_related("user").first()
