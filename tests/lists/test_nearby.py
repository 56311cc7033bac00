"""Find this list nearby: proposals per item through the API and the page, and adding them to the cart."""

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

from plaza.catalog.models import Product
from plaza.checkout.models import Cart, CartLine
from plaza.lists import nearby, services
from plaza.search.services import index_products
from plaza.storefront.selectors import NEARBY_KM
from tests.factories import ShopFactory, StockFactory, VariantFactory
from tests.lists.conftest import add_item, apply
from tests.storefront.town import CENTRE, CROIX_ROUSSE, PARIS, VILLEURBANNE, make_location, make_product

pytestmark = pytest.mark.django_db

AT_CENTRE = {"latitude": CENTRE.latitude, "longitude": CENTRE.longitude}


@dataclass
class Shops:
    bakery: object
    near: object  # the bakery's location 1.2 km from the centre
    farther: object  # its location 4.3 km away
    closed: object  # a shop's location near the centre, closed now
    paris: object


@pytest.fixture
def shops(db) -> Shops:
    bakery = ShopFactory(name="Boulangerie")
    return Shops(
        bakery=bakery,
        near=make_location(bakery, CROIX_ROUSSE, name="Croix-Rousse"),
        farther=make_location(bakery, VILLEURBANNE, name="Villeurbanne"),
        closed=make_location(ShopFactory(name="Night Owl"), (CENTRE.latitude, CENTRE.longitude), name="Centre", open_now=False),
        paris=make_location(ShopFactory(name="Paris Épicerie"), PARIS, name="Marais"),
    )


def indexed(*products: Product) -> None:
    index_products([product.pk for product in products])


def nearby_of(client, shopping_list, **params) -> dict:
    response = client.get(f"/api/v1/lists/{shopping_list.pk}/nearby", {**AT_CENTRE, **params})
    assert response.status_code == 200, response.content
    return {entry["text"]: entry for entry in response.json()["items"]}


def add_to_cart(client, shopping_list, picks, **params):
    body = {**AT_CENTRE, **params, "picks": [{"item_id": item_id, "variant_id": variant_id} for item_id, variant_id in picks]}
    return client.post(f"/api/v1/lists/{shopping_list.pk}/nearby/add-to-cart", body, content_type="application/json")


def cart_lines(user) -> list[tuple[int, int]]:
    return list(CartLine.objects.filter(cart__user=user).values_list("variant_id", "quantity"))


def test_a_product_item_proposes_its_variants_in_stock_at_the_nearest_location(household, shops, token_client_for):
    bread = make_product(shops.bakery, "Country Bread", price="4.20", stock={shops.farther: (5, 0), shops.near: (3, 0)})
    sold_out = VariantFactory(product=bread, option1="Large")
    StockFactory(variant=sold_out, location=shops.near, quantity=2, reserved=2)
    add_item(household.owner, household.shopping_list, "Bread", product_id=bread.pk)

    found = nearby_of(token_client_for(household.viewer), household.shopping_list)["Bread"]

    assert found["matched_by"] == "product"
    [proposal] = found["proposals"]
    assert proposal["variant_id"] == bread.variants.get(option1="Default Title").pk
    assert (proposal["location_name"], proposal["shop_name"], proposal["open_now"]) == ("Croix-Rousse", "Boulangerie", True)
    assert (proposal["price"], proposal["currency"], proposal["available"]) == ("4.20", "EUR", 3)
    assert 1.0 < proposal["distance_km"] < 1.5


def test_out_of_stock_and_far_away_stock_is_not_proposed(household, shops, token_client_for):
    held = make_product(shops.bakery, "Held Cake", stock={shops.near: (4, 4)})
    far = make_product(shops.paris.shop, "Paris Macarons", stock={shops.paris: (50, 0)})
    for product in (held, far):
        add_item(household.owner, household.shopping_list, product.title, product_id=product.pk)

    found = nearby_of(token_client_for(household.owner), household.shopping_list)

    assert found["Held Cake"]["proposals"] == [] and found["Paris Macarons"]["proposals"] == []
    # The radius reaches Paris only when asked for (and is bounded).
    assert nearby_of(token_client_for(household.owner), household.shopping_list, radius_km=100)["Paris Macarons"]["proposals"] == []


