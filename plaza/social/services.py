"""Every change to the social graph: friend requests, friendships, follows, blocks, circles, invites.

Each service runs in one transaction and records an outbox event another app may react
to (a notification, a live socket losing access). A person the actor may not see (a
block either way) is reported as not found, the same as someone who does not exist.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q

from plaza.accounts.models import User
from plaza.core import rate_limits
from plaza.core.errors import Conflict, InvalidInput, NotFound
from plaza.core.outbox import record_event
from plaza.core.text import clean_text
from plaza.shops.models import Shop
from plaza.social import selectors
from plaza.social.models import (
    DEFAULT_AUDIENCE_CHOICES,
    MAX_CIRCLE_NAME,
    Block,
    Circle,
    CircleMember,
    FriendInvite,
    FriendRequest,
    Friendship,
    PrivacySettings,
    ShopFollow,
    UserFollow,
    new_invite_token,
)

MAX_CIRCLES = 50
MAX_CIRCLE_MEMBERS = 500


def _other_person(actor, person_id: int, *, field: str = "user_id") -> User:
    """The person the actor acts on; NotFound for a stranger behind a block, InvalidInput for oneself."""
    if person_id == actor.pk:
        raise InvalidInput("You cannot do that to yourself.", fields={field: ["Choose someone else."]})
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or selectors.blocked_either_way(actor, person_id):
        raise NotFound("No such person.", fields={field: ["No such person."]})
    return person


def _befriend(user: User, other: User) -> None:
    Friendship.objects.bulk_create(
        [Friendship(user=user, friend=other), Friendship(user=other, friend=user)], ignore_conflicts=True
    )
    FriendRequest.objects.filter(Q(from_user=user, to_user=other) | Q(from_user=other, to_user=user)).delete()
    record_event("friend.accepted", {"user_id": user.pk, "friend_id": other.pk})


# --- friend requests --------------------------------------------------------------------


@transaction.atomic
def send_friend_request(*, sender, to_user_id: int) -> FriendRequest | None:
    """Ask someone to be friends. If they had already asked the sender, this accepts theirs
    (and returns None: the two are friends now)."""
    rate_limits.spend("friend_request", sender.pk)
    person = _other_person(sender, to_user_id)
    if selectors.are_friends(sender, person.pk):
        raise Conflict("You are already friends.")
    theirs = FriendRequest.objects.select_for_update().filter(from_user=person, to_user=sender).first()
    if theirs is not None:
        _befriend(sender, person)
        return None
    try:
        with transaction.atomic():
            request = FriendRequest.objects.create(from_user=sender, to_user=person)
    except IntegrityError:
        raise Conflict("You have already asked this person.") from None
    record_event("friend.requested", {"request_id": request.pk, "from_user_id": sender.pk, "to_user_id": person.pk})
    return request


def _request(query: Q, request_id: int) -> FriendRequest:
    request = FriendRequest.objects.select_for_update().filter(query, pk=request_id).select_related("from_user", "to_user").first()
    if request is None:
        raise NotFound("No such friend request.")
    return request


@transaction.atomic
def accept_friend_request(*, user, request_id: int) -> None:
    request = _request(Q(to_user=user), request_id)
    _befriend(user, request.from_user)


def _end_request(request: FriendRequest, topic: str) -> None:
    request.delete()
    record_event(topic, {"from_user_id": request.from_user_id, "to_user_id": request.to_user_id})


@transaction.atomic
def decline_friend_request(*, user, request_id: int) -> None:
    _end_request(_request(Q(to_user=user), request_id), "friend.request_declined")


@transaction.atomic
def cancel_friend_request(*, user, request_id: int) -> None:
    _end_request(_request(Q(from_user=user), request_id), "friend.request_withdrawn")


def _part(user_id: int, other_id: int) -> bool:
    """Undo a friendship and what hangs on it (each one's circles lose the other)."""
    removed, _ = Friendship.objects.filter(
        Q(user_id=user_id, friend_id=other_id) | Q(user_id=other_id, friend_id=user_id)
    ).delete()
    CircleMember.objects.filter(
        Q(circle__owner_id=user_id, member_id=other_id) | Q(circle__owner_id=other_id, member_id=user_id)
    ).delete()
    return bool(removed)


@transaction.atomic
def unfriend(*, user, friend_id: int) -> None:
    if not _part(user.pk, friend_id):
        raise NotFound("You are not friends with this person.", fields={"user_id": ["Not one of your friends."]})
    record_event("friend.removed", {"user_id": user.pk, "friend_id": friend_id})


# --- follows ------------------------------------------------------------------------------


@transaction.atomic
def follow_person(*, follower, person_id: int) -> None:
    person = _other_person(follower, person_id)
    _, created = UserFollow.objects.get_or_create(follower=follower, followed=person)
    if created:
        record_event("person.followed", {"follower_id": follower.pk, "followed_id": person.pk})


@transaction.atomic
def unfollow_person(*, follower, person_id: int) -> None:
    UserFollow.objects.filter(follower=follower, followed_id=person_id).delete()


def _active_shop(shop_id: int) -> Shop:
    shop = Shop.objects.filter(pk=shop_id, is_active=True).first()
    if shop is None:
        raise NotFound("No such shop.", fields={"shop_id": ["No such shop."]})
    return shop


@transaction.atomic
def follow_shop(*, follower, shop_id: int) -> None:
    shop = _active_shop(shop_id)
    _, created = ShopFollow.objects.get_or_create(follower=follower, shop=shop)
    if created:
        record_event("shop.followed", {"follower_id": follower.pk, "shop_id": shop.pk})


@transaction.atomic
def unfollow_shop(*, follower, shop_id: int) -> None:
    ShopFollow.objects.filter(follower=follower, shop_id=shop_id).delete()


# --- blocks ------------------------------------------------------------------------------


@transaction.atomic
def block(*, blocker, person_id: int) -> None:
    """Cut every tie between the two: friendship, requests, follows, circle places."""
    if person_id == blocker.pk:
        raise InvalidInput("You cannot block yourself.", fields={"user_id": ["Choose someone else."]})
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No such person.", fields={"user_id": ["No such person."]})
    _, created = Block.objects.get_or_create(blocker=blocker, blocked=person)
    if not created:
        return
    _part(blocker.pk, person.pk)
    FriendRequest.objects.filter(Q(from_user=blocker, to_user=person) | Q(from_user=person, to_user=blocker)).delete()
    UserFollow.objects.filter(Q(follower=blocker, followed=person) | Q(follower=person, followed=blocker)).delete()
    record_event("person.blocked", {"blocker_id": blocker.pk, "blocked_id": person.pk})


@transaction.atomic
def unblock(*, blocker, person_id: int) -> None:
    if not Block.objects.filter(blocker=blocker, blocked_id=person_id).delete()[0]:
        raise NotFound("You have not blocked this person.", fields={"user_id": ["Not blocked."]})


# --- circles -----------------------------------------------------------------------------


def _circle_name(owner, value, *, exclude_id: int | None = None) -> str:
    try:
        name = clean_text(value, max_length=MAX_CIRCLE_NAME, required=True, label="The name")
    except ValueError as error:
        raise InvalidInput(str(error), fields={"name": [str(error)]}) from None
    taken = Circle.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude_id)
    if taken.exists():
        raise InvalidInput("You already have a circle of that name.", fields={"name": ["You already have a circle of that name."]})
    return name


