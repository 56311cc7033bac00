import json
from decimal import Decimal

import pytest
from django.test import Client

from plaza.catalog.models import ProductStatus
from plaza.checkout import selectors, services
from plaza.checkout.models import Cart, CartLine
from plaza.core.errors import InvalidInput, NotFound
from tests.checkout.conftest import make_store
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def post_json(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_lines_are_grouped_by_shop_with_subtotals_and_methods():
    bakery, books = make_store(price=Decimal("2.40")), make_store(price=Decimal("15.00"))
    cart = services.add_to_cart(variant_id=bakery.variant.pk, quantity=3).cart
    services.add_to_cart(token=cart.token, variant_id=books.variant.pk, quantity=1)
    services.add_to_cart(token=cart.token, variant_id=bakery.variant.pk, quantity=2)
    summary = selectors.cart_summary(cart)
    assert [(group.shop, group.subtotal) for group in summary.groups] == [
        (bakery.shop, Decimal("12.00")),
        (books.shop, Decimal("15.00")),
    ]
    assert summary.item_count == 6
    assert [offer.method for offer in summary.groups[0].methods] == ["pickup", "delivery", "shipping"]


@pytest.mark.parametrize("quantity", [0, -1, 100, 10**30, True, "3", 2.5])
def test_quantity_must_be_a_whole_number_from_1_to_99(store, quantity):
    with pytest.raises(InvalidInput) as refused:
        services.add_to_cart(variant_id=store.variant.pk, quantity=quantity)
    assert "quantity" in refused.value.fields
    assert not Cart.objects.exists()


def test_adding_beyond_99_of_one_item_is_refused(store):
    cart = services.add_to_cart(variant_id=store.variant.pk, quantity=90).cart
    with pytest.raises(InvalidInput):
        services.add_to_cart(token=cart.token, variant_id=store.variant.pk, quantity=10)
    assert CartLine.objects.get().quantity == 90


def test_unpublished_products_and_closed_shops_cannot_be_added():
    draft = VariantFactory(product__status=ProductStatus.DRAFT)
    closed = VariantFactory(product__shop__is_active=False)
    for variant_id in (draft.pk, closed.pk, 10**6, 2**70):
        with pytest.raises(InvalidInput) as refused:
            services.add_to_cart(variant_id=variant_id, quantity=1)
        assert "variant_id" in refused.value.fields
    assert not Cart.objects.exists()


def test_an_item_unpublished_after_adding_is_shown_but_not_counted(store):
    cart = services.add_to_cart(variant_id=store.variant.pk, quantity=2).cart
    store.variant.product.status = ProductStatus.DRAFT
    store.variant.product.save()
    group = selectors.cart_summary(cart).groups[0]
    assert not group.lines[0].purchasable
    assert group.subtotal == Decimal("0.00")
    assert not group.can_check_out


def test_changing_or_removing_another_carts_line_is_not_found(store):
    mine = services.add_to_cart(variant_id=store.variant.pk, quantity=1).cart
    theirs = services.add_to_cart(variant_id=store.variant.pk, quantity=4)
    with pytest.raises(NotFound):
        services.set_line_quantity(mine, line_id=theirs.pk, quantity=1)
    with pytest.raises(NotFound):
        services.remove_line(mine, line_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.quantity == 4


def test_a_guest_token_never_opens_a_signed_in_users_cart(store):
    user = UserFactory()
    cart = services.add_to_cart(user=user, variant_id=store.variant.pk, quantity=1).cart
    assert selectors.find_cart(token=cart.token) is None
    assert selectors.find_cart(user=user) == cart


def test_logging_in_merges_the_guest_cart_into_the_users_cart(store):
    other = make_store()
    user = UserFactory()
    services.add_to_cart(user=user, variant_id=store.variant.pk, quantity=98)
    client = Client()
    client.post("/cart/add/", {"variant_id": store.variant.pk, "quantity": 5})
    client.post("/cart/add/", {"variant_id": other.variant.pk, "quantity": 2})
    client.force_login(user)
    quantities = dict(Cart.objects.get(user=user).lines.values_list("variant_id", "quantity"))
    assert quantities == {store.variant.pk: 99, other.variant.pk: 2}
    assert Cart.objects.count() == 1


# --- through the API ------------------------------------------------------------------------


def test_a_guest_builds_a_cart_with_the_token_it_gets_back(store):
    client = Client()
    created = post_json(client, "/api/v1/cart/lines", {"variant_id": store.variant.pk, "quantity": 2})
    assert created.status_code == 201
    token = created["X-Cart-Token"]
    assert created.json()["token"] == token
    line_id = created.json()["shops"][0]["lines"][0]["id"]

    patched = client.patch(
        f"/api/v1/cart/lines/{line_id}", json.dumps({"quantity": 5}), content_type="application/json",
        HTTP_X_CART_TOKEN=token,
    )
    assert patched.status_code == 200
    assert patched.json()["shops"][0]["lines"][0]["line_total"] == "62.50"
    assert patched.json()["shops"][0]["subtotal"] == "62.50"

    assert client.get("/api/v1/cart", HTTP_X_CART_TOKEN=token).json()["item_count"] == 5
    assert client.delete(f"/api/v1/cart/lines/{line_id}", HTTP_X_CART_TOKEN=token).json()["shops"] == []


def test_without_its_token_a_guest_cart_is_out_of_reach(store):
    client = Client()
    token = post_json(client, "/api/v1/cart/lines", {"variant_id": store.variant.pk})["X-Cart-Token"]
    line_id = CartLine.objects.get().pk
    stranger = Client()
    assert stranger.get("/api/v1/cart").json()["shops"] == []
    assert stranger.patch(
        f"/api/v1/cart/lines/{line_id}", json.dumps({"quantity": 9}), content_type="application/json"
    ).status_code == 404
    assert stranger.delete(f"/api/v1/cart/lines/{line_id}", HTTP_X_CART_TOKEN=str(Cart.objects.create().token)).status_code == 404
    assert stranger.get("/api/v1/cart", HTTP_X_CART_TOKEN="not-a-token").status_code == 404
    assert CartLine.objects.get().quantity == 1
    assert token


def test_signed_in_users_cart_is_not_reachable_from_another_session(store, token_client_for):
    owner, intruder = UserFactory(), UserFactory()
    line = services.add_to_cart(user=owner, variant_id=store.variant.pk, quantity=3)
    client = token_client_for(intruder)
    intruder_view = client.get("/api/v1/cart", HTTP_X_CART_TOKEN=str(line.cart.token))
    assert intruder_view.status_code == 200
    assert intruder_view.json()["shops"] == []
    assert client.delete(f"/api/v1/cart/lines/{line.pk}", HTTP_X_CART_TOKEN=str(line.cart.token)).status_code == 404
    owner_view = token_client_for(owner).get("/api/v1/cart").json()
    assert owner_view["item_count"] == 3 and owner_view["token"] is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({"variant_id": 1, "quantity": -1}, "quantity"),
        ({"variant_id": 1, "quantity": 0}, "quantity"),
        ({"variant_id": 1, "quantity": 10**40}, "quantity"),
        ({"variant_id": 10**40, "quantity": 1}, "variant_id"),
        ({"variant_id": "abc", "quantity": 1}, "variant_id"),
        ({"quantity": 1}, "variant_id"),
    ],
)
def test_bad_lines_get_a_422_on_the_field_and_write_nothing(store, body, field):
    response = post_json(Client(), "/api/v1/cart/lines", body)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
    assert not Cart.objects.exists()


def test_malformed_json_is_a_4xx_and_writes_nothing(store):
    response = Client().post("/api/v1/cart/lines", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    assert not Cart.objects.exists()


def test_an_unknown_variant_is_refused_on_variant_id(store):
    response = post_json(Client(), "/api/v1/cart/lines", {"variant_id": store.variant.pk + 1000, "quantity": 1})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"variant_id": ["Unknown or unavailable item."]}
    assert not Cart.objects.exists()
