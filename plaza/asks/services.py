"""Every write of asks: asking, voting, answering, closing (early, or by the deadline),
deleting, and putting the winner in the asker's cart.

Each service runs in one transaction, checks everything before it writes, and records an
outbox event (``ask.*``) that the live socket and the notifications react to. A person
outside an ask's audience gets NotFound, exactly as for an ask that does not exist.

Concurrency: every vote, answer and closing starts with one conditional UPDATE of the
ask's row (``... WHERE closed_at IS NULL``, and for votes and answers also before the
deadline). That statement both decides whether the ask still takes the write and takes
the row's lock, so the writers of one ask queue behind each other: a vote cannot land
after the closing that computed the summary, two workers closing the same ask close it
once, and each event's tallies are those of its own version.

The asker does not vote on their own ask: the poll is the circle's opinion. They may
answer (to reply to a friend).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from plaza.asks import selectors
from plaza.asks.models import (
    MAX_ANSWER,
    MAX_DETAILS,
    MAX_ITEMS,
    MAX_OPTION_LABEL,
    MAX_OPTIONS,
    MAX_QUESTION,
    MIN_OPTIONS,
    Answer,
    Ask,
    AskItem,
    PollKind,
    PollOption,
    Vote,
    YesNo,
)
from plaza.catalog.models import Product, ProductStatus, Variant
from plaza.checkout import services as checkout
from plaza.checkout.models import CartLine
from plaza.core import rate_limits
from plaza.core.errors import Conflict, Forbidden, InvalidInput
from plaza.core.outbox import record_event
from plaza.core.text import clean_text
from plaza.social.audiences import ChosenAudience, clean_audience, reached_user_ids
from plaza.social.models import Audience

DEFAULT_DEADLINE = timedelta(hours=24)
MAX_DEADLINE = timedelta(days=30)
MAX_ID = 2**63 - 1
CLOSED_MESSAGE = "This ask is closed: it no longer takes votes or answers."


@dataclass(frozen=True)
class OptionDraft:
    label: str
    variant_id: int | None = None


@dataclass(frozen=True)
class AskDraft:
    """What a person fills in to ask; :func:`create_ask` checks every field."""

    question: str
    details: str = ""
    product_id: int | None = None
    variant_ids: Sequence[int] = ()
    from_cart: bool = False
    poll_kind: str = PollKind.NONE
    options: Sequence[OptionDraft] = ()
    audience: str = Audience.FRIENDS
    circle_id: int | None = None
    people_ids: Sequence[int] = ()
    deadline: datetime | None = None


@dataclass
class _Problems:
    """Field messages gathered while checking a draft, raised together as one InvalidInput."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def text(self, name: str, value, *, max_length: int, required: bool, label: str) -> str:
        try:
            return clean_text(value, max_length=max_length, required=required, label=label)
        except ValueError as error:
            self.add(name, str(error))
            return ""

    def raise_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.values()))[0]
            raise InvalidInput(first if len(self.fields) == 1 else "Some fields need another look.", fields=self.fields)


def _valid_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _ids(values) -> list[int]:
    return sorted({value for value in values if _valid_id(value)})


# --- asking -------------------------------------------------------------------------------


