"""Reads of the social graph, and the one rule for who may see whom.

A block hides both people from each other: ``hidden_from(viewer)`` is the set of users
the viewer must never see (those they blocked and those who blocked them), and every
page, API answer and push that shows a person or their content filters by it. To the
blocked person a blocker looks exactly like someone who does not exist (404, not 403).
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from plaza.accounts.models import User
from plaza.core.errors import NotFound
from plaza.shops.models import Shop
from plaza.social.models import (
    Block,
    Circle,
    FriendInvite,
    FriendRequest,
    Friendship,
    PrivacySettings,
    ShopFollow,
    UserFollow,
)

MIN_QUERY_LENGTH = 2
MAX_PEOPLE_FOUND = 20


def friend_ids(user) -> QuerySet:
    """A subquery of the user's friends' ids (use it inside ``__in``)."""
    return Friendship.objects.filter(user=user).values("friend_id")


def are_friends(user, other_id: int) -> bool:
    return Friendship.objects.filter(user=user, friend_id=other_id).exists()


def hidden_from(viewer) -> Q:
    """A condition on users: true for everyone the viewer blocked or was blocked by."""
    return Q(pk__in=Block.objects.filter(blocker=viewer).values("blocked_id")) | Q(
        pk__in=Block.objects.filter(blocked=viewer).values("blocker_id")
    )


def blocked_either_way(user, other_id: int) -> bool:
    return Block.objects.filter(Q(blocker=user, blocked_id=other_id) | Q(blocker_id=other_id, blocked=user)).exists()


def friends_of(user) -> QuerySet:
    return User.objects.filter(pk__in=friend_ids(user)).order_by("display_name", "email", "id")


def requests_received(user) -> QuerySet:
    return FriendRequest.objects.filter(to_user=user).select_related("from_user")


def requests_sent(user) -> QuerySet:
    return FriendRequest.objects.filter(from_user=user).select_related("to_user")


def blocked_by(user) -> QuerySet:
    return User.objects.filter(pk__in=Block.objects.filter(blocker=user).values("blocked_id")).order_by("display_name", "id")


def visible_person(viewer, person_id: int) -> User:
    """A person's profile as the viewer may see it; NotFound when absent or when a block stands between them."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or (viewer.is_authenticated and person.pk != viewer.pk and blocked_either_way(viewer, person.pk)):
        raise NotFound("No such person.")
    return person


@dataclass(frozen=True)
class Relationship:
    """How the viewer stands with a person, for their profile's buttons."""

    is_self: bool = False
    friends: bool = False
    request_sent_id: int | None = None
    request_received_id: int | None = None
    following: bool = False
    blocked: bool = False

    @property
    def state(self) -> str:
        if self.is_self:
            return "self"
        if self.blocked:
            return "blocked"
        if self.friends:
            return "friends"
        if self.request_sent_id:
            return "request_sent"
        if self.request_received_id:
            return "request_received"
        return "none"


def relationship(viewer, person) -> Relationship:
    if not viewer.is_authenticated:
        return Relationship()
    if viewer.pk == person.pk:
        return Relationship(is_self=True)
    sent = FriendRequest.objects.filter(from_user=viewer, to_user=person).values_list("pk", flat=True).first()
    received = FriendRequest.objects.filter(from_user=person, to_user=viewer).values_list("pk", flat=True).first()
    return Relationship(
        friends=are_friends(viewer, person.pk),
        request_sent_id=sent,
        request_received_id=received,
        following=UserFollow.objects.filter(follower=viewer, followed=person).exists(),
        blocked=Block.objects.filter(blocker=viewer, blocked=person).exists(),
    )


def find_people(viewer, query: str) -> QuerySet:
    """People the viewer may find by name (or by their exact e-mail address), friends first.

    Someone who turned off "findable by name" is still found by their exact address, the
    way one finds a person one already knows.
    """
    query = query.strip()
    if len(query) < MIN_QUERY_LENGTH:
        return User.objects.none()
    not_findable = PrivacySettings.objects.filter(findable_by_name=False).values("user_id")
    by_name = Q(display_name__icontains=query) & ~Q(pk__in=not_findable)
    return (
        User.objects.filter(by_name | Q(email__iexact=query), is_active=True)
        .exclude(pk=viewer.pk)
        .exclude(hidden_from(viewer))
        .annotate(is_friend=Exists(Friendship.objects.filter(user=viewer, friend=OuterRef("pk"))))
        .order_by("-is_friend", "display_name", "id")[:MAX_PEOPLE_FOUND]
    )


def circles_of(owner) -> QuerySet:
    return Circle.objects.filter(owner=owner).annotate(member_count=Count("memberships"))


def circle_of_owner(owner, circle_id: int) -> Circle:
    """The owner's circle; NotFound for anyone else's (a circle is private to its owner)."""
    circle = Circle.objects.filter(owner=owner, pk=circle_id).first()
    if circle is None:
        raise NotFound("No such circle.")
    return circle


def circle_members(circle: Circle) -> QuerySet:
    return User.objects.filter(circle_memberships__circle=circle).order_by("display_name", "id")


def privacy_of(user) -> PrivacySettings:
    """The person's settings; the defaults (unsaved) until they change one."""
    return PrivacySettings.objects.filter(user=user).first() or PrivacySettings(user=user)


def invite_of(user) -> FriendInvite | None:
    return FriendInvite.objects.filter(user=user).first()


def invite_owner(viewer, token: str) -> User:
    """Whose invite link this is; NotFound for an unknown or reset link, or a blocked owner."""
    invite = FriendInvite.objects.filter(token=token).select_related("user").first()
    if invite is None or not invite.user.is_active:
        raise NotFound("This invite link is not valid any more. Ask for a new one.")
    if viewer.is_authenticated and viewer.pk != invite.user_id and blocked_either_way(viewer, invite.user_id):
        raise NotFound("This invite link is not valid any more. Ask for a new one.")
    return invite.user


def followed_shops(user) -> QuerySet:
    return Shop.objects.filter(followers__follower=user).order_by("name")


def follows_shop(user, shop) -> bool:
    return user.is_authenticated and ShopFollow.objects.filter(follower=user, shop=shop).exists()


def followed_people(user) -> QuerySet:
    return User.objects.filter(followers__follower=user).exclude(hidden_from(user)).order_by("display_name", "id")