def test_the_radius_defaults_to_the_storefronts_near_me(household, shops, token_client_for):
    response = token_client_for(household.owner).get(f"/api/v1/lists/{household.shopping_list.pk}/nearby", AT_CENTRE)
    assert response.json()["radius_km"] == NEARBY_KM == nearby.DEFAULT_RADIUS_KM


def test_a_free_text_item_finds_its_best_matches_in_stock_nearby(household, shops, token_client_for):
    loaf = make_product(shops.bakery, "Sourdough Loaf", stock={shops.near: (6, 0)})
    starter = make_product(shops.bakery, "Sourdough Starter", stock={shops.near: (0, 0)})
    parisian = make_product(shops.paris.shop, "Parisian Sourdough", stock={shops.paris: (9, 0)})
    indexed(loaf, starter, parisian)
    add_item(household.owner, household.shopping_list, "sourdough")
    add_item(household.owner, household.shopping_list, "zeppelin")

    found = nearby_of(token_client_for(household.editor), household.shopping_list)

    assert found["sourdough"]["matched_by"] == "search"
    assert [proposal["product_title"] for proposal in found["sourdough"]["proposals"]] == ["Sourdough Loaf"]
    assert found["zeppelin"]["proposals"] == [] and found["zeppelin"]["searched"] is True


def test_a_shop_item_finds_that_shops_products_matching_its_text(household, shops, token_client_for):
    theirs = make_product(shops.closed.shop, "Almond Croissant", stock={shops.closed: (8, 0)})
    ours = make_product(shops.bakery, "Butter Croissant", stock={shops.near: (8, 0)})
    indexed(ours, theirs)
    add_item(household.owner, household.shopping_list, "croissant", shop_id=shops.bakery.pk)
    add_item(household.owner, household.shopping_list, "Croissant")

    found = nearby_of(token_client_for(household.owner), household.shopping_list)

    assert found["croissant"]["matched_by"] == "shop"
    assert [p["product_title"] for p in found["croissant"]["proposals"]] == ["Butter Croissant"]
    assert found["Croissant"]["matched_by"] == "search"
    # The open shop comes first, though the closed one's product is as good a match; it is still proposed, marked closed.
    proposed = [(p["product_title"], p["open_now"]) for p in found["Croissant"]["proposals"]]
    assert proposed == [("Butter Croissant", True), ("Almond Croissant", False)]


def _item_id(household, text: str) -> str:
    return str(household.shopping_list.items.get(text=text).pk)


def test_open_now_only_leaves_out_closed_locations_and_prefers_open_ones(household, shops, token_client_for):
    jam = make_product(shops.closed.shop, "Night Jam", stock={shops.closed: (3, 0)})
    honey = make_product(shops.bakery, "Honey", stock={shops.near: (1, 0)})
    honey_at_closed = StockFactory(variant=honey.variants.get(), location=make_location(
        shops.bakery, (CENTRE.latitude, CENTRE.longitude), name="Bakery Centre", open_now=False
    ), quantity=9)
    for product in (jam, honey):
        add_item(household.owner, household.shopping_list, product.title, product_id=product.pk)
    client = token_client_for(household.owner)

    every = nearby_of(client, household.shopping_list)
    assert [(p["location_name"], p["open_now"]) for p in every["Night Jam"]["proposals"]] == [("Centre", False)]
    # Honey is nearer at the closed location, but the open one is proposed.
    assert every["Honey"]["proposals"][0]["location_name"] == "Croix-Rousse" != honey_at_closed.location.name

    open_only = nearby_of(client, household.shopping_list, open_now="true")
    assert open_only["Night Jam"]["proposals"] == []
    assert open_only["Honey"]["proposals"][0]["location_name"] == "Croix-Rousse"


def test_checked_and_removed_items_are_not_looked_for(household, shops, token_client_for):
    bread = make_product(shops.bakery, "Rye", stock={shops.near: (3, 0)})
    checked = add_item(household.owner, household.shopping_list, "Rye", product_id=bread.pk)
    apply(household.owner, household.shopping_list, "check", {"item_id": checked})
    removed = add_item(household.owner, household.shopping_list, "Gone")
    apply(household.owner, household.shopping_list, "remove_item", {"item_id": removed})
    assert nearby_of(token_client_for(household.owner), household.shopping_list) == {}


