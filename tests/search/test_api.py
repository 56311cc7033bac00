import pytest

from plaza.search.models import ProductDocument

PRODUCTS = "/api/v1/search/products"
SHOPS = "/api/v1/search/shops"


def test_products_with_facets_through_http(town, client):
    response = client.get(PRODUCTS, {"q": "chocolate", "lat": "45.7640", "lng": "4.8357"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["limit"] == 20 and body["offset"] == 0
    first = {item["title"]: item for item in body["items"]}["Dark Chocolate Bar"]
    assert first["price_from"] == "3.00" and first["currency"] == "EUR"
    assert first["shop"] == {"slug": "boulangerie-croix-rousse", "name": "Boulangerie Croix-Rousse"}
    assert first["distance_km"] == pytest.approx(1.19, abs=0.02)
    assert first["url"].endswith("/shops/boulangerie-croix-rousse/products/dark-chocolate-bar/")
    assert {facet["slug"]: facet["count"] for facet in body["facets"]["categories"]} == {"food-sweets": 2, "media-books": 1}
    assert [band["label"] for band in body["facets"]["price_bands"]] == ["0–10", "10–25", "25–50", "50–100", "100+"]


def test_every_filter_is_accepted(town, client):
    response = client.get(
        PRODUCTS,
        {
            "q": "sourdough",
            "category": "food-bakery",
            "min_price": "1",
            "max_price": "5",
            "distance_km": "3",
            "in_stock": "true",
            "open_now": "true",
            "sort": "price",
            "limit": "5",
            "offset": "0",
        },
    )
    assert response.status_code == 200
    assert [item["title"] for item in response.json()["items"]] == ["Sourdough Loaf"]


def test_pagination_is_bounded_and_consistent(town, client):
    first = client.get(PRODUCTS, {"limit": 3, "sort": "price"}).json()
    second = client.get(PRODUCTS, {"limit": 3, "offset": 3, "sort": "price"}).json()
    assert first["count"] == second["count"] == 7
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}
    assert client.get(PRODUCTS, {"limit": 500}).status_code == 422


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "91", "lng": "4"}, "lat"),
        ({"lat": "45"}, "lng"),
        ({"lat": "nan", "lng": "4"}, "lat"),
        ({"distance_km": "0"}, "distance_km"),
        ({"distance_km": "1e309"}, "distance_km"),
        ({"min_price": "-1"}, "min_price"),
        ({"min_price": "1e400"}, "min_price"),
        ({"min_price": "9", "max_price": "2"}, "max_price"),
        ({"sort": "random"}, "sort"),
        ({"offset": "99999999999999999999999"}, "offset"),
        ({"limit": "0"}, "limit"),
        ({"q": "x" * 10_000}, "q"),
        ({"in_stock": "perhaps"}, "in_stock"),
    ],
)
def test_bad_parameters_get_422_with_the_field(town, client, params, field):
    response = client.get(PRODUCTS, params)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"] or any(key.endswith(field) for key in error["fields"])


@pytest.mark.parametrize("query", ['"', "AND (", "title:x*", "&|!", "🍞", "'; --", "NEAR(a b, 2)"])
def test_hostile_text_is_just_text(town, client, query):
    response = client.get(PRODUCTS, {"q": query})
    assert response.status_code == 200
    assert client.get(SHOPS, {"q": query}).status_code == 200


@pytest.mark.parametrize("query", ["\x00", "bread\x1b[31m", "\x7f"])
def test_control_characters_are_refused_naming_the_field(town, client, query):
    for url in (PRODUCTS, SHOPS):
        response = client.get(url, {"q": query})
        assert response.status_code == 422
        assert list(response.json()["error"]["fields"]) == ["q"]


def test_api_search_writes_nothing(town, client):
    before = ProductDocument.objects.count()
    client.get(PRODUCTS, {"q": "bread"})
    assert ProductDocument.objects.count() == before


def test_shops_search(town, client):
    body = client.get(SHOPS, {"distance_km": "10", "open_now": "true"}).json()
    assert [item["slug"] for item in body["items"]] == ["librairie-du-centre", "boulangerie-croix-rousse"]
    assert body["items"][0]["open_now"] is True and body["items"][0]["status"] == "Open"
    assert body["facets"]["kinds"] == [
        {"kind": "books", "label": "Books", "count": 1},
        {"kind": "food", "label": "Food & drink", "count": 1},
    ]
    assert client.get(SHOPS, {"kind": "food"}).json()["count"] == 2
    assert client.get(SHOPS, {"kind": "spaceships"}).status_code == 422


def test_search_endpoints_are_in_the_openapi_document(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/search/products", "/api/v1/search/shops"):
        assert {"200", "422"} <= set(paths[path]["get"]["responses"])


def test_an_invalid_token_is_refused_even_for_public_search(db, client):
    response = client.get(PRODUCTS, HTTP_AUTHORIZATION="Bearer plz_not-a-token")
    assert response.status_code == 401
