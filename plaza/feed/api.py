"""/api/v1/feed/: the home feed, shares with an audience, reactions and comments."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, signed_in
from plaza.core.pagination import BoundedPagination
from plaza.feed import selectors, services
from plaza.feed.models import MAX_COMMENT, MAX_MESSAGE
from plaza.social import selectors as social
from plaza.social.api import PersonOut
from plaza.social.audiences import MAX_PEOPLE

router = Router(tags=["feed"], auth=signed_in)

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"
FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ShopBriefOut(Schema):
    id: int
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(shop) -> str:
        return f"/shops/{shop.slug}/"


class ProductBriefOut(Schema):
    id: int
    title: str
    min_price: Decimal
    currency: str = Field(alias="shop.currency")
    url: str

    @staticmethod
    def resolve_url(product) -> str:
        return f"/shops/{product.shop.slug}/products/{product.handle}/"


class SharedItemOut(Schema):
    text: str
    quantity: int
    checked: bool


class SharedListOut(Schema):
    title: str
    items: list[SharedItemOut] = Field(alias="shown_items")


class ShareOut(Schema):
    id: int
    kind: str
    author: PersonOut
    message: str
    audience: str
    created_at: datetime
    shop: ShopBriefOut | None
    product: ProductBriefOut | None
    shopping_list: SharedListOut | None = Field(description="A shared list as it is now: its title and items.")
    purchased: list[str]
    reaction_count: int
    comment_count: int
    my_reaction: str | None

    @staticmethod
    def resolve_purchased(share) -> list[str]:
        """A shared purchase shows what was bought, never what it cost or where it went."""
        if share.order_id is None:
            return []
        return sorted({line.product_title for line in share.order.lines.all()})

    @staticmethod
    def resolve_my_reaction(share) -> str | None:
        mine = getattr(share, "my_reactions", [])
        return mine[0].kind if mine else None


class FeedAnswerOut(Schema):
    ask_id: int
    question: str = Field(alias="ask.question")
    ask_url: str
    author: PersonOut
    text: str

    @staticmethod
    def resolve_ask_url(answer) -> str:
        return f"/asks/{answer.ask_id}/#answer-{answer.pk}"


class FeedItemOut(Schema):
    kind: Literal["share", "new_products", "ask_answer"]
    created_at: datetime
    share: ShareOut | None = None
    products: list[ProductBriefOut] = Field(
        default_factory=list, description="new_products: the newest few the shop added that are still on sale."
    )
    product_count: int | None = Field(None, description="new_products: how many it added (within 12 hours) that are still on sale.")
    answer: FeedAnswerOut | None = None
    shop: ShopBriefOut | None = None


class FeedPageOut(Schema):
    items: list[FeedItemOut]
    next_before: str | None = Field(description="Pass as `before` for the next, older page; null on the last page.")


class FeedQuery(Schema):
    before: str | None = Field(None, max_length=200, pattern=r"^[-_A-Za-z0-9]*$")
    limit: int = Field(selectors.DEFAULT_PAGE, ge=1, le=selectors.MAX_PAGE)


class ShareIn(Schema):
    kind: Literal["product", "shop", "purchase", "list"]
    subject_id: BodyId = Field(description="The product's or shop's id, or the id of your own order or list.")
    message: str = Field("", max_length=MAX_MESSAGE, pattern=NO_NUL)
    audience: Literal["public", "friends", "circle", "people"] | None = Field(
        None, description="Who sees it; by default the one in your privacy settings."
    )
    circle_id: BodyId | None = None
    people_ids: list[BodyId] = Field(default_factory=list, max_length=MAX_PEOPLE)


class ReactionIn(Schema):
    kind: Literal["like", "love", "want"]


class CommentIn(Schema):
    text: str = Field(max_length=MAX_COMMENT, pattern=NO_NUL)


class CommentOut(Schema):
    id: int
    author: PersonOut
    text: str
    created_at: datetime


def _item_out(item: selectors.FeedItem) -> dict:
    if item.share is not None:
        return {"kind": "share", "created_at": item.share.created_at, "share": item.share, "shop": item.share.shop}
    if item.answer is not None:
        return {"kind": "ask_answer", "created_at": item.answer.created_at, "answer": item.answer}
    news = item.news
    return {"kind": "new_products", "created_at": news.created_at, "products": news.products, "product_count": news.product_count, "shop": news.shop}


@router.get("/", response={200: FeedPageOut, 401: ErrorOut, 422: ErrorOut})
def home_feed(request: HttpRequest, query: Query[FeedQuery]):
    """Newest first: friends' shares, new products of the shops you follow, answers to your asks.

    Poll it with no `before` to see what is new; walk back with `next_before`."""
    page = selectors.home_feed(request.user, before=query.before or None, limit=query.limit)
    return 200, {"items": [_item_out(item) for item in page.items], "next_before": page.next_cursor}


@router.post("/shares", response={201: ShareOut, **FAILURES})
def create_share(request: HttpRequest, payload: ShareIn):
    created = services.share(
        author=request.user,
        kind=payload.kind,
        subject_id=payload.subject_id,
        message=payload.message,
        audience=payload.audience,
        circle_id=payload.circle_id,
        people_ids=payload.people_ids,
    )
    return 201, selectors.share_for(request.user, created.pk)


@router.get("/shares/{share_id}", response={200: ShareOut, **FAILURES})
def share(request: HttpRequest, share_id: Id):
    return 200, selectors.share_for(request.user, share_id)


@router.delete("/shares/{share_id}", response={204: None, **FAILURES})
def delete_share(request: HttpRequest, share_id: Id):
    services.delete_share(author=request.user, share_id=share_id)
    return 204, None


@router.get("/people/{user_id}/shares", response={200: list[ShareOut], **FAILURES})
@paginate(BoundedPagination)
def shares_of_person(request: HttpRequest, user_id: Id):
    """What a person shared that you may see."""
    return selectors.shares_by(request.user, social.visible_person(request.user, user_id))


@router.put("/shares/{share_id}/reaction", response={204: None, **FAILURES})
def react(request: HttpRequest, share_id: Id, payload: ReactionIn):
    services.react(user=request.user, share_id=share_id, kind=payload.kind)
    return 204, None


@router.delete("/shares/{share_id}/reaction", response={204: None, **FAILURES})
def unreact(request: HttpRequest, share_id: Id):
    services.unreact(user=request.user, share_id=share_id)
    return 204, None


@router.get("/shares/{share_id}/comments", response={200: list[CommentOut], **FAILURES})
@paginate(BoundedPagination)
def comments(request: HttpRequest, share_id: Id):
    return selectors.comments_of(request.user, selectors.share_for(request.user, share_id))


@router.post("/shares/{share_id}/comments", response={201: CommentOut, **FAILURES})
def add_comment(request: HttpRequest, share_id: Id, payload: CommentIn):
    return 201, services.comment(user=request.user, share_id=share_id, text=payload.text)


@router.delete("/comments/{comment_id}", response={204: None, **FAILURES})
def delete_comment(request: HttpRequest, comment_id: Id):
    services.delete_comment(user=request.user, comment_id=comment_id)
    return 204, None
