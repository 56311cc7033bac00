"""Feed pages: the home feed, sharing something with an audience, a share with its comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from plaza.core.errors import NotFound, PlazaError
from plaza.feed import selectors, services
from plaza.feed.models import MAX_COMMENT, MAX_MESSAGE, ReactionKind, ShareKind
from plaza.social import selectors as social
from plaza.social.models import Audience


def _int(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


@login_required
def home(request):
    try:
        page = selectors.home_feed(request.user, before=request.GET.get("before", "")[:200] or None)
    except PlazaError:
        return redirect("feed:home")
    template = "feed/_items.html" if request.htmx else "feed/home.html"
    return render(
        request,
        template,
        {"page": page, "reactions": ReactionKind.choices, "has_friends": social.friends_of(request.user).exists()},
    )


def _share_form_context(request, kind: str, subject_id: int | None, **extra) -> dict:
    return {
        "kind": kind,
        "kind_label": ShareKind(kind).label,
        "subject_id": subject_id,
        "audiences": Audience.choices,
        "default_audience": social.privacy_of(request.user).default_audience,
        "circles": social.circles_of(request.user),
        "friends": social.friends_of(request.user),
        "max_message": MAX_MESSAGE,
        **extra,
    }


@login_required
def new_share(request):
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in ShareKind.values:
        raise Http404("Nothing to share.")
    subject_id = _int(request.POST.get("subject_id") or request.GET.get("subject_id"))
    if request.method == "POST":
        try:
            services.share(
                author=request.user,
                kind=kind,
                subject_id=subject_id or 0,
                message=request.POST.get("message", ""),
                audience=request.POST.get("audience") or None,
                circle_id=_int(request.POST.get("circle_id")),
                people_ids=[person for person in map(_int, request.POST.getlist("people_ids")) if person],
            )
        except PlazaError as refusal:
            context = _share_form_context(request, kind, subject_id, error=refusal, posted=request.POST)
            return render(request, "feed/share_form.html", context, status=refusal.status_code)
        messages.success(request, "Shared.")
        return redirect("feed:home")
    return render(request, "feed/share_form.html", _share_form_context(request, kind, subject_id))


def _share(request, share_id: int):
    try:
        return selectors.share_for(request.user, share_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def share_detail(request, share_id: int):
    found = _share(request, share_id)
    context = {
        "share": found,
        "comments": selectors.comments_of(request.user, found),
        "reactions": ReactionKind.choices,
        "max_comment": MAX_COMMENT,
    }
    return render(request, "feed/share.html", context)


def _done(request, share_id: int, message: str = ""):
    if message:
        messages.success(request, message)
    if request.htmx:
        return render(request, "feed/_reactions.html", {"share": _share(request, share_id), "reactions": ReactionKind.choices})
    return redirect("feed:share", share_id=share_id)


def _refused(request, action):
    try:
        action()
    except NotFound as error:
        raise Http404(error.message) from error
    except PlazaError as refusal:
        messages.error(request, refusal.message)
        return False
    return True


@login_required
@require_POST
def react(request, share_id: int):
    kind = request.POST.get("kind", "")
    mine = _share(request, share_id).my_reactions
    if mine and mine[0].kind == kind:
        _refused(request, lambda: services.unreact(user=request.user, share_id=share_id))
    else:
        _refused(request, lambda: services.react(user=request.user, share_id=share_id, kind=kind))
    return _done(request, share_id)


@login_required
@require_POST
def add_comment(request, share_id: int):
    ok = _refused(request, lambda: services.comment(user=request.user, share_id=share_id, text=request.POST.get("text", "")))
    return redirect(f"/feed/shares/{share_id}/#comments") if ok else redirect("feed:share", share_id=share_id)


@login_required
@require_POST
def delete_comment(request, comment_id: int):
    share_id = _int(request.POST.get("share_id"))
    _refused(request, lambda: services.delete_comment(user=request.user, comment_id=comment_id))
    return redirect("feed:share", share_id=share_id) if share_id else redirect("feed:home")


@login_required
@require_POST
def delete_share(request, share_id: int):
    if _refused(request, lambda: services.delete_share(author=request.user, share_id=share_id)):
        messages.success(request, "Share deleted.")
        return redirect("feed:home")
    return redirect("feed:share", share_id=share_id)
