"""/api/v1/social/: friends and friend requests, finding people, follows, blocks, circles,
the invite link and privacy settings. Everything here is about the signed-in caller."""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, signed_in
from plaza.core.pagination import BoundedPagination
from plaza.social import selectors, services
from plaza.social.models import MAX_CIRCLE_NAME

router = Router(tags=["social"], auth=signed_in)

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"
FAILURES = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
LIST_FAILURES = {401: ErrorOut, 422: ErrorOut}


class PersonOut(Schema):
    id: int
    name: str = Field(alias="public_name")
    profile_url: str

    @staticmethod
    def resolve_profile_url(person) -> str:
        return f"/people/{person.id}/"


class ProfileOut(Schema):
    id: int
    name: str
    profile_url: str
    relationship: Literal["self", "friends", "request_sent", "request_received", "blocked", "none"]
    following: bool
    request_id: int | None = None


class FriendRequestOut(Schema):
    id: int
    from_user: PersonOut
    to_user: PersonOut
    created_at: datetime


class SendRequestIn(Schema):
    user_id: BodyId


class SendRequestOut(Schema):
    status: Literal["requested", "friends"]
    request: FriendRequestOut | None = None


class CircleIn(Schema):
    name: str = Field(max_length=MAX_CIRCLE_NAME, pattern=NO_NUL)
    member_ids: list[BodyId] = Field(default_factory=list, max_length=500)


class CircleRenameIn(Schema):
    name: str = Field(max_length=MAX_CIRCLE_NAME, pattern=NO_NUL)


class CircleMembersIn(Schema):
    member_ids: list[BodyId] = Field(min_length=1, max_length=500)


class CircleOut(Schema):
    id: int
    name: str
    member_count: int
    created_at: datetime


class CircleDetailOut(CircleOut):
    members: list[PersonOut]


class InviteOut(Schema):
    token: str
    url: str


class PrivacyOut(Schema):
    purchases_visible_to_friends: bool
    saves_visible_to_friends: bool
    findable_by_name: bool
    default_audience: str


class PrivacyIn(Schema):
    purchases_visible_to_friends: bool | None = None
    saves_visible_to_friends: bool | None = None
    findable_by_name: bool | None = None
    default_audience: Literal["public", "friends"] | None = None


class FindIn(Schema):
    q: str = Field(min_length=selectors.MIN_QUERY_LENGTH, max_length=120, pattern=NO_NUL)


def _invite_out(request: HttpRequest, invite) -> dict:
    return {"token": invite.token, "url": request.build_absolute_uri(f"/friends/invite/{invite.token}/")}


def _circle_detail(circle) -> dict:
    members = list(selectors.circle_members(circle))
    return {"id": circle.pk, "name": circle.name, "member_count": len(members), "created_at": circle.created_at, "members": members}


# --- friends -----------------------------------------------------------------------------


@router.get("/friends", response={200: list[PersonOut], **LIST_FAILURES})
@paginate(BoundedPagination)
def list_friends(request: HttpRequest):
    return selectors.friends_of(request.user)


@router.delete("/friends/{user_id}", response={204: None, **FAILURES})
def unfriend(request: HttpRequest, user_id: Id):
    services.unfriend(user=request.user, friend_id=user_id)
    return 204, None


@router.get("/friend-requests", response={200: list[FriendRequestOut], **LIST_FAILURES})
@paginate(BoundedPagination)
def list_friend_requests(request: HttpRequest, direction: Literal["received", "sent"] = "received"):
    if direction == "sent":
        return selectors.requests_sent(request.user)
    return selectors.requests_received(request.user)


@router.post("/friend-requests", response={201: SendRequestOut, 200: SendRequestOut, **FAILURES})
def send_friend_request(request: HttpRequest, payload: SendRequestIn):
    """Ask someone to be friends. If they had already asked you, you are friends at once (200)."""
    sent = services.send_friend_request(sender=request.user, to_user_id=payload.user_id)
    if sent is None:
        return 200, {"status": "friends"}
    return 201, {"status": "requested", "request": sent}


@router.post("/friend-requests/{request_id}/accept", response={204: None, **FAILURES})
def accept_friend_request(request: HttpRequest, request_id: Id):
    services.accept_friend_request(user=request.user, request_id=request_id)
    return 204, None


@router.post("/friend-requests/{request_id}/decline", response={204: None, **FAILURES})
def decline_friend_request(request: HttpRequest, request_id: Id):
    services.decline_friend_request(user=request.user, request_id=request_id)
    return 204, None


@router.delete("/friend-requests/{request_id}", response={204: None, **FAILURES})
def cancel_friend_request(request: HttpRequest, request_id: Id):
    """Withdraw a request you sent."""
    services.cancel_friend_request(user=request.user, request_id=request_id)
    return 204, None


# --- people, follows, blocks ---------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], 401: ErrorOut, 422: ErrorOut})
def find_people(request: HttpRequest, query: Query[FindIn]):
    """People you may find by name, or by their exact e-mail address (at most 20, friends first)."""
    return 200, list(selectors.find_people(request.user, query.q))


@router.get("/people/{user_id}", response={200: ProfileOut, **FAILURES})
def person(request: HttpRequest, user_id: Id):
    found = selectors.visible_person(request.user, user_id)
    standing = selectors.relationship(request.user, found)
    return 200, {
        "id": found.pk,
        "name": found.public_name,
        "profile_url": f"/people/{found.pk}/",
        "relationship": standing.state,
        "following": standing.following,
        "request_id": standing.request_sent_id or standing.request_received_id,
    }


