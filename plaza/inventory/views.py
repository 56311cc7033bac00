"""The merchant's stock pages: /merchant/<shop_slug>/stock/…

The stock table changes one row at a time with htmx, by a delta with a reason (adjust) or
to the units counted in a stock-take (count): the row's form posts, the response is the
row itself (new figures, or the errors next to the fields) swapped in place.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from plaza.core.errors import PlazaError
from plaza.inventory import selectors, services
from plaza.inventory.forms import AdjustForm, CountForm, MovementFilterForm, StockFilterForm
from plaza.inventory.models import MovementReason
from plaza.shops.forms import show_errors
from plaza.shops.permissions import ShopAction, role_allows, shop_member_required
from plaza.shops.views import merchant_context

STOCK_PAGE_SIZE = 25
MOVEMENT_PAGE_SIZE = 50


def _adjust_form(stock, data=None) -> AdjustForm:
    # One form per table row: the row id keeps the fields' ids unique on the page.
    return AdjustForm(data, auto_id=f"id_%s_{stock.pk}")


def _count_form(stock, data=None) -> CountForm:
    # Both forms of a row have a note: the prefix keeps their ids apart.
    return CountForm(data, auto_id=f"id_count_%s_{stock.pk}")


def _row(stock, **extra) -> dict:
    """What _stock_row.html shows: the figures and a fresh form of each action, unless
    ``extra`` brings one back with its errors."""
    return {"stock": stock, "form": _adjust_form(stock), "count_form": _count_form(stock), **extra}


@require_GET
@shop_member_required(ShopAction.VIEW)
def stock_table(request, shop, membership):
    locations = list(shop.locations.all())
    filters = StockFilterForm(request.GET, locations=locations)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.search_stock(
        shop, location_id=chosen.get("location"), low_only=chosen.get("low", False), query=chosen.get("q", "")
    )
    page = Paginator(rows, STOCK_PAGE_SIZE).get_page(request.GET.get("page"))
    can_adjust = role_allows(membership.role, ShopAction.MANAGE_STOCK)
    context = merchant_context(
        shop,
        membership,
        "stock",
        filters=filters,
        page=page,
        rows=[_row(stock) for stock in page],
        can_adjust=can_adjust,
        has_locations=bool(locations),
    )
    return render(request, "inventory/stock.html", context)


def _change_row(request, shop, stock_id, *, form_key, make_form, save, show_error=show_errors):
    """One row's action, posted by htmx (answer: the row) or as a plain form (answer: back to
    the table, with a message). ``save(stock, cleaned_data)`` calls the service and returns
    what the row says and what the table's message says; a PlazaError it raises goes next
    to the form's fields (``show_error``), and the service has then written nothing."""
    stock = selectors.stock_row(shop, stock_id)
    if stock is None:
        raise Http404("No such stock row.")
    form = make_form(stock, request.POST)
    done = None
    if form.is_valid():
        try:
            done = save(stock, form.cleaned_data)
        except PlazaError as error:
            show_error(form, error)
    if not request.htmx:
        if done:
            messages.success(request, done[1])
        else:
            messages.error(request, "; ".join(message for errors in form.errors.values() for message in errors))
        return redirect("inventory:stock", shop_slug=shop.slug)
    # htmx swaps only successful responses, so a row with its errors is still a 200.
    extra = {"saved": True, "status": done[0]} if done else {form_key: form}
    row = _row(selectors.stock_row(shop, stock_id), **extra)
    return render(request, "inventory/_stock_row.html", {"row": row, "shop": shop, "can_adjust": True})


@require_POST
@shop_member_required(ShopAction.MANAGE_STOCK)
def adjust(request, shop, membership, stock_id):
    def save(stock, data):
        services.adjust_stock(variant=stock.variant, location=stock.location, actor=request.user, **data)
        return "Saved.", f"Stock of {stock.variant} updated."

    return _change_row(request, shop, stock_id, form_key="form", make_form=_adjust_form, save=save)


def _show_message_at_fields(form, error: PlazaError) -> None:
    # The service's sentence says why ("3 units are reserved by orders awaiting payment."),
    # its per-field note only the bound ("at least 3"): the sentence goes next to the field.
    show_errors(form, PlazaError(error.message, fields={name: [error.message] for name in error.fields}))


@require_POST
@shop_member_required(ShopAction.MANAGE_STOCK)
def count(request, shop, membership, stock_id):
    def save(stock, data):
        movement = services.set_stock_quantity(
            variant=stock.variant,
            location=stock.location,
            quantity=data["quantity"],
            reason=MovementReason.COUNT,
            note=data["note"],
            actor=request.user,
        )
        counted = f"Counted {data['quantity']} of {stock.variant} at {stock.location.name}"
        if movement is None:
            return "Count matches: no change.", f"{counted}: as on record, nothing changed."
        return f"Counted ({movement.delta:+d}).", f"{counted} ({movement.delta:+d})."

    return _change_row(
        request, shop, stock_id, form_key="count_form", make_form=_count_form, save=save, show_error=_show_message_at_fields
    )


@require_GET
@shop_member_required(ShopAction.VIEW)
def movement_log(request, shop, membership):
    filters = MovementFilterForm(request.GET, locations=shop.locations.all())
    location_id = filters.cleaned_data.get("location") if filters.is_valid() else None
    page = Paginator(selectors.movement_log(shop, location_id=location_id), MOVEMENT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inventory/movements.html", merchant_context(shop, membership, "stock", filters=filters, page=page))