def test_without_access_the_list_answers_404(household, shops, token_client_for):
    bread = make_product(shops.bakery, "Rye", stock={shops.near: (3, 0)})
    item_id = add_item(household.owner, household.shopping_list, "Rye", product_id=bread.pk)
    stranger = token_client_for(household.stranger)
    assert stranger.get(f"/api/v1/lists/{household.shopping_list.pk}/nearby", AT_CENTRE).status_code == 404
    assert add_to_cart(stranger, household.shopping_list, [(item_id, bread.variants.get().pk)]).status_code == 404
    browser = Client()
    browser.force_login(household.stranger)
    assert browser.get(f"/lists/{household.shopping_list.pk}/nearby/").status_code == 404
    assert browser.post(f"/lists/{household.shopping_list.pk}/nearby/add/", {"pick": f"{item_id}:1"}).status_code == 404
    assert Cart.objects.count() == 0


def test_add_to_cart_puts_the_chosen_variant_at_the_items_quantity_in_my_cart(household, shops, token_client_for):
    bread = make_product(shops.bakery, "Rye", stock={shops.near: (3, 0)})
    butter = make_product(shops.bakery, "Butter", stock={shops.near: (7, 0)})
    bread_item = add_item(household.owner, household.shopping_list, "Rye", product_id=bread.pk, quantity=2)
    butter_item = add_item(household.owner, household.shopping_list, "Butter", product_id=butter.pk)
    bread_variant, butter_variant = bread.variants.get(), butter.variants.get()

    response = add_to_cart(token_client_for(household.viewer), household.shopping_list, [(bread_item, bread_variant.pk), (butter_item, butter_variant.pk)])

    assert response.status_code == 200, response.content
    assert response.json()["added"] == [
        {"item_id": bread_item, "variant_id": bread_variant.pk, "quantity": 2},
        {"item_id": butter_item, "variant_id": butter_variant.pk, "quantity": 1},
    ]
    assert sorted(cart_lines(household.viewer)) == sorted([(bread_variant.pk, 2), (butter_variant.pk, 1)])
    assert cart_lines(household.owner) == []


def test_a_pick_that_was_not_proposed_is_refused_and_nothing_is_added(household, shops, token_client_for):
    bread = make_product(shops.bakery, "Rye", stock={shops.near: (3, 0)})
    held = make_product(shops.bakery, "Held Cake", stock={shops.near: (4, 4)})
    bread_item = add_item(household.owner, household.shopping_list, "Rye", product_id=bread.pk)
    held_item = add_item(household.owner, household.shopping_list, "Held Cake", product_id=held.pk)
    other_list = services.create_list(owner=household.owner, title="Other")
    other_item = add_item(household.owner, other_list, "Rye", product_id=bread.pk)
    client = token_client_for(household.owner)
    good = (bread_item, bread.variants.get().pk)

    refused = [
        [good, (held_item, held.variants.get().pk)],  # out of stock: never proposed
        [good, (held_item, bread.variants.get().pk)],  # proposed, but for another item
        [good, (other_item, bread.variants.get().pk)],  # an item of another list
        [good, (str(uuid.uuid4()), bread.variants.get().pk)],
        [good, good],
    ]
    for picks in refused:
        response = add_to_cart(client, household.shopping_list, picks)
        assert response.status_code == 422, picks
    assert add_to_cart(client, household.shopping_list, [good], open_now=True, radius_km=0.5).status_code == 422
    for body in ({"picks": []}, {"picks": [{"item_id": "nope", "variant_id": 1}]}, {"picks": [{"item_id": bread_item, "variant_id": 0}]},
                 {"picks": [good], "latitude": 45.7}):
        body = {**body, "picks": [{"item_id": p[0], "variant_id": p[1]} if isinstance(p, tuple) else p for p in body["picks"]]}
        response = client.post(f"/api/v1/lists/{household.shopping_list.pk}/nearby/add-to-cart", body, content_type="application/json")
        assert response.status_code == 422, body
    assert Cart.objects.count() == 0 and CartLine.objects.count() == 0


def test_a_quantity_the_cart_cannot_hold_adds_nothing(household, shops, token_client_for):
    bread = make_product(shops.bakery, "Rye", stock={shops.near: (300, 0)})
    butter = make_product(shops.bakery, "Butter", stock={shops.near: (7, 0)})
    butter_item = add_item(household.owner, household.shopping_list, "Butter", product_id=butter.pk)
    bread_item = add_item(household.owner, household.shopping_list, "Rye", product_id=bread.pk, quantity=150)
    response = add_to_cart(
        token_client_for(household.owner), household.shopping_list, [(butter_item, butter.variants.get().pk), (bread_item, bread.variants.get().pk)]
    )
    assert response.status_code == 422
    assert CartLine.objects.count() == 0


