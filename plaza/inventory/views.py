"""The merchant's stock pages: /merchant/<shop_slug>/stock/…

The stock table adjusts one row at a time with htmx: the row's form posts, the response
is the row itself (new figures, or the errors next to the fields) swapped in place.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from plaza.core.errors import PlazaError
from plaza.inventory import selectors, services
from plaza.inventory.forms import AdjustForm, MovementFilterForm, StockFilterForm
from plaza.shops.forms import show_errors
from plaza.shops.permissions import ShopAction, role_allows, shop_member_required
from plaza.shops.views import merchant_context

STOCK_PAGE_SIZE = 25
MOVEMENT_PAGE_SIZE = 50


def _adjust_form(stock, data=None) -> AdjustForm:
    # One form per table row: the row id keeps the fields' ids unique on the page.
    return AdjustForm(data, auto_id=f"id_%s_{stock.pk}")


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
        rows=[{"stock": stock, "form": _adjust_form(stock)} for stock in page],
        can_adjust=can_adjust,
        has_locations=bool(locations),
    )
    return render(request, "inventory/stock.html", context)


@require_POST
@shop_member_required(ShopAction.MANAGE_STOCK)
def adjust(request, shop, membership, stock_id):
    stock = selectors.stock_row(shop, stock_id)
    if stock is None:
        raise Http404("No such stock row.")
    form = _adjust_form(stock, request.POST)
    saved = False
    if form.is_valid():
        try:
            services.adjust_stock(variant=stock.variant, location=stock.location, actor=request.user, **form.cleaned_data)
        except PlazaError as error:
            show_errors(form, error)
        else:
            saved = True
    if not request.htmx:
        if saved:
            messages.success(request, f"Stock of {stock.variant} updated.")
        else:
            messages.error(request, "; ".join(message for errors in form.errors.values() for message in errors))
        return redirect("inventory:stock", shop_slug=shop.slug)
    # htmx swaps only successful responses, so a row with its errors is still a 200.
    row = {"stock": selectors.stock_row(shop, stock_id), "form": _adjust_form(stock) if saved else form, "saved": saved}
    return render(request, "inventory/_stock_row.html", {"row": row, "shop": shop, "can_adjust": True})


@require_GET
@shop_member_required(ShopAction.VIEW)
def movement_log(request, shop, membership):
    filters = MovementFilterForm(request.GET, locations=shop.locations.all())
    location_id = filters.cleaned_data.get("location") if filters.is_valid() else None
    page = Paginator(selectors.movement_log(shop, location_id=location_id), MOVEMENT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inventory/movements.html", merchant_context(shop, membership, "stock", filters=filters, page=page))