def _subject(asker, draft: AskDraft, problems: _Problems) -> tuple[Product | None, list[AskItem], set[int]]:
    """The product (or None for the cart), the items, and the variant ids the poll's options may stand for."""
    if draft.from_cart and draft.product_id is not None:
        problems.add("product_id", "Ask about a product or about your cart, not both.")
        return None, [], set()
    if draft.from_cart:
        lines = list(
            CartLine.objects.filter(
                cart__user=asker, variant__product__status=ProductStatus.PUBLISHED, variant__product__shop__is_active=True
            ).select_related("variant")[:MAX_ITEMS]
        )
        if not lines:
            problems.add("from_cart", "Your cart is empty: add what you want to ask about first.")
        items = [
            AskItem(product_id=line.variant.product_id, variant=line.variant, quantity=line.quantity, position=index)
            for index, line in enumerate(lines)
        ]
        return None, items, {line.variant_id for line in lines}
    product = None
    if _valid_id(draft.product_id):
        product = Product.objects.filter(pk=draft.product_id, status=ProductStatus.PUBLISHED, shop__is_active=True).first()
    if product is None:
        problems.add("product_id", "Choose a product that is for sale." if draft.product_id is None else "No such product.")
        return None, [], set()
    variant_ids = set(Variant.objects.filter(product=product).values_list("pk", flat=True))
    wanted = sorted(set(draft.variant_ids))
    strangers = [value for value in wanted if value not in variant_ids]
    if strangers:
        problems.add("variant_ids", f"Not a variant of this product: {', '.join(map(str, strangers))}.")
    elif len(wanted) > MAX_ITEMS:
        problems.add("variant_ids", f"Choose at most {MAX_ITEMS} variants.")
    items = [AskItem(product=product, variant_id=variant_id, position=index) for index, variant_id in enumerate(wanted)]
    return product, items, variant_ids


def _options(draft: AskDraft, variant_ids: set[int], problems: _Problems) -> list[PollOption]:
    if draft.poll_kind not in PollKind.values:
        problems.add("poll_kind", f"Choose one of: {', '.join(PollKind.values)}.")
        return []
    if draft.poll_kind != PollKind.OPTIONS:
        if draft.options:
            problems.add("options", "Only a poll with your own options takes options.")
        if draft.poll_kind == PollKind.YES_NO:
            return [PollOption(label=code.label, answer_code=code.value, position=index) for index, code in enumerate(YesNo)]
        return []
    if not MIN_OPTIONS <= len(draft.options) <= MAX_OPTIONS:
        problems.add("options", f"Give from {MIN_OPTIONS} to {MAX_OPTIONS} options.")
        return []
    options, seen = [], set()
    for index, draft_option in enumerate(draft.options):
        label = problems.text(
            f"options.{index}.label", draft_option.label, max_length=MAX_OPTION_LABEL, required=True, label="An option"
        )
        if label and label.casefold() in seen:
            problems.add("options", f"Each option needs its own label: “{label}” is there twice.")
        seen.add(label.casefold())
        if draft_option.variant_id is not None and draft_option.variant_id not in variant_ids:
            problems.add(f"options.{index}.variant_id", "Choose a variant of what you are asking about.")
        options.append(PollOption(label=label, variant_id=draft_option.variant_id, position=index))
    return options


def _deadline(value: datetime | None, now: datetime, problems: _Problems) -> datetime:
    if value is None:
        return now + DEFAULT_DEADLINE
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value <= now:
        problems.add("deadline", "Choose a time in the future.")
    elif value > now + MAX_DEADLINE:
        problems.add("deadline", f"Choose a time at most {MAX_DEADLINE.days} days ahead.")
    return value


def _audience(asker, draft: AskDraft, problems: _Problems) -> ChosenAudience | None:
    try:
        return clean_audience(asker, draft.audience, circle_id=draft.circle_id, people_ids=draft.people_ids)
    except InvalidInput as refusal:
        for name, messages in refusal.fields.items():
            for message in messages:
                problems.add(name, message)
        return None


@transaction.atomic
def create_ask(*, asker, draft: AskDraft, now: datetime | None = None) -> Ask:
    rate_limits.spend("ask", asker.pk)
    now = now or timezone.now()
    problems = _Problems()
    question = problems.text("question", draft.question, max_length=MAX_QUESTION, required=True, label="The question")
    details = problems.text("details", draft.details, max_length=MAX_DETAILS, required=False, label="The details")
    product, items, variant_ids = _subject(asker, draft, problems)
    options = _options(draft, variant_ids, problems)
    deadline = _deadline(draft.deadline, now, problems)
    audience = _audience(asker, draft, problems)
    problems.raise_any()

    ask = Ask(asker=asker, question=question, details=details, product=product, poll_kind=draft.poll_kind, deadline=deadline)
    audience.apply_to(ask)
    ask.save()
    audience.save_people(ask)
    for row in (*items, *options):
        row.ask = ask
    AskItem.objects.bulk_create(items)
    PollOption.objects.bulk_create(options)
    record_event(
        "ask.created",
        {
            "ask_id": ask.pk,
            "asker_id": asker.pk,
            "question": ask.question,
            "audience": ask.audience,
            "product_id": ask.product_id,
            "poll_kind": ask.poll_kind,
            "deadline": ask.deadline.isoformat(),
            "recipient_ids": sorted(reached_user_ids(ask) - {asker.pk}),
        },
    )
    return ask


