"""Pages run a constant number of queries however many shops and products there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.catalog.models import ProductImage
from plaza.search.services import rebuild_index
from tests.factories import ShopFactory, VariantFactory
from tests.storefront.town import CENTRE, category, make_location, make_product


def build(size: int):
    """``size`` shops around the centre, each with a location and ``size`` // 5 products plus one big product."""
    cats = [category(f"Things > Kind {n}") for n in range(5)]
    shops = []
    for n in range(size):
        shop = ShopFactory(name=f"Shop {size}-{n}")
        location = make_location(shop, (CENTRE.latitude + n * 0.0005, CENTRE.longitude), name=f"Branch {n}")
        make_location(shop, (CENTRE.latitude, CENTRE.longitude + n * 0.0005), name=f"Annex {n}", open_now=False)
        product = make_product(shop, f"Widget {n}", category=cats[n % 5], stock={location: (5, 0)})
        ProductImage.objects.create(product=product, alt_text="front", position=1)
        shops.append(shop)
    big = make_product(shops[0], "Widget deluxe", stock={})
    for n in range(size):
        VariantFactory(product=big, option1=f"Size {n}")
    rebuild_index()
    return shops[0], big


def captured_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in context.captured_queries]


PAGES = {
    "home": lambda shop, product: "/",
    "search": lambda shop, product: "/search/?q=widget&in_stock=on&open_now=on",
    "search by distance": lambda shop, product: "/search/?q=widget&sort=distance&distance=10",
    "shop search": lambda shop, product: "/search/?kind=shops&open_now=on",
    "search api": lambda shop, product: "/api/v1/search/products?q=widget&in_stock=true",
    "shop page": lambda shop, product: f"/shops/{shop.slug}/",
    "product page": lambda shop, product: f"/shops/{shop.slug}/products/{product.handle}/",
}


@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_data(db, client, page):
    runs = []
    for size in (5, 50):
        shop, product = build(size)
        client.get("/")  # the session settles on the first request
        runs.append(captured_queries(client, PAGES[page](shop, product)))
    few, many = runs
    listing = "\n".join(f"{sql[:150]}" for sql in ["-- with 5 shops:", *few, "-- with 50 shops:", *many])
    assert len(few) == len(many), f"{page}: {len(few)} queries with 5 shops, {len(many)} with 50\n{listing}"
