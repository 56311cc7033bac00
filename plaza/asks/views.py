"""Ask pages: the lists (my asks, asked to me), the form, and the live page of one ask.

The page of an ask is refreshed in place: the socket (``ask.js``) says what changed, and
the page fetches the poll fragment or the new answers from the views here, which check
the viewer's access again. An ask outside one's audience is a 404 page.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from plaza.asks import selectors, services
from plaza.asks.models import MAX_ANSWER, MAX_DETAILS, MAX_OPTION_LABEL, MAX_OPTIONS, MAX_QUESTION, MIN_OPTIONS, PollKind
from plaza.catalog.models import Product, ProductStatus
from plaza.checkout.selectors import cart_summary, find_cart
from plaza.core.errors import NotFound, PlazaError
from plaza.social.models import Audience
from plaza.social.selectors import circles_of, friends_of

ASKS_PER_PAGE = 20
# What "Closes in" offers, in hours; the API takes any time up to 30 days ahead.
CLOSES_IN_HOURS = {1: "1 hour", 6: "6 hours", 24: "24 hours", 72: "3 days", 168: "a week", 720: "30 days"}
DEFAULT_CLOSES_IN = 24
# Option rows always shown on the form; the rest wait behind "More options".
SHOWN_OPTION_ROWS = 4


def _ask(request, ask_id: int):
    try:
        return selectors.ask_for(request.user, ask_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _posted_id(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


@login_required
def index(request):
    showing = "inbox" if request.GET.get("show") == "inbox" else "mine"
    asks = selectors.asked_to(request.user) if showing == "inbox" else selectors.asks_of(request.user)
    page = Paginator(asks, ASKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "asks/index.html", {"showing": showing, "page": page, "now": timezone.now()})


# --- the form ---------------------------------------------------------------------------------


def _subject(request):
    """(product, cart summary): what the form asks about, from ``?product=`` or ``?cart=1`` (or the posted form)."""
    data = request.POST if request.method == "POST" else request.GET
    if data.get("cart"):
        summary = cart_summary(find_cart(user=request.user))
        return None, summary
    product_id = _posted_id(data.get("product"))
    product = (
        Product.objects.select_related("shop")
        .prefetch_related("variants", "images")
        .filter(pk=product_id, status=ProductStatus.PUBLISHED, shop__is_active=True)
        .first()
        if product_id
        else None
    )
    if product is None:
        raise Http404("No such product.")
    return product, None


def _variants_of(product, summary) -> list:
    if product is not None:
        return list(product.variants.order_by("position", "id"))
    return [view.variant for group in summary.groups for view in group.lines]


def _option_rows(request, variants: list, fields: dict) -> list[dict]:
    if request.method == "POST":
        values = [(request.POST.get(f"option_label_{i}", ""), _posted_id(request.POST.get(f"option_variant_{i}"))) for i in range(MAX_OPTIONS)]
    elif MIN_OPTIONS <= len(variants) <= MAX_OPTIONS:
        # "Which colour?": each variant an option, ready to send.
        values = [(variant.title, variant.pk) for variant in variants]
    else:
        values = []
    values += [("", None)] * (MAX_OPTIONS - len(values))
    shown = max(SHOWN_OPTION_ROWS, sum(1 for label, _ in values if label.strip()))
    return [
        {
            "index": index,
            "label": label,
            "variant_id": variant_id,
            "shown": index < shown,
            "errors": fields.get(f"options.{index}.label", []) + fields.get(f"options.{index}.variant_id", []),
        }
        for index, (label, variant_id) in enumerate(values)
    ]


def _draft(request, product) -> services.AskDraft:
    post = request.POST
    poll_kind = post.get("poll_kind", PollKind.NONE)
    options = [
        services.OptionDraft(post.get(f"option_label_{i}", ""), _posted_id(post.get(f"option_variant_{i}")))
        for i in range(MAX_OPTIONS)
        if post.get(f"option_label_{i}", "").strip()
    ]
    closes_in = _posted_id(post.get("closes_in"))
    return services.AskDraft(
        question=post.get("question", ""),
        details=post.get("details", ""),
        product_id=product.pk if product else None,
        variant_ids=[value for value in map(_posted_id, post.getlist("variant_ids")) if value],
        from_cart=product is None,
        poll_kind=poll_kind,
        options=options if poll_kind == PollKind.OPTIONS else [],
        audience=post.get("audience", ""),
        circle_id=_posted_id(post.get("circle_id")),
        people_ids=[value for value in map(_posted_id, post.getlist("people_ids")) if value],
        deadline=timezone.now() + timedelta(hours=closes_in if closes_in in CLOSES_IN_HOURS else DEFAULT_CLOSES_IN),
    )


@login_required
def new(request):
    product, summary = _subject(request)
    variants = _variants_of(product, summary)
    circles = list(circles_of(request.user))
    refusal = None
    if request.method == "POST":
        try:
            ask = services.create_ask(asker=request.user, draft=_draft(request, product))
        except PlazaError as error:
            refusal = error
        else:
            messages.success(request, "Asked. Answers will show up here as they come.")
            return redirect("asks:detail", ask_id=ask.pk)
    fields = refusal.fields if refusal else {}
    post = request.POST
    context = {
        "product": product,
        "cart": summary,
        "variants": variants,
        "circles": circles,
        "friends": friends_of(request.user),
        "refusal": refusal,
        "errors": {name: texts for name, texts in fields.items() if not name.startswith("options.")},
        "option_rows": _option_rows(request, variants, fields),
        "closes_in_choices": CLOSES_IN_HOURS.items(),
        "limits": {"question": MAX_QUESTION, "details": MAX_DETAILS, "option": MAX_OPTION_LABEL},
        "form": {
            "question": post.get("question", ""),
            "details": post.get("details", ""),
            "poll_kind": post.get("poll_kind", PollKind.OPTIONS if MIN_OPTIONS <= len(variants) <= MAX_OPTIONS else PollKind.YES_NO),
            "audience": post.get("audience", Audience.CIRCLE if circles else Audience.FRIENDS),
            "circle_id": _posted_id(post.get("circle_id")),
            "people_ids": {value for value in map(_posted_id, post.getlist("people_ids")) if value},
            "variant_ids": {value for value in map(_posted_id, post.getlist("variant_ids")) if value},
            "closes_in": _posted_id(post.get("closes_in")) or DEFAULT_CLOSES_IN,
        },
    }
    return render(request, "asks/new.html", context, status=refusal.status_code if refusal else 200)


# --- one ask ----------------------------------------------------------------------------------


def _poll_context(request, ask) -> dict:
    outcome = selectors.results(ask)
    return {
        "ask": ask,
        "results": outcome,
        "is_open": selectors.is_open(ask),
        "is_asker": ask.asker_id == request.user.pk,
        "my_vote": selectors.my_vote_option_id(request.user, ask),
        "winning_variant": selectors.winning_variant(ask, outcome) if ask.asker_id == request.user.pk else None,
    }


@login_required
@require_GET
def detail(request, ask_id: int):
    ask = _ask(request, ask_id)
    answers = list(selectors.answers_for(request.user, ask))
    context = {
        **_poll_context(request, ask),
        "answers": answers,
        "last_answer_id": answers[-1].pk if answers else 0,
        "max_answer": MAX_ANSWER,
    }
    return render(request, "asks/detail.html", context)


@login_required
@require_GET
def poll(request, ask_id: int):
    """The poll and the status line, re-rendered: what the live page swaps in after a change."""
    return render(request, "asks/_poll.html", _poll_context(request, _ask(request, ask_id)))


def _answers_after(request, ask):
    after_id = _posted_id(request.GET.get("after_id")) or 0
    return render(request, "asks/_answers.html", {"answers": selectors.answers_for(request.user, ask, after_id=after_id)})


@login_required
def answers(request, ask_id: int):
    """GET: the answers after ``after_id``, as list items (the live page appends them). POST: answer."""
    ask = _ask(request, ask_id)
    if request.method != "POST":
        return _answers_after(request, ask)
    try:
        posted = services.answer(author=request.user, ask_id=ask.pk, text=request.POST.get("text", ""))
    except PlazaError as refusal:
        messages.error(request, refusal.message)
        return redirect("asks:detail", ask_id=ask.pk)
    return redirect(f"/asks/{ask.pk}/#answer-{posted.pk}")


def _act(request, ask_id: int, action, done: str, *, back_to_poll: bool = True):
    """Run a button's service; htmx gets the poll fragment back, a plain form a redirect with a message."""
    ask = _ask(request, ask_id)
    try:
        action(ask)
    except PlazaError as refusal:
        if request.htmx and back_to_poll:
            context = {**_poll_context(request, ask), "refusal": refusal}
            return render(request, "asks/_poll.html", context, status=refusal.status_code)
        messages.error(request, refusal.message)
    else:
        if request.htmx and back_to_poll:
            return render(request, "asks/_poll.html", _poll_context(request, _ask(request, ask_id)))
        messages.success(request, done)
    return redirect("asks:detail", ask_id=ask_id)