def _friends_among(owner, member_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(member_ids))
    friends = set(Friendship.objects.filter(user=owner, friend_id__in=wanted).values_list("friend_id", flat=True))
    strangers = [member_id for member_id in wanted if member_id not in friends]
    if strangers:
        message = "A circle holds only your friends."
        raise InvalidInput(message, fields={"member_ids": [f"{message} Not a friend: {', '.join(map(str, strangers))}."]})
    return wanted


@transaction.atomic
def create_circle(*, owner, name, member_ids: Iterable[int] = ()) -> Circle:
    name = _circle_name(owner, name)
    members = _friends_among(owner, member_ids)
    if Circle.objects.filter(owner=owner).count() >= MAX_CIRCLES:
        raise InvalidInput(f"You can have at most {MAX_CIRCLES} circles.", fields={"name": ["Too many circles."]})
    if len(members) > MAX_CIRCLE_MEMBERS:
        raise InvalidInput("Too many members.", fields={"member_ids": [f"A circle holds at most {MAX_CIRCLE_MEMBERS} people."]})
    try:
        with transaction.atomic():
            circle = Circle.objects.create(owner=owner, name=name)
    except IntegrityError:
        raise InvalidInput("You already have a circle of that name.", fields={"name": ["You already have a circle of that name."]}) from None
    CircleMember.objects.bulk_create([CircleMember(circle=circle, member_id=member_id) for member_id in members])
    return circle


