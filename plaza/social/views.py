"""Friends pages: requests, friends, finding people, profiles, circles, the invite link, privacy.

Every button posts to one small view that calls a service, says what happened and goes
back to the page it came from (``next``, when it is a page of this site).
"""

from collections.abc import Callable

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from plaza.core.errors import NotFound, PlazaError
from plaza.shops.models import Shop
from plaza.social import selectors, services
from plaza.social.models import DEFAULT_AUDIENCE_CHOICES

FRIENDS_PER_PAGE = 30


def _back(request, default: str):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect(default)


def _act(request, action: Callable[[], object], success: str | Callable[[object], str], default: str):
    """Run a service for a button; a refusal becomes an error message on the page we return to."""
    try:
        result = action()
    except NotFound as error:
        raise Http404(error.message) from error
    except PlazaError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, success(result) if callable(success) else success)
    return _back(request, default)


def _posted_id(request, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit() or len(value) > 18:
        raise Http404("No such person.")
    return int(value)


def _person(request, user_id: int):
    try:
        return selectors.visible_person(request.user, user_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def friends(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:120]
    invite = services.invite_for(request.user)
    invite_url = request.build_absolute_uri(f"/friends/invite/{invite.token}/")
    context = {
        "page": Paginator(selectors.friends_of(request.user), FRIENDS_PER_PAGE).get_page(request.GET.get("page")),
        "received": selectors.requests_received(request.user),
        "sent": selectors.requests_sent(request.user),
        "query": query,
        "found": selectors.find_people(request.user, query) if query else None,
        "min_query_length": selectors.MIN_QUERY_LENGTH,
        "invite_url": invite_url,
        "invite_qr": segno.make(invite_url, error="m").svg_inline(scale=4, title="QR code of your invite link"),
        "circles": selectors.circles_of(request.user),
        "followed_shops": selectors.followed_shops(request.user),
        "blocked": selectors.blocked_by(request.user),
    }
    return render(request, "social/friends.html", context)


@login_required
def person(request, user_id: int):
    found = _person(request, user_id)
    return render(
        request, "social/person.html", {"person": found, "standing": selectors.relationship(request.user, found)}
    )


@login_required
@require_POST
def send_request(request):
    person_id = _posted_id(request, "user_id")
    return _act(
        request,
        lambda: services.send_friend_request(sender=request.user, to_user_id=person_id),
        lambda sent: "Friend request sent." if sent else "You are friends now.",
        f"/people/{person_id}/",
    )


@login_required
@require_POST
def answer_request(request, request_id: int, answer: str):
    if answer == "accept":
        action, done = services.accept_friend_request, "You are friends now."
    elif answer == "decline":
        action, done = services.decline_friend_request, "Request declined."
    else:
        action, done = services.cancel_friend_request, "Request withdrawn."
    return _act(request, lambda: action(user=request.user, request_id=request_id), done, "/friends/")


PERSON_ACTIONS = {
    "unfriend": (lambda user, person_id: services.unfriend(user=user, friend_id=person_id), "You are no longer friends."),
    "follow": (lambda user, person_id: services.follow_person(follower=user, person_id=person_id), "Following."),
    "unfollow": (lambda user, person_id: services.unfollow_person(follower=user, person_id=person_id), "No longer following."),
    "block": (lambda user, person_id: services.block(blocker=user, person_id=person_id), "Blocked. You will not see each other."),
    "unblock": (lambda user, person_id: services.unblock(blocker=user, person_id=person_id), "Unblocked."),
}


@login_required
@require_POST
def person_action(request, user_id: int, action: str):
    service, done = PERSON_ACTIONS[action]
    default = "/friends/" if action in ("block", "unblock") else f"/people/{user_id}/"
    return _act(request, lambda: service(request.user, user_id), done, default)


@login_required
@require_POST
def shop_follow(request, shop_id: int, action: str):
    shop = Shop.objects.filter(pk=shop_id, is_active=True).first()
    if shop is None:
        raise Http404("No such shop.")
    if action == "follow":
        service, done = services.follow_shop, f"You follow {shop.name}: its new products and offers come to your feed."
    else:
        service, done = services.unfollow_shop, f"You no longer follow {shop.name}."
    return _act(request, lambda: service(follower=request.user, shop_id=shop.pk), done, f"/shops/{shop.slug}/")


# --- circles -------------------------------------------------------------------------------


def _circle(request, circle_id: int):
    try:
        return selectors.circle_of_owner(request.user, circle_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _member_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist("member_ids") if value.isdigit() and len(value) <= 18]


@login_required
def circles(request):
    context = {"circles": selectors.circles_of(request.user), "friends": selectors.friends_of(request.user)}
    if request.method == "POST":
        try:
            circle = services.create_circle(owner=request.user, name=request.POST.get("name"), member_ids=_member_ids(request))
        except PlazaError as refusal:
            context.update(error=refusal, name=request.POST.get("name", ""), chosen=set(_member_ids(request)))
            return render(request, "social/circles.html", context, status=refusal.status_code)
        messages.success(request, f"Circle “{circle.name}” created.")
        return redirect("social:circle", circle_id=circle.pk)
    return render(request, "social/circles.html", context)


@login_required
def circle(request, circle_id: int):
    found = _circle(request, circle_id)
    members = list(selectors.circle_members(found))
    member_ids = {member.pk for member in members}
    context = {
        "circle": found,
        "members": members,
        "addable": [friend for friend in selectors.friends_of(request.user) if friend.pk not in member_ids],
    }
    return render(request, "social/circle.html", context)


@login_required
@require_POST
def circle_action(request, circle_id: int, action: str):
    here = f"/friends/circles/{circle_id}/"
    if action == "rename":
        return _act(
            request,
            lambda: services.rename_circle(owner=request.user, circle_id=circle_id, name=request.POST.get("name")),
            "Circle renamed.",
            here,
        )
    if action == "add":
        return _act(
            request,
            lambda: services.add_circle_members(owner=request.user, circle_id=circle_id, member_ids=_member_ids(request)),
            "Added to the circle.",
            here,
        )
    if action == "remove":
        member_id = _posted_id(request, "member_id")
        return _act(
            request,
            lambda: services.remove_circle_member(owner=request.user, circle_id=circle_id, member_id=member_id),
            "Removed from the circle.",
            here,
        )
    return _act(request, lambda: services.delete_circle(owner=request.user, circle_id=circle_id), "Circle deleted.", "/friends/circles/")


# --- invite link and privacy --------------------------------------------------------------


def invite(request, token: str):
    """Someone's invite link: who sent it, and a button to become friends (sign in first)."""
    try:
        owner = selectors.invite_owner(request.user, token)
    except NotFound as error:
        return render(request, "social/invite.html", {"invalid": error.message}, status=404)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next=/friends/invite/{token}/")
        return _act(
            request,
            lambda: services.accept_invite(user=request.user, token=token),
            f"You and {owner.public_name} are friends now.",
            f"/people/{owner.pk}/",
        )
    already = request.user.is_authenticated and selectors.are_friends(request.user, owner.pk)
    return render(request, "social/invite.html", {"owner": owner, "token": token, "already_friends": already})


@login_required
@require_POST
def reset_invite(request):
    services.reset_invite(user=request.user)
    messages.success(request, "You have a new invite link; the old one no longer works.")
    return redirect("/friends/#invite")


@login_required
def privacy(request):
    if request.method == "POST":
        changes = {name: request.POST.get(name) == "on" for name in services.PRIVACY_FLAGS}
        changes["default_audience"] = request.POST.get("default_audience", "")
        try:
            services.update_privacy(user=request.user, **changes)
        except PlazaError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Privacy settings saved.")
        return redirect("social:privacy")
    return render(
        request,
        "social/privacy.html",
        {"privacy": selectors.privacy_of(request.user), "audiences": DEFAULT_AUDIENCE_CHOICES},
    )
