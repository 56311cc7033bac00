from math import ceil

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from plaza.search.forms import SearchForm
from plaza.search.selectors import PAGE_SIZE, SearchFilters, search_products, search_shops
from plaza.storefront import selectors as storefront
from plaza.storefront.position import shopper_position

FILTER_FIELDS = ("category", "shop_kind", "min_price", "max_price", "distance", "in_stock", "open_now")
PARTIALS = {"results": "search/_results.html", "search-page": "search/_search_page.html"}


@require_GET
def search(request):
    """Products or shops for the filters; htmx swaps just the results (or the whole panel for facet links)."""
    position, problem = shopper_position(request)
    form = SearchForm(request.GET, auto_id="search-%s")
    valid = form.is_valid()
    data = form.cleaned_data
    results = None
    if valid:
        filters = SearchFilters(
            position=position,
            at=timezone.now(),
            q=data["q"],
            category=data["category"],
            min_price=data["min_price"],
            max_price=data["max_price"],
            distance_km=data["distance"],
            in_stock=data["in_stock"],
            open_now=data["open_now"],
            sort=data["sort"],
            shop_kind=data["shop_kind"],
        )
        find = search_shops if data["kind"] == "shops" else search_products
        results = find(filters, offset=(data["page"] - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    context = {
        "form": form,
        "kind": data["kind"],
        "results": results,
        "page_number": data["page"],
        "active_filters": sum(1 for name in FILTER_FIELDS if form.data.get(name)),
        "page_count": max(1, ceil(results.count / PAGE_SIZE)) if results else 1,
        "categories": storefront.popular_categories(limit=storefront.POPULAR_CATEGORIES_MAX),
        "position": position,
        "place_problem": problem,
        "places": storefront.gazetteer(),
    }
    template = PARTIALS.get(request.htmx.target, "search/search.html") if request.htmx else "search/search.html"
    return render(request, template, context)