def test_bad_positions_are_422(household, token_client_for):
    client = token_client_for(household.owner)
    path = f"/api/v1/lists/{household.shopping_list.pk}/nearby"
    for params in ({"latitude": 91, "longitude": 0}, {"latitude": 45.7}, {"radius_km": 0}, {"radius_km": 101}, {"latitude": "nan", "longitude": 1}):
        assert client.get(path, params).status_code == 422, params


def test_the_query_count_does_not_grow_with_the_items(household, shops, token_client_for, django_assert_max_num_queries):
    client = token_client_for(household.owner)
    for number in range(3):
        product = make_product(shops.bakery, f"Jam {number}", stock={shops.near: (5, 0), shops.farther: (5, 0)})
        indexed(product)
        add_item(household.owner, household.shopping_list, f"Jam {number}", product_id=product.pk)
    add_item(household.owner, household.shopping_list, "jam")
    add_item(household.owner, household.shopping_list, "jam", shop_id=shops.bakery.pk)

    # Session and token (2), the list (1), items (1), locations near (1), two searches (up
    # to 2 each), stock (1), variants (1), locations with their hours (3).
    expected = 2 + 1 + 1 + 1 + 4 + 1 + 1 + 3
    with django_assert_max_num_queries(expected):
        nearby_of(client, household.shopping_list)
    for number in range(3, 30):
        product = make_product(shops.bakery, f"Jam {number}", stock={shops.near: (5, 0)})
        add_item(household.owner, household.shopping_list, f"Jam {number}", product_id=product.pk)
    with django_assert_max_num_queries(expected):
        found = nearby_of(client, household.shopping_list)
    assert all(entry["proposals"] for entry in found.values())


def test_only_so_many_items_are_searched(household, shops, token_client_for):
    for number in range(nearby.MAX_SEARCHES + 2):
        add_item(household.owner, household.shopping_list, f"thing{number}")
    found = nearby_of(token_client_for(household.owner), household.shopping_list)
    assert sum(not entry["searched"] for entry in found.values()) == 2


def test_the_page_shows_proposals_and_buys_the_best_matches(household, shops):
    bread = make_product(shops.bakery, "Rye", price="3.50", stock={shops.near: (3, 0)})
    add_item(household.owner, household.shopping_list, "Rye", product_id=bread.pk, quantity=2)
    add_item(household.owner, household.shopping_list, "zeppelin")
    browser = Client()
    browser.force_login(household.viewer)

    list_page = browser.get(f"/lists/{household.shopping_list.pk}/").content.decode()
    assert f'href="/lists/{household.shopping_list.pk}/nearby/"' in list_page
    page = browser.get(f"/lists/{household.shopping_list.pk}/nearby/", {"lat": CENTRE.latitude, "lng": CENTRE.longitude}).content.decode()
    assert "Boulangerie · Croix-Rousse · 1.2 km" in page and "€3.50" in page.replace("\xa0", "")
    assert 'class="badge open"' in page and "Nothing in stock nearby" in page and 'name="place"' in page
    assert "Add all best matches to cart (1)" in page

    response = browser.post(f"/lists/{household.shopping_list.pk}/nearby/add/", {"pick": f"{_item_id(household, 'Rye')}:{bread.variants.get().pk}"})
    assert response.status_code == 302
    assert cart_lines(household.viewer) == [(bread.variants.get().pk, 2)]

    refused = browser.post(f"/lists/{household.shopping_list.pk}/nearby/add/", {"pick": "junk"})
    assert refused.status_code == 422 and 'id="nearby-error"' in refused.content.decode()


def test_the_page_has_an_empty_state(household):
    browser = Client()
    browser.force_login(household.owner)
    page = browser.get(f"/lists/{household.shopping_list.pk}/nearby/").content.decode()
    assert "Nothing left to buy on this list." in page and "(town centre)" in page


def test_the_page_says_when_no_shop_is_near(household):
    add_item(household.owner, household.shopping_list, "Milk")
    browser = Client()
    browser.force_login(household.owner)
    page = browser.get(f"/lists/{household.shopping_list.pk}/nearby/", {"open_now": "1"}).content.decode()
    assert "No shop open now within 10 km" in page and "Nothing in stock nearby at a shop open now" in page