@transaction.atomic
def rename_circle(*, owner, circle_id: int, name) -> Circle:
    circle = selectors.circle_of_owner(owner, circle_id)
    circle.name = _circle_name(owner, name, exclude_id=circle.pk)
    circle.save(update_fields=["name"])
    return circle


@transaction.atomic
def delete_circle(*, owner, circle_id: int) -> None:
    circle = selectors.circle_of_owner(owner, circle_id)
    member_ids = list(circle.memberships.values_list("member_id", flat=True))
    circle.delete()
    record_event("circle.members_removed", {"circle_id": circle_id, "owner_id": owner.pk, "member_ids": member_ids})


@transaction.atomic
def add_circle_members(*, owner, circle_id: int, member_ids: Iterable[int]) -> Circle:
    circle = selectors.circle_of_owner(owner, circle_id)
    members = _friends_among(owner, member_ids)
    if circle.memberships.exclude(member_id__in=members).count() + len(members) > MAX_CIRCLE_MEMBERS:
        raise InvalidInput("Too many members.", fields={"member_ids": [f"A circle holds at most {MAX_CIRCLE_MEMBERS} people."]})
    CircleMember.objects.bulk_create(
        [CircleMember(circle=circle, member_id=member_id) for member_id in members], ignore_conflicts=True
    )
    return circle


@transaction.atomic
def remove_circle_member(*, owner, circle_id: int, member_id: int) -> None:
    circle = selectors.circle_of_owner(owner, circle_id)
    if not circle.memberships.filter(member_id=member_id).delete()[0]:
        raise NotFound("Not in this circle.", fields={"member_id": ["Not in this circle."]})
    record_event("circle.members_removed", {"circle_id": circle.pk, "owner_id": owner.pk, "member_ids": [member_id]})


# --- invite links --------------------------------------------------------------------------


def invite_for(user) -> FriendInvite:
    invite, _ = FriendInvite.objects.get_or_create(user=user)
    return invite


@transaction.atomic
def reset_invite(*, user) -> FriendInvite:
    invite, created = FriendInvite.objects.select_for_update().get_or_create(user=user)
    if not created:
        invite.token = new_invite_token()
        invite.save(update_fields=["token"])
    return invite


@transaction.atomic
def accept_invite(*, user, token: str) -> User:
    """Become friends with the owner of the link; returns them. Accepting twice is harmless."""
    owner = selectors.invite_owner(user, token)
    if owner.pk == user.pk:
        raise InvalidInput("This is your own invite link: send it to a friend.", fields={"token": ["Your own link."]})
    if not selectors.are_friends(user, owner.pk):
        _befriend(user, owner)
    return owner


# --- privacy -----------------------------------------------------------------------------


PRIVACY_FLAGS = ("purchases_visible_to_friends", "saves_visible_to_friends", "findable_by_name")


@transaction.atomic
def update_privacy(*, user, **changes) -> PrivacySettings:
    unknown = set(changes) - {*PRIVACY_FLAGS, "default_audience"}
    if unknown:
        raise InvalidInput("Unknown settings.", fields={name: ["Unknown setting."] for name in sorted(unknown)})
    allowed_audiences = {value for value, _ in DEFAULT_AUDIENCE_CHOICES}
    if "default_audience" in changes and changes["default_audience"] not in allowed_audiences:
        raise InvalidInput(
            "Choose who new shares go to.",
            fields={"default_audience": [f"Choose one of: {', '.join(sorted(allowed_audiences))}."]},
        )
    settings, _ = PrivacySettings.objects.select_for_update().get_or_create(user=user)
    for name, value in changes.items():
        setattr(settings, name, bool(value) if name in PRIVACY_FLAGS else value)
    settings.save()
    return settings
