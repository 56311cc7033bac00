"""/api/v1/asks/: ask one's circle about a product or the cart, vote, answer, close, act on the outcome.

An ask outside the caller's audience is a 404, as if it did not exist. Clients without
WebSockets poll ``GET /{id}`` (its ``version`` goes up with every change) and
``GET /{id}/answers?after_id=`` for the answers they have not seen.
"""

from datetime import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from plaza.asks import selectors, services
from plaza.asks.models import MAX_ANSWER, MAX_DETAILS, MAX_ITEMS, MAX_OPTION_LABEL, MAX_OPTIONS, MAX_QUESTION, Ask, PollKind
from plaza.core.api import ErrorOut, signed_in
from plaza.core.pagination import BoundedPagination
from plaza.social.audiences import MAX_PEOPLE
from plaza.social.models import Audience

router = Router(tags=["asks"], auth=signed_in)

MAX_ID = 2**63 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]
NO_NUL = r"^[^\x00]*$"
READ_FAILURES = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# --- schemas --------------------------------------------------------------------------------


class OptionIn(Schema):
    label: str = Field(max_length=MAX_OPTION_LABEL, pattern=NO_NUL)
    variant_id: BodyId | None = None


class AskIn(Schema):
    question: str = Field(max_length=MAX_QUESTION, pattern=NO_NUL)
    details: str = Field("", max_length=MAX_DETAILS, pattern=NO_NUL)
    product_id: BodyId | None = Field(None, description="The product asked about; leave out with from_cart.")
    variant_ids: list[BodyId] = Field(default_factory=list, max_length=MAX_ITEMS, description="Variants of the product to show.")
    from_cart: bool = Field(False, description="Ask about the items in your cart instead of one product.")
    poll_kind: Literal["none", "options", "yes_no"] = PollKind.NONE
    options: list[OptionIn] = Field(default_factory=list, max_length=MAX_OPTIONS)
    audience: Literal["public", "friends", "circle", "people"] = Audience.FRIENDS
    circle_id: BodyId | None = None
    people_ids: list[BodyId] = Field(default_factory=list, max_length=MAX_PEOPLE)
    deadline: datetime | None = Field(None, description="When voting ends: in the future, at most 30 days ahead; 24 hours if left out.")


class VoteIn(Schema):
    option_id: BodyId


class AnswerIn(Schema):
    text: str = Field(max_length=MAX_ANSWER, pattern=NO_NUL)


class AskPersonOut(Schema):
    id: int
    name: str = Field(alias="public_name")


class AskedProductOut(Schema):
    id: int
    title: str
    shop_name: str = Field(alias="shop.name")
    url: str

    @staticmethod
    def resolve_url(product) -> str:
        return reverse("storefront:product", args=[product.shop.slug, product.handle])


class AskedItemOut(Schema):
    product: AskedProductOut
    variant_id: int | None
    variant_title: str | None
    quantity: int


class OptionOut(Schema):
    id: int
    label: str
    variant_id: int | None
    votes: int
    percent: int
    winning: bool


class AskSummaryOut(Schema):
    votes: dict[str, int]
    total_votes: int
    winner_option_ids: list[int]
    winner_labels: list[str]
    answer_count: int


class AskOut(Schema):
    id: int
    url: str
    asker: AskPersonOut
    question: str
    details: str
    audience: str
    product: AskedProductOut | None
    items: list[AskedItemOut]
    poll_kind: str
    options: list[OptionOut]
    total_votes: int
    answer_count: int
    my_vote_option_id: int | None
    deadline: datetime
    is_open: bool
    closed_at: datetime | None
    summary: AskSummaryOut | None
    can_add_winner_to_cart: bool = Field(description="The asker may add the winning option's item to their cart.")
    version: int = Field(description="Goes up with every vote, answer and the closing: poll it to see whether anything changed.")
    created_at: datetime
    updated_at: datetime


class AskListItemOut(Schema):
    id: int
    url: str
    asker: AskPersonOut
    question: str
    product: AskedProductOut | None
    poll_kind: str
    answer_count: int = Field(alias="answer_total")
    deadline: datetime
    is_open: bool
    created_at: datetime

    @staticmethod
    def resolve_url(ask: Ask) -> str:
        return f"/asks/{ask.pk}/"

    @staticmethod
    def resolve_is_open(ask: Ask) -> bool:
        return selectors.is_open(ask)


class AnswerOut(Schema):
    id: int
    author: AskPersonOut
    text: str
    created_at: datetime


class AskedCartLineOut(Schema):
    variant_id: int
    quantity: int


# --- presenting -----------------------------------------------------------------------------


