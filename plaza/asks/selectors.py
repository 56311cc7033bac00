"""Reads of asks for the pages, the API and the live socket; every one goes through ``visible_to``."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from plaza.accounts.models import User
from plaza.asks.models import Answer, Ask, AskItem, PollKind, PollOption, Vote, YesNo
from plaza.catalog.models import ProductStatus, Variant
from plaza.core.errors import NotFound
from plaza.social.audiences import can_see, visible_to
from plaza.social.models import Audience, Friendship, UserFollow
from plaza.social.selectors import hidden_from

MAX_ID = 2**63 - 1


def _with_details(asks: QuerySet[Ask]) -> QuerySet[Ask]:
    return asks.select_related("asker", "product__shop", "circle").prefetch_related(
        Prefetch("options", queryset=PollOption.objects.select_related("variant")),
        Prefetch("items", queryset=AskItem.objects.select_related("product__shop", "variant")),
    )


def _newest_first(asks: QuerySet[Ask]) -> QuerySet[Ask]:
    return _with_details(asks).annotate(answer_total=Count("answers")).order_by("-created_at", "-id")


def ask_for(viewer, ask_id: int) -> Ask:
    """The ask, if the viewer is in its audience; NotFound otherwise (never "forbidden": that would tell it exists)."""
    ask = None
    if 0 < ask_id <= MAX_ID:
        ask = _with_details(visible_to(Ask.objects.all(), viewer)).filter(pk=ask_id).first()
    if ask is None:
        raise NotFound("No such ask.")
    return ask


def may_watch(viewer, ask_id: int) -> bool:
    """Whether the viewer may still follow this ask live (the socket checks this again on every loss of access)."""
    ask = Ask.objects.filter(pk=ask_id).first()
    return ask is not None and getattr(viewer, "is_authenticated", False) and can_see(viewer, ask)


def asks_of(user) -> QuerySet[Ask]:
    return _newest_first(Ask.objects.filter(asker=user))


def asked_to(user) -> QuerySet[Ask]:
    """Asks of other people the user is in the audience of, newest first.

    Public asks come only from people the user is friends with or follows: everyone can
    open a public ask, but a stranger's does not land in one's inbox.
    """
    known = Q(asker__in=Friendship.objects.filter(user=user).values("friend_id")) | Q(
        asker__in=UserFollow.objects.filter(follower=user).values("followed_id")
    )
    asks = visible_to(Ask.objects.exclude(asker=user), user).filter(~Q(audience=Audience.PUBLIC) | known)
    return _newest_first(asks)


def is_open(ask: Ask, now: datetime | None = None) -> bool:
    """Open for votes and answers: not closed, and before its deadline (the task may not have closed it yet)."""
    return ask.closed_at is None and ask.deadline > (now or timezone.now())


def tallies(ask_id: int) -> dict[int, int]:
    """Votes per option id, in the options' order (options without votes included)."""
    counted = dict(Vote.objects.filter(ask_id=ask_id).values("option_id").annotate(votes=Count("id")).values_list("option_id", "votes"))
    option_ids = PollOption.objects.filter(ask_id=ask_id).order_by("position").values_list("pk", flat=True)
    return {option_id: counted.get(option_id, 0) for option_id in option_ids}


def answer_count(ask_id: int) -> int:
    return Answer.objects.filter(ask_id=ask_id).count()


def live_state(ask_id: int, version: int) -> dict:
    """What a live page needs after a change: counts only, never who voted or what was said."""
    counts = tallies(ask_id)
    return {
        "version": version,
        "tallies": {str(option_id): votes for option_id, votes in counts.items()},
        "total_votes": sum(counts.values()),
        "answer_count": answer_count(ask_id),
    }


def summary_of(ask_id: int) -> dict:
    """The outcome as it stands: votes per option, the winning options (several on a tie), answers."""
    counts = tallies(ask_id)
    labels = dict(PollOption.objects.filter(ask_id=ask_id).values_list("pk", "label"))
    best = max(counts.values(), default=0)
    winners = [option_id for option_id, votes in counts.items() if best and votes == best]
    return {
        "votes": {str(option_id): votes for option_id, votes in counts.items()},
        "total_votes": sum(counts.values()),
        "winner_option_ids": winners,
        "winner_labels": [labels[option_id] for option_id in winners],
        "answer_count": answer_count(ask_id),
    }


@dataclass(frozen=True)
class OptionResult:
    option: PollOption
    votes: int
    percent: int
    winning: bool


@dataclass(frozen=True)
class Results:
    options: list[OptionResult]
    total_votes: int
    answer_count: int

    @property
    def winning_results(self) -> list[OptionResult]:
        return [result for result in self.options if result.winning]

    @property
    def winners(self) -> list[PollOption]:
        return [result.option for result in self.winning_results]


def results(ask: Ask) -> Results:
    """The poll as it stands, for pages and the API; a closed ask shows the summary stored when it closed."""
    summary = ask.summary if ask.closed_at is not None and ask.summary else summary_of(ask.pk)
    total = summary["total_votes"]
    winners = set(summary["winner_option_ids"])
    options = [
        OptionResult(
            option,
            summary["votes"].get(str(option.pk), 0),
            round(100 * summary["votes"].get(str(option.pk), 0) / total) if total else 0,
            option.pk in winners,
        )
        for option in ask.options.all()
    ]
    return Results(options, total, summary["answer_count"])


def my_vote_option_id(viewer, ask: Ask) -> int | None:
    return Vote.objects.filter(ask=ask, voter=viewer).values_list("option_id", flat=True).first()


def answers_for(viewer, ask: Ask, *, after_id: int = 0) -> QuerySet[Answer]:
    """The answers, oldest first; those of people the viewer blocked (or who blocked them) are left out."""
    answers = Answer.objects.filter(ask=ask, pk__gt=after_id).select_related("author").order_by("id")
    return answers.exclude(author__in=User.objects.filter(hidden_from(viewer)).values("pk"))


def variant_for(ask: Ask, option: PollOption) -> Variant | None:
    """The variant an option stands for, if it is for sale: its own for a custom option; for
    "yes" in a yes/no poll on a product, the product's first variant."""
    if ask.poll_kind == PollKind.OPTIONS:
        variant_id = option.variant_id
    elif ask.poll_kind == PollKind.YES_NO and option.answer_code == YesNo.YES and ask.product_id:
        variant_id = Variant.objects.filter(product_id=ask.product_id).order_by("position", "id").values_list("pk", flat=True).first()
    else:
        return None
    return (
        Variant.objects.select_related("product")
        .filter(pk=variant_id, product__status=ProductStatus.PUBLISHED, product__shop__is_active=True)
        .first()
        if variant_id
        else None
    )


def winning_variant(ask: Ask, outcome: Results) -> Variant | None:
    """What "Add to cart" adds: the variant of the one winning option; None on a tie or without votes."""
    winners = outcome.winners
    return variant_for(ask, winners[0]) if len(winners) == 1 else None
