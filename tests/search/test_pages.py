import pytest

from plaza.search.services import rebuild_index
from tests.storefront.town import make_product


def test_search_page_lists_matching_products_with_facets(town, client):
    response = client.get("/search/", {"q": "chocolate"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 products for “chocolate”" in html
    assert "Dark Chocolate Bar" in html and "Sourdough Loaf" not in html
    assert 'aria-label="Categories"' in html and "category=food-sweets" in html


def test_htmx_requests_get_only_the_results(town, client):
    html = client.get("/search/", {"q": "drill"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results").content.decode()
    assert "<html" not in html and "<form" not in html
    assert "Cordless Drill" in html


def test_facet_links_refresh_the_whole_panel(town, client):
    html = client.get("/search/", {"category": "food-sweets"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-page").content.decode()
    assert "<html" not in html and "<form" in html
    assert '<option value="food-sweets" selected>' in html


def test_shops_tab(town, client):
    html = client.get("/search/", {"kind": "shops", "q": "quincaillerie"}).content.decode()
    assert "1 shop for" in html and "Quincaillerie Villeurbanne" in html


def test_invalid_filters_are_shown_next_to_their_fields_and_search_nothing(town, client):
    response = client.get("/search/", {"min_price": "9", "max_price": "2", "distance": "-3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The maximum must be at least the minimum." in html
    assert 'aria-invalid="true"' in html
    assert "Check the filters" in html
    assert "Sourdough Loaf" not in html


def test_results_are_paginated(town, client):
    for number in range(25):
        make_product(town.books, f"Pamphlet {number:02d}")
    rebuild_index()
    first = client.get("/search/", {"q": "pamphlet", "sort": "price"}).content.decode()
    assert "Page 1 of 2" in first and "page=2" in first
    second = client.get("/search/", {"q": "pamphlet", "sort": "price", "page": 2}).content.decode()
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("query", ['"', "AND OR", "x" * 10_000, "🍞", "NEAR(", "<script>alert(1)</script>"])
def test_hostile_queries_render(town, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_a_query_with_a_control_character_gets_a_page_saying_so(town, client):
    response = client.get("/search/", {"q": "bread\x00"})
    assert response.status_code == 400
    assert "invisible control character" in response.content.decode()


def test_shops_can_be_narrowed_to_a_kind(town, client):
    html = client.get("/search/", {"kind": "shops", "shop_kind": "food"}).content.decode()
    assert "2 shops" in html and "Boulangerie Croix-Rousse" in html and "Librairie du Centre" not in html
    assert 'aria-label="Kinds of shop"' in html