@router.put("/people/{user_id}/follow", response={204: None, **FAILURES})
def follow_person(request: HttpRequest, user_id: Id):
    services.follow_person(follower=request.user, person_id=user_id)
    return 204, None


@router.delete("/people/{user_id}/follow", response={204: None, **FAILURES})
def unfollow_person(request: HttpRequest, user_id: Id):
    services.unfollow_person(follower=request.user, person_id=user_id)
    return 204, None


@router.get("/blocks", response={200: list[PersonOut], **LIST_FAILURES})
@paginate(BoundedPagination)
def list_blocks(request: HttpRequest):
    return selectors.blocked_by(request.user)


@router.put("/blocks/{user_id}", response={204: None, **FAILURES})
def block(request: HttpRequest, user_id: Id):
    """Block someone: it ends your friendship, requests and follows, and hides you from each other."""
    services.block(blocker=request.user, person_id=user_id)
    return 204, None


@router.delete("/blocks/{user_id}", response={204: None, **FAILURES})
def unblock(request: HttpRequest, user_id: Id):
    services.unblock(blocker=request.user, person_id=user_id)
    return 204, None


# --- shops -------------------------------------------------------------------------------


class FollowedShopOut(Schema):
    id: int
    slug: str
    name: str


@router.get("/followed-shops", response={200: list[FollowedShopOut], **LIST_FAILURES})
@paginate(BoundedPagination)
def list_followed_shops(request: HttpRequest):
    return selectors.followed_shops(request.user)


@router.put("/followed-shops/{shop_id}", response={204: None, **FAILURES})
def follow_shop(request: HttpRequest, shop_id: Id):
    services.follow_shop(follower=request.user, shop_id=shop_id)
    return 204, None


@router.delete("/followed-shops/{shop_id}", response={204: None, **FAILURES})
def unfollow_shop(request: HttpRequest, shop_id: Id):
    services.unfollow_shop(follower=request.user, shop_id=shop_id)
    return 204, None


# --- circles -------------------------------------------------------------------------------


@router.get("/circles", response={200: list[CircleOut], 401: ErrorOut})
def list_circles(request: HttpRequest):
    return selectors.circles_of(request.user)


@router.post("/circles", response={201: CircleDetailOut, **FAILURES})
def create_circle(request: HttpRequest, payload: CircleIn):
    circle = services.create_circle(owner=request.user, name=payload.name, member_ids=payload.member_ids)
    return 201, _circle_detail(circle)


@router.get("/circles/{circle_id}", response={200: CircleDetailOut, **FAILURES})
def circle(request: HttpRequest, circle_id: Id):
    return 200, _circle_detail(selectors.circle_of_owner(request.user, circle_id))


@router.patch("/circles/{circle_id}", response={200: CircleDetailOut, **FAILURES})
def rename_circle(request: HttpRequest, circle_id: Id, payload: CircleRenameIn):
    return 200, _circle_detail(services.rename_circle(owner=request.user, circle_id=circle_id, name=payload.name))


@router.delete("/circles/{circle_id}", response={204: None, **FAILURES})
def delete_circle(request: HttpRequest, circle_id: Id):
    services.delete_circle(owner=request.user, circle_id=circle_id)
    return 204, None


@router.post("/circles/{circle_id}/members", response={200: CircleDetailOut, **FAILURES})
def add_circle_members(request: HttpRequest, circle_id: Id, payload: CircleMembersIn):
    circle = services.add_circle_members(owner=request.user, circle_id=circle_id, member_ids=payload.member_ids)
    return 200, _circle_detail(circle)


@router.delete("/circles/{circle_id}/members/{user_id}", response={204: None, **FAILURES})
def remove_circle_member(request: HttpRequest, circle_id: Id, user_id: Id):
    services.remove_circle_member(owner=request.user, circle_id=circle_id, member_id=user_id)
    return 204, None


# --- invite link ---------------------------------------------------------------------------


@router.get("/invite", response={200: InviteOut, 401: ErrorOut})
def my_invite(request: HttpRequest):
    """Your invite link: whoever opens it and accepts becomes your friend."""
    return _invite_out(request, services.invite_for(request.user))


@router.post("/invite/reset", response={200: InviteOut, 401: ErrorOut})
def reset_invite(request: HttpRequest):
    """A new link; the old one stops working."""
    return _invite_out(request, services.reset_invite(user=request.user))


@router.post("/invites/{token}/accept", response={200: PersonOut, **FAILURES})
def accept_invite(request: HttpRequest, token: Annotated[str, Path(max_length=64, pattern=r"^[-_A-Za-z0-9]+$")]):
    """Accept someone's invite link: you become friends; returns them."""
    return 200, services.accept_invite(user=request.user, token=token)


# --- privacy -----------------------------------------------------------------------------


@router.get("/privacy", response={200: PrivacyOut, 401: ErrorOut})
def privacy(request: HttpRequest):
    return selectors.privacy_of(request.user)


@router.patch("/privacy", response={200: PrivacyOut, **FAILURES})
def update_privacy(request: HttpRequest, payload: PrivacyIn):
    return 200, services.update_privacy(user=request.user, **payload.dict(exclude_none=True))