@login_required
@require_POST
def vote(request, ask_id: int):
    option_id = _posted_id(request.POST.get("option_id"))
    return _act(request, ask_id, lambda ask: services.vote(voter=request.user, ask_id=ask.pk, option_id=option_id), "Vote saved.")


@login_required
@require_POST
def withdraw_vote(request, ask_id: int):
    return _act(request, ask_id, lambda ask: services.withdraw_vote(voter=request.user, ask_id=ask.pk), "Vote withdrawn.")


@login_required
@require_POST
def close(request, ask_id: int):
    return _act(request, ask_id, lambda ask: services.close_ask(asker=request.user, ask_id=ask.pk), "Closed: the results are final.")


@login_required
@require_POST
def add_to_cart(request, ask_id: int):
    return _act(
        request,
        ask_id,
        lambda ask: services.add_winner_to_cart(asker=request.user, ask_id=ask.pk),
        "Added to your cart.",
        back_to_poll=False,
    )


@login_required
@require_POST
def delete(request, ask_id: int):
    ask = _ask(request, ask_id)
    try:
        services.delete_ask(asker=request.user, ask_id=ask.pk)
    except PlazaError as refusal:
        messages.error(request, refusal.message)
        return redirect("asks:detail", ask_id=ask.pk)
    messages.success(request, "Ask deleted.")
    return redirect("asks:index")