def _ask_out(viewer, ask: Ask) -> dict:
    outcome = selectors.results(ask)
    return {
        "id": ask.pk,
        "url": f"/asks/{ask.pk}/",
        "asker": ask.asker,
        "question": ask.question,
        "details": ask.details,
        "audience": ask.audience,
        "product": ask.product,
        "items": [
            {
                "product": item.product,
                "variant_id": item.variant_id,
                "variant_title": item.variant.title if item.variant else None,
                "quantity": item.quantity,
            }
            for item in ask.items.all()
        ],
        "poll_kind": ask.poll_kind,
        "options": [
            {
                "id": result.option.pk,
                "label": result.option.label,
                "variant_id": result.option.variant_id,
                "votes": result.votes,
                "percent": result.percent,
                "winning": result.winning,
            }
            for result in outcome.options
        ],
        "total_votes": outcome.total_votes,
        "answer_count": outcome.answer_count,
        "my_vote_option_id": selectors.my_vote_option_id(viewer, ask),
        "deadline": ask.deadline,
        "is_open": selectors.is_open(ask),
        "closed_at": ask.closed_at,
        "summary": ask.summary,
        "can_add_winner_to_cart": ask.asker_id == viewer.pk and selectors.winning_variant(ask, outcome) is not None,
        "version": ask.version,
        "created_at": ask.created_at,
        "updated_at": ask.updated_at,
    }


# --- endpoints ------------------------------------------------------------------------------


@router.post("/", response={201: AskOut, **FAILURES})
def create_ask(request: HttpRequest, payload: AskIn):
    """Ask an audience (public, your friends, one of your circles, chosen friends) about a product or your cart."""
    draft = services.AskDraft(
        **payload.dict(exclude={"options"}),
        options=[services.OptionDraft(option.label, option.variant_id) for option in payload.options],
    )
    ask = services.create_ask(asker=request.user, draft=draft)
    return 201, _ask_out(request.user, selectors.ask_for(request.user, ask.pk))


@router.get("/", response={200: list[AskListItemOut], 401: ErrorOut, 422: ErrorOut})
@paginate(BoundedPagination)
def my_asks(request: HttpRequest):
    """Your asks, newest first."""
    return selectors.asks_of(request.user)


@router.get("/inbox", response={200: list[AskListItemOut], 401: ErrorOut, 422: ErrorOut})
@paginate(BoundedPagination)
def asked_to_me(request: HttpRequest):
    """Other people's asks you are in the audience of, newest first."""
    return selectors.asked_to(request.user)


@router.get("/{ask_id}", response={200: AskOut, **READ_FAILURES})
def ask(request: HttpRequest, ask_id: Id):
    return 200, _ask_out(request.user, selectors.ask_for(request.user, ask_id))


@router.delete("/{ask_id}", response={204: None, **FAILURES})
def delete_ask(request: HttpRequest, ask_id: Id):
    """The asker deletes the ask, its votes and answers."""
    services.delete_ask(asker=request.user, ask_id=ask_id)
    return 204, None


@router.post("/{ask_id}/close", response={200: AskOut, **FAILURES})
def close_ask(request: HttpRequest, ask_id: Id):
    """The asker closes before the deadline; the outcome is kept in ``summary``."""
    services.close_ask(asker=request.user, ask_id=ask_id)
    return 200, _ask_out(request.user, selectors.ask_for(request.user, ask_id))


@router.put("/{ask_id}/vote", response={200: AskOut, **FAILURES})
def vote(request: HttpRequest, ask_id: Id, payload: VoteIn):
    """Vote, or change your vote, until the deadline (409 after). The asker does not vote (403)."""
    services.vote(voter=request.user, ask_id=ask_id, option_id=payload.option_id)
    return 200, _ask_out(request.user, selectors.ask_for(request.user, ask_id))


@router.delete("/{ask_id}/vote", response={204: None, **FAILURES})
def withdraw_vote(request: HttpRequest, ask_id: Id):
    services.withdraw_vote(voter=request.user, ask_id=ask_id)
    return 204, None


@router.post("/{ask_id}/answers", response={201: AnswerOut, **FAILURES})
def answer(request: HttpRequest, ask_id: Id, payload: AnswerIn):
    """Answer in words, until the deadline (409 after)."""
    return 201, services.answer(author=request.user, ask_id=ask_id, text=payload.text)


class AnswersQuery(Schema):
    after_id: int = Field(0, ge=0, le=MAX_ID, description="Only answers after this one: the last id you have.")


@router.get("/{ask_id}/answers", response={200: list[AnswerOut], **READ_FAILURES})
@paginate(BoundedPagination)
def answers(request: HttpRequest, ask_id: Id, query: Query[AnswersQuery]):
    """The answers, oldest first."""
    found = selectors.ask_for(request.user, ask_id)
    return selectors.answers_for(request.user, found, after_id=query.after_id)


@router.post("/{ask_id}/add-winner-to-cart", response={200: AskedCartLineOut, **FAILURES})
def add_winner_to_cart(request: HttpRequest, ask_id: Id):
    """The asker adds one of the winning option's item to their cart (409 on a tie, without votes, or without an item)."""
    line = services.add_winner_to_cart(asker=request.user, ask_id=ask_id)
    return 200, {"variant_id": line.variant_id, "quantity": line.quantity}
