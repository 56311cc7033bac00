"""The shopper's pages: home near me, shop page, product page (and its live stock)."""

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from plaza.catalog.models import Product
from plaza.shops import selectors as hours
from plaza.shops.models import Shop
from plaza.social import proof
from plaza.social import selectors as social
from plaza.storefront import selectors
from plaza.storefront.position import shopper_position
from plaza.storefront import presenters

HOME_SHOPS = 8
HOME_PRODUCTS = 12
SHOP_PAGE_SIZE = 24


def _place_context(request, position, problem) -> dict:
    return {"position": position, "place_problem": problem, "places": selectors.gazetteer()}


@require_GET
def home(request):
    position, problem = shopper_position(request)
    at = timezone.now()
    # Ids and distances for every nearby location; full rows and opening hours only for the shops shown.
    points = selectors.nearby_points(position, radius_km=selectors.NEARBY_KM)
    counts = selectors.count_shops(points, at)
    return render(
        request,
        "storefront/home.html",
        {
            **_place_context(request, position, problem),
            "shops": selectors.nearest_shops(position, points, at=at, limit=HOME_SHOPS),
            "shop_count": counts.shops,
            "open_count": counts.open_now,
            "products": selectors.in_stock_near(points, limit=HOME_PRODUCTS),
            "categories": selectors.popular_categories(),
            "nearby_km": selectors.NEARBY_KM,
        },
    )


@require_GET
def shop_detail(request, slug: str):
    try:
        shop = selectors.shop_for_page(slug)
    except Shop.DoesNotExist:
        raise Http404("No such shop.") from None
    position, problem = shopper_position(request)
    at = timezone.now()
    locations = selectors.nearby_locations(position, radius_km=None, at=at, shop=shop)
    category = request.GET.get("category", "")[:160]
    page = Paginator(selectors.shop_products(shop, category_slug=category), SHOP_PAGE_SIZE).get_page(request.GET.get("page"))
    template = "storefront/_shop_products.html" if request.htmx else "storefront/shop.html"
    return render(
        request,
        template,
        {
            **_place_context(request, position, problem),
            "shop": shop,
            "locations": [(item, hours.week_schedule(item.location)) for item in locations],
            "today": timezone.localtime(at).weekday(),
            "open_now": any(item.status.is_open for item in locations),
            "categories": selectors.shop_categories(shop),
            "category": category,
            "page": page,
            "following": social.follows_shop(request.user, shop),
            "friends_proof": proof.friends_on_shop(request.user, shop),
        },
    )


def _product_or_404(slug: str, handle: str) -> Product:
    try:
        return selectors.product_for_page(slug, handle)
    except Product.DoesNotExist:
        raise Http404("No such product.") from None


@require_GET
def product_detail(request, slug: str, handle: str):
    product = _product_or_404(slug, handle)
    position, problem = shopper_position(request)
    stock = selectors.product_stock(product, position, timezone.now())
    variant = presenters.initial_variant(product, stock)
    poll_url = reverse("storefront:product-stock", args=[slug, handle])
    return render(
        request,
        "storefront/product.html",
        {
            **_place_context(request, position, problem),
            "product": product,
            "shop": product.shop,
            "initial_variant": variant,
            "stock_lines": [presenters.stock_line(row, variant.pk if variant else None) for row in stock],
            "page_data": presenters.product_page_data(product, stock, poll_url=poll_url),
            "json_ld": presenters.product_json_ld(request, product, stock),
            "friends_proof": proof.friends_on_product(request.user, product),
            "buyers_nearby": proof.popular_nearby(product, position),
            "nearby_km": proof.NEARBY_KM,
        },
    )


@require_GET
def product_stock(request, slug: str, handle: str):
    """Units available per variant and location: what the product page polls without a socket."""
    try:
        product_id = selectors.published_products().values_list("pk", flat=True).get(shop__slug=slug, handle=handle)
    except Product.DoesNotExist:
        raise Http404("No such product.") from None
    availability = selectors.product_availability(product_id)
    return JsonResponse(
        {"product_id": product_id, "stock": {str(v): {str(l): n for l, n in per.items()} for v, per in availability.items()}}
    )
