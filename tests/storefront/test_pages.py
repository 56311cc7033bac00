import json
import re

import pytest

from plaza.catalog.models import ProductStatus
from plaza.inventory.models import Stock
from plaza.storefront.geo import SESSION_KEY
from tests.factories import ProductFactory, ShopFactory
from tests.storefront.town import CENTRE, PARIS, make_location


def product_url(product):
    return f"/shops/{product.shop.slug}/products/{product.handle}/"


def test_home_shows_nearby_shops_products_and_categories(town, client):
    html = client.get("/").content.decode()
    assert "Librairie du Centre" in html and "Boulangerie Croix-Rousse" in html
    assert "Paris Chocolatier" not in html
    # The newest product in stock at each nearby shop (the draft cake is newer, but a draft).
    assert "Dark Chocolate Bar" in html and "The Bread Book" in html and "Cordless Drill" in html
    assert "Secret Chocolate Cake" not in html and "Chocolate Truffles" not in html
    assert 'class="badge open">Open<' in html and 'class="badge closed">Closed<' in html
    assert "Sweets" in html  # a category chip


def test_home_skips_products_whose_units_are_all_reserved(town, client):
    Stock.objects.filter(variant__product=town.products["drill"]).update(reserved=3)
    Stock.objects.filter(variant__product=town.products["chocolate_bar"]).update(reserved=4)
    html = client.get("/").content.decode()
    assert "Cordless Drill" not in html and "Dark Chocolate Bar" not in html
    assert "Sourdough Loaf" in html  # the bakery's newest product with a unit left


def test_home_has_empty_states_when_nothing_is_near(db, client):
    html = client.get("/").content.decode()
    assert "No shops within 10 km" in html
    assert "Nothing in stock within 10 km" in html


def test_position_from_the_url_is_kept_in_the_session(town, client):
    html = client.get("/", {"lat": PARIS[0], "lng": PARIS[1], "near": "Le Marais"}).content.decode()
    assert "Paris Chocolatier" in html and "Librairie du Centre" not in html
    assert client.session[SESSION_KEY]["label"] == "Le Marais"
    assert "Paris Chocolatier" in client.get("/").content.decode()


def test_a_typed_place_moves_the_shopper(town, client):
    html = client.get("/", {"place": "75004"}).content.decode()
    assert "Near <strong>75004 Paris</strong>" in html and "Paris Chocolatier" in html


def test_an_unknown_place_says_so_and_keeps_the_previous_position(town, client):
    response = client.get("/", {"place": "Atlantis"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "We don&#x27;t know that place" in html
    assert "Librairie du Centre" in html
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("params", [{"lat": "999", "lng": "4"}, {"lat": "nan", "lng": "inf"}, {"lat": "x" * 5000, "lng": "1"}])
def test_nonsense_coordinates_fall_back_to_the_town(town, client, params):
    response = client.get("/", params)
    assert response.status_code == 200
    assert "Librairie du Centre" in response.content.decode()


def test_shop_page_lists_locations_hours_fulfilment_and_products(town, client):
    response = client.get(f"/shops/{town.bakery.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Croix-Rousse" in html and "1.2 km away" in html
    assert 'class="today" aria-current="date"' in html
    assert "Pick-up in store, ready in 30 min" in html and "Local delivery within 5 km" in html
    assert "Sourdough Loaf" in html and "Secret Chocolate Cake" not in html


def test_shop_page_filters_products_by_category_with_htmx(town, client):
    response = client.get(f"/shops/{town.bakery.slug}/", {"category": "food-sweets"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "Dark Chocolate Bar" in html and "Sourdough Loaf" not in html


def test_shop_products_are_paginated(town, client):
    for number in range(30):
        ProductFactory(shop=town.books, title=f"Book {number:02d}")
    first = client.get(f"/shops/{town.books.slug}/").content.decode()
    second = client.get(f"/shops/{town.books.slug}/", {"page": 2}).content.decode()
    assert "Page 1 of 2" in first and "Book 00" in first and "Book 29" not in first
    assert "Book 29" in second


def test_inactive_shop_is_404(town, client):
    town.bakery.is_active = False
    town.bakery.save()
    assert client.get(f"/shops/{town.bakery.slug}/").status_code == 404
    assert client.get(product_url(town.products["sourdough"])).status_code == 404


@pytest.mark.parametrize("status", [ProductStatus.DRAFT, ProductStatus.ARCHIVED])
def test_unpublished_products_are_404(town, client, status):
    product = town.products["sourdough"]
    product.status = status
    product.save()
    assert client.get(product_url(product)).status_code == 404
    assert client.get(product_url(product) + "stock/").status_code == 404


def test_unknown_shop_and_product_are_404(town, client):
    assert client.get("/shops/nowhere/").status_code == 404
    assert client.get(f"/shops/{town.bakery.slug}/products/nothing/").status_code == 404


def test_product_page_has_picker_data_stock_lines_cart_form_and_json_ld(town, client):
    product = town.products["chocolate_bar"]
    html = client.get(product_url(product)).content.decode()
    data = json.loads(re.search(r'<script id="product-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    variant = product.variants.get()
    assert data["variants"][0]["id"] == variant.pk and data["variants"][0]["priceText"] == "€3.00"
    location = town.locations["bakery"]
    assert data["stock"] == {str(variant.pk): {str(location.pk): 3}}
    assert data["pollUrl"] == product_url(product) + "stock/"
    assert "3 left at Croix-Rousse · 1.2 km · open<" in html
    assert 'action="/cart/add/"' in html and 'name="variant_id"' in html and 'name="quantity"' in html
    assert "csrfmiddlewaretoken" in html
    ld = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1))
    assert ld["@type"] == "Product" and ld["name"] == "Dark Chocolate Bar"
    assert ld["offers"] == [
        {
            "@type": "Offer",
            "name": "Default",
            "sku": variant.sku,
            "price": "3.00",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "seller": {"@type": "Organization", "name": "Boulangerie Croix-Rousse"},
            "url": "http://testserver" + product_url(product),
        }
    ]


def test_json_ld_cannot_be_broken_out_of(town, client):
    product = town.products["sourdough"]
    product.title = "</script><script>alert(1)</script>"
    product.save()
    html = client.get(product_url(product)).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_sold_out_variant_is_marked_out_of_stock(town, client):
    product = town.products["croissant"]
    html = client.get(product_url(product)).content.decode()
    assert "Out of stock at Croix-Rousse" in html
    assert "https://schema.org/OutOfStock" in html


def test_stock_endpoint_returns_units_per_variant_and_location(town, client):
    product = town.products["sourdough"]
    body = client.get(product_url(product) + "stock/").json()
    variant = product.variants.get()
    assert body == {"product_id": product.pk, "stock": {str(variant.pk): {str(town.locations["bakery"].pk): 12}}}


def test_pages_refuse_writes(town, client):
    assert client.post("/").status_code == 405
    assert client.post(product_url(town.products["sourdough"])).status_code == 405


def test_home_counts_every_nearby_shop_but_shows_the_nearest_eight(town, client):
    for n in range(8):
        point = (CENTRE.latitude + 0.01 + n * 0.001, CENTRE.longitude)
        make_location(ShopFactory(name=f"Corner Shop {n}"), point, name="Corner", open_now=False)
    html = client.get("/").content.decode()
    # The bakery and the bookshop are open; the hardware shop and the eight corner shops are not.
    assert "2 of 11 shops within 10 km are open now." in html
    assert "Librairie du Centre" in html and "Corner Shop 4" in html and "Corner Shop 7" not in html
