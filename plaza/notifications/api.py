"""/api/v1/notifications/: the signed-in person's notifications, unread count and channels per kind."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, signed_in
from plaza.core.pagination import BoundedPagination
from plaza.notifications import selectors, services
from plaza.notifications.models import Channel, NotificationKind

router = Router(tags=["notifications"], auth=signed_in)

MAX_ID = 2**63 - 1
NotificationId = Annotated[int, Field(ge=1, le=MAX_ID)]
FAILURES = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    text: str
    url: str = Field(description="A path on this site; open it to see what the notification is about.")
    actor_id: int | None
    created_at: datetime
    read_at: datetime | None
    read: bool

    @staticmethod
    def resolve_read(notification) -> bool:
        return notification.read_at is not None


class NotificationFilter(Schema):
    unread: bool = Field(False, description="Only the unread ones.")
    after_id: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="Polling: only notifications newer than this id, oldest first. Pass the largest id seen so far.",
    )


class UnreadCountOut(Schema):
    unread: int


class MarkReadIn(Schema):
    ids: list[NotificationId] = Field(..., min_length=1, max_length=services.MAX_IDS_PER_CALL)


class MarkedOut(Schema):
    marked: int = Field(description="How many were unread and are now read.")
    unread: int


class PreferenceOut(Schema):
    kind: NotificationKind
    label: str
    channel: Channel
    default: Channel


class PreferenceIn(Schema):
    channel: Channel = Field(description="in_app: on the site; email: on the site and in a batched e-mail; off: not at all.")


@router.get(
    "/",
    response={200: list[NotificationOut], **FAILURES},
    summary="My notifications, newest first; or, with after_id, what is new since (oldest first)",
    description=(
        "Without after_id: newest first, paginated with limit and offset; unread=true keeps the unread ones.\n\n"
        "A client without WebSockets polls with after_id: pass the largest id it has seen (0 the first time) "
        "and it gets the notifications with a larger id, oldest first, at most `limit` of them; it then asks "
        "again with the largest id of that answer until `count` is no larger than what it received. "
        "WebSocket clients listen on /ws/notifications/ instead (session cookie): each message is one new "
        "notification with the new unread count."
    ),
)
@paginate(BoundedPagination)
def my_notifications(request: HttpRequest, filters: NotificationFilter = Query(...)):
    if filters.after_id is not None:
        return selectors.notifications_after(request.auth, filters.after_id, unread=filters.unread)
    return selectors.notifications_of(request.auth, unread=filters.unread)


@router.get("/unread-count", response={200: UnreadCountOut, **FAILURES}, summary="How many are unread (for the bell)")
def unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(request.auth.pk)}


@router.post(
    "/read",
    response={200: MarkedOut, **FAILURES},
    summary="Mark some of mine read (at most 100 ids; ids that are not mine are ignored)",
)
def mark_read(request: HttpRequest, payload: MarkReadIn):
    marked = services.mark_read(request.auth, payload.ids)
    return {"marked": marked, "unread": selectors.unread_count(request.auth.pk)}


@router.post("/read-all", response={200: MarkedOut, **FAILURES}, summary="Mark all of mine read")
def mark_all_read(request: HttpRequest):
    marked = services.mark_all_read(request.auth)
    return {"marked": marked, "unread": selectors.unread_count(request.auth.pk)}


@router.get("/preferences", response={200: list[PreferenceOut], **FAILURES}, summary="Every kind with its channel, defaults included")
def preferences(request: HttpRequest):
    return selectors.preferences_of(request.auth)


@router.put(
    "/preferences/{kind}",
    response={200: list[PreferenceOut], **FAILURES},
    summary="Choose how I hear of one kind: in_app, email or off",
)
def set_preference(request: HttpRequest, kind: Annotated[NotificationKind, Path()], payload: PreferenceIn):
    services.set_preference(request.auth, kind, payload.channel)
    return selectors.preferences_of(request.auth)