# --- votes and answers ------------------------------------------------------------------


def _take_open(ask: Ask, now: datetime) -> int:
    """Lock the ask's row if it still takes votes and answers; its new version. Conflict once closed."""
    if not Ask.objects.filter(pk=ask.pk, closed_at__isnull=True, deadline__gt=now).update(version=F("version") + 1, updated_at=now):
        raise Conflict(CLOSED_MESSAGE, code="ask_closed")
    return Ask.objects.values_list("version", flat=True).get(pk=ask.pk)


def _refuse_if_closed(ask: Ask, now: datetime) -> None:
    if not selectors.is_open(ask, now):
        raise Conflict(CLOSED_MESSAGE, code="ask_closed")


@transaction.atomic
def vote(*, voter, ask_id: int, option_id, now: datetime | None = None) -> Vote:
    """Vote for an option, or change one's vote; voting again for the same option changes nothing."""
    now = now or timezone.now()
    ask = selectors.ask_for(voter, ask_id)
    if ask.asker_id == voter.pk:
        raise Forbidden("You asked: the vote is your circle's.", fields={"option_id": ["You cannot vote on your own ask."]})
    option = next((option for option in ask.options.all() if option.pk == option_id), None)
    if option is None:
        raise InvalidInput("Choose one of the ask's options.", fields={"option_id": ["Not an option of this ask."]})
    _refuse_if_closed(ask, now)
    mine = Vote.objects.filter(ask=ask, voter=voter).first()
    if mine is not None and mine.option_id == option.pk:
        return mine
    version = _take_open(ask, now)
    previous_option_id = Vote.objects.filter(ask=ask, voter=voter).values_list("option_id", flat=True).first()
    # One statement, so two requests of one person cannot make two rows.
    Vote.objects.bulk_create(
        [Vote(ask=ask, option=option, voter=voter)],
        update_conflicts=True,
        unique_fields=["ask", "voter"],
        update_fields=["option", "updated_at"],
    )
    record_event(
        "ask.voted",
        {
            "ask_id": ask.pk,
            "asker_id": ask.asker_id,
            "voter_id": voter.pk,
            "option_id": option.pk,
            "previous_option_id": previous_option_id,
            **selectors.live_state(ask.pk, version),
        },
    )
    return Vote.objects.get(ask=ask, voter=voter)


@transaction.atomic
def withdraw_vote(*, voter, ask_id: int, now: datetime | None = None) -> None:
    now = now or timezone.now()
    ask = selectors.ask_for(voter, ask_id)
    _refuse_if_closed(ask, now)
    mine = Vote.objects.filter(ask=ask, voter=voter).first()
    if mine is None:
        return
    version = _take_open(ask, now)
    Vote.objects.filter(pk=mine.pk).delete()
    record_event(
        "ask.vote_withdrawn",
        {
            "ask_id": ask.pk,
            "asker_id": ask.asker_id,
            "voter_id": voter.pk,
            "previous_option_id": mine.option_id,
            **selectors.live_state(ask.pk, version),
        },
    )


@transaction.atomic
def answer(*, author, ask_id: int, text, now: datetime | None = None) -> Answer:
    rate_limits.spend("answer", author.pk)
    now = now or timezone.now()
    ask = selectors.ask_for(author, ask_id)
    problems = _Problems()
    text = problems.text("text", text, max_length=MAX_ANSWER, required=True, label="Your answer")
    problems.raise_any()
    version = _take_open(ask, now)
    posted = Answer.objects.create(ask=ask, author=author, text=text)
    record_event(
        "ask.answered",
        {
            "ask_id": ask.pk,
            "asker_id": ask.asker_id,
            "question": ask.question,
            "answer_id": posted.pk,
            "author_id": author.pk,
            **selectors.live_state(ask.pk, version),
        },
    )
    return posted


