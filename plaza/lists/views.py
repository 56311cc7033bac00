"""List pages: my lists (and those shared with me), one live list with its sharing panel,
and "Find this list nearby".

The items on the list page are drawn and kept live by ``static/lists/list.js`` from the
same JSON the API gives; the sharing panel is plain forms posting to the views below.
The nearby page is server-rendered: the shopper's position comes from the storefront's
place chooser (remembered in the session), and its buttons post to :func:`add_nearby`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from plaza.core.errors import InvalidInput, NotFound, PlazaError
from plaza.lists import nearby, presenters, selectors, services
from plaza.lists.models import MAX_ITEM_TEXT, MAX_NOTE, MAX_QUANTITY, MAX_TITLE, Role
from plaza.social import selectors as social
from plaza.storefront import selectors as storefront
from plaza.storefront.position import shopper_position


@login_required
def my_lists(request, errors: dict | None = None, status: int = 200):
    lists = list(selectors.lists_of(request.user))
    context = {
        "owned": [each for each in lists if each.my_role == selectors.OWNER],
        "shared": [each for each in lists if each.my_role != selectors.OWNER],
        "errors": errors or {},
        "max_title": MAX_TITLE,
    }
    return render(request, "lists/my_lists.html", context, status=status)


@login_required
@require_POST
def create_list(request):
    try:
        shopping_list = services.create_list(owner=request.user, title=request.POST.get("title", ""))
    except PlazaError as error:
        return my_lists(request, errors=error.fields or {"title": [error.message]}, status=422)
    return redirect("lists:detail", shopping_list.pk)


def _list_or_404(user, list_id: int):
    try:
        return selectors.list_for(user, list_id)
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def list_page(request, list_id: int, errors: dict | None = None, status: int = 200):
    shopping_list = _list_or_404(request.user, list_id)
    detail = presenters.list_detail(shopping_list)
    context = {
        "shopping_list": shopping_list,
        "detail": detail,
        "is_owner": shopping_list.my_role == selectors.OWNER,
        "may_edit": selectors.may_edit(shopping_list.my_role),
        "errors": errors or {},
        "roles": Role.choices,
        "limits": {"title": MAX_TITLE, "text": MAX_ITEM_TEXT, "note": MAX_NOTE, "quantity": MAX_QUANTITY},
    }
    if context["is_owner"]:
        member_ids = {member["user"]["id"] for member in detail["members"]}
        context["friends"] = [friend for friend in social.friends_of(request.user) if friend.pk not in member_ids]
        context["circles"] = social.circles_of(request.user)
    return render(request, "lists/list_page.html", context, status=status)


def _posted_id(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def _act(request, list_id: int, form: str, action, success: str, then: str | None = None):
    """Run an action of the page; its error is shown next to the form that asked for it."""
    try:
        action()
    except PlazaError as error:
        if isinstance(error, NotFound) and selectors.role_in(request.user, list_id) is None:
            raise Http404(error.message) from error
        shown = [error.message, *(message for messages_ in error.fields.values() for message in messages_ if message != error.message)]
        return list_page(request, list_id, errors={form: shown}, status=error.status_code)
    messages.success(request, success)
    return redirect(then or "lists:detail", *([] if then else [list_id]))


@login_required
@require_POST
def rename_list(request, list_id: int):
    rename = lambda: services.rename_list(user=request.user, list_id=list_id, title=request.POST.get("title", ""))  # noqa: E731
    return _act(request, list_id, "rename", rename, "List renamed.")


@login_required
@require_POST
def delete_list(request, list_id: int):
    delete = lambda: services.delete_list(user=request.user, list_id=list_id)  # noqa: E731
    return _act(request, list_id, "delete", delete, "List deleted.", then="lists:mine")


@login_required
@require_POST
def share_with(request, list_id: int):
    def share():
        user_id = _posted_id(request, "user_id")
        if user_id is None:
            raise InvalidInput("Choose a friend.", fields={"user_id": ["Choose a friend."]})
        services.share_with(owner=request.user, list_id=list_id, user_id=user_id, role=request.POST.get("role"))

    return _act(request, list_id, "share", share, "Shared.")


@login_required
@require_POST
def unshare(request, list_id: int, user_id: int):
    return _act(request, list_id, "members", lambda: services.unshare(owner=request.user, list_id=list_id, user_id=user_id), "Taken off the list.")


@login_required
@require_POST
def share_with_circle(request, list_id: int):
    def share():
        circle_id = _posted_id(request, "circle_id")
        if circle_id is None:
            services.unshare_circle(owner=request.user, list_id=list_id)
        else:
            services.share_with_circle(owner=request.user, list_id=list_id, circle_id=circle_id, role=request.POST.get("role"))

    return _act(request, list_id, "circle", share, "Circle sharing saved.")


@login_required
@require_POST
def leave(request, list_id: int):
    return _act(request, list_id, "leave", lambda: services.leave(user=request.user, list_id=list_id), "You left the list.", then="lists:mine")


# --- find this list nearby ------------------------------------------------------------


def _nearby_search(request, open_now: bool) -> tuple[nearby.NearbySearch, str]:
    position, problem = shopper_position(request)
    return nearby.NearbySearch(position, timezone.now(), nearby.DEFAULT_RADIUS_KM, open_now), problem


def _nearby_url(list_id: int, open_now: bool) -> str:
    return reverse("lists:nearby", args=[list_id]) + ("?open_now=1" if open_now else "")


@login_required
def nearby_page(request, list_id: int, error: str = "", status: int = 200):
    shopping_list = _list_or_404(request.user, list_id)
    open_now = (request.POST if request.method == "POST" else request.GET).get("open_now") == "1"
    search, problem = _nearby_search(request, open_now)
    found = nearby.find_list_nearby(shopping_list, search)
    context = {
        "shopping_list": shopping_list,
        "found": found,
        "open_now": open_now,
        "radius_km": search.radius_km,
        "error": error,
        "position": search.position,
        "place_problem": problem,
        "places": storefront.gazetteer(),
    }
    return render(request, "lists/nearby.html", context, status=status)


def _posted_picks(request) -> list[tuple[str, int | None]]:
    """``pick`` fields of the form "<item id>:<variant id>"; a malformed one keeps no variant, so it is refused."""
    picks = []
    for value in request.POST.getlist("pick")[: nearby.MAX_ITEMS_CONSIDERED + 1]:
        item_id, _, variant_id = value.partition(":")
        picks.append((item_id, int(variant_id) if variant_id.isdigit() and len(variant_id) < 19 else None))
    return picks


@login_required
@require_POST
def add_nearby(request, list_id: int):
    open_now = request.POST.get("open_now") == "1"
    try:
        lines = services.add_nearby_to_cart(
            user=request.user, list_id=list_id, picks=_posted_picks(request), search=_nearby_search(request, open_now)[0]
        )
    except NotFound as error:
        raise Http404(error.message) from error
    except PlazaError as error:
        shown = " ".join(dict.fromkeys([error.message, *(message for each in error.fields.values() for message in each)]))
        return nearby_page(request, list_id, error=shown, status=error.status_code)
    messages.success(request, f"Added {len(lines)} item{'s' if len(lines) != 1 else ''} to your cart.")
    return redirect(_nearby_url(list_id, open_now))