# --- closing and deleting -----------------------------------------------------------------


def _close(ask_id: int, *, closed_at, closed_by_id: int | None) -> bool:
    """Close the ask if nobody has yet, store its summary and record ``ask.closed``. In the caller's transaction."""
    if not Ask.objects.filter(pk=ask_id, closed_at__isnull=True).update(
        closed_at=closed_at, version=F("version") + 1, updated_at=timezone.now()
    ):
        return False
    summary = selectors.summary_of(ask_id)
    Ask.objects.filter(pk=ask_id).update(summary=summary)
    ask = Ask.objects.get(pk=ask_id)
    voters = set(Vote.objects.filter(ask_id=ask_id).values_list("voter_id", flat=True))
    answerers = set(Answer.objects.filter(ask_id=ask_id).values_list("author_id", flat=True))
    record_event(
        "ask.closed",
        {
            "ask_id": ask.pk,
            "asker_id": ask.asker_id,
            "question": ask.question,
            "closed_at": ask.closed_at.isoformat(),
            "closed_by_id": closed_by_id,
            "summary": summary,
            "participant_ids": sorted((voters | answerers) - {ask.asker_id}),
            **selectors.live_state(ask.pk, ask.version),
        },
    )
    return True


def _own_ask(asker, ask_id: int, refusal: str) -> Ask:
    ask = selectors.ask_for(asker, ask_id)
    if ask.asker_id != asker.pk:
        raise Forbidden(refusal)
    return ask


@transaction.atomic
def close_ask(*, asker, ask_id: int, now: datetime | None = None) -> Ask:
    """The asker closes early: no more votes or answers; the summary is kept."""
    ask = _own_ask(asker, ask_id, "Only the person who asked can close it.")
    if not _close(ask.pk, closed_at=now or timezone.now(), closed_by_id=asker.pk):
        raise Conflict("This ask is already closed.", code="ask_closed")
    return Ask.objects.get(pk=ask.pk)


def close_due_asks(*, now: datetime | None = None, limit: int = 500) -> int:
    """Close the asks whose deadline has passed, each in its own transaction; how many this run closed.

    Two workers may run this at once: the conditional UPDATE lets one of them close each ask.
    """
    now = now or timezone.now()
    due = list(Ask.objects.filter(closed_at__isnull=True, deadline__lte=now).order_by("deadline").values_list("pk", flat=True)[:limit])
    closed = 0
    for ask_id in due:
        with transaction.atomic():
            closed += _close(ask_id, closed_at=F("deadline"), closed_by_id=None)
    return closed


@transaction.atomic
def delete_ask(*, asker, ask_id: int) -> None:
    ask = _own_ask(asker, ask_id, "Only the person who asked can delete it.")
    ask.delete()
    record_event("ask.deleted", {"ask_id": ask_id, "asker_id": asker.pk})


# --- acting on the outcome -------------------------------------------------------------------


@transaction.atomic
def add_winner_to_cart(*, asker, ask_id: int) -> CartLine:
    """One click from the outcome to the cart: the winning option's variant, one unit."""
    ask = _own_ask(asker, ask_id, "Only the person who asked can do this.")
    if ask.poll_kind == PollKind.NONE:
        raise Conflict("This ask has no poll.", code="no_winner")
    winners = selectors.results(ask).winners
    if not winners:
        raise Conflict("Nobody has voted yet.", code="no_winner")
    if len(winners) > 1:
        raise Conflict("It is a tie: choose on the product page.", code="no_winner")
    variant = selectors.variant_for(ask, winners[0])
    if variant is None:
        raise Conflict(f"“{winners[0].label}” is not an item that can go in the cart.", code="no_winner")
    return checkout.add_to_cart(variant_id=variant.pk, quantity=1, user=asker)
