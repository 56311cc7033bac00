import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from plaza.orders.models import Order
from tests.checkout.conftest import DECLINED, RETRY_THEN_SUCCEEDS, card, counts, pickup_details
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guest(store):
    client = Client()
    response = client.post(
        "/api/v1/cart/lines", json.dumps({"variant_id": store.variant.pk, "quantity": 2}), content_type="application/json"
    )
    client.defaults["HTTP_X_CART_TOKEN"] = response["X-Cart-Token"]
    return client


def body(store, **overrides) -> dict:
    return {
        "shop_slug": store.shop.slug,
        "fulfilment_method": "pickup",
        "location_id": store.location.pk,
        "pickup_slot": pickup_details(store.location).pickup_slot.isoformat(),
        "email": "guest@example.com",
        "name": "Guest",
        "payment_provider": "test_card",
        "card": card(),
        **overrides,
    }


def checkout(client, payload, key: str = "key-1"):
    raw = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post("/api/v1/cart/checkout", raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)


def test_checkout_returns_the_order_summary(store, guest):
    response = checkout(guest, body(store))
    assert response.status_code == 201
    summary = response.json()
    order = Order.objects.get()
    assert summary["number"] == order.number and summary["token"] == str(order.token)
    assert summary["order_url"] == f"/orders/{order.token}/"
    assert (summary["status"], summary["total"], summary["tax_included"]) == ("new", "25.00", "4.17")
    assert summary["pickup_code"] == order.pickup_code and summary["payment_status"] == "authorized"
    assert guest.get("/api/v1/cart").json()["shops"] == []


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"fulfilment_method": "teleport"}, "fulfilment_method"),
        ({"location_id": -1}, "location_id"),
        ({"location_id": 10**30}, "location_id"),
        ({"latitude": 1e308 * 10}, "latitude"),
        ({"pickup_slot": "yesterday"}, "pickup_slot"),
        ({"payment_provider": "bitcoin"}, "payment_provider"),
        ({"card": {**card(), "card_number": "4242424242424241"}}, "card_number"),
        ({"card": {**card(), "card_expiry": "01/21"}}, "card_expiry"),
        ({"email": "\x00@example.com"}, "email"),
        ({"shop_slug": "bad slug\x00"}, "shop_slug"),
        ({"name": "x" * 500}, "name"),
    ],
)
def test_bad_checkout_input_is_422_on_the_field_and_writes_nothing(store, guest, overrides, field):
    before = counts()
    response = checkout(guest, body(store, **overrides))
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert counts() == before


def test_a_slot_in_the_past_and_an_address_out_of_range_are_explained(store, guest):
    before = counts()
    past = checkout(guest, body(store, pickup_slot=(timezone.now() - timedelta(hours=2)).isoformat()))
    assert "passed" in past.json()["error"]["fields"]["pickup_slot"][0]
    far = checkout(guest, body(store, fulfilment_method="delivery", address_line="Paris", latitude=48.85, longitude=2.35))
    assert far.status_code == 422
    assert "delivery area" in far.json()["error"]["fields"]["address_line"][0]
    assert counts() == before


def test_malformed_json_is_refused(store, guest):
    before = counts()
    response = checkout(guest, "{\"shop_slug\": ")
    assert 400 <= response.status_code < 500
    assert counts() == before


def test_out_of_stock_is_409_with_a_clear_message_and_writes_nothing(store, guest):
    store.stock.quantity = 1
    store.stock.save()
    before = counts()
    response = checkout(guest, body(store))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "out_of_stock"
    assert response.json()["error"]["message"].startswith("Only 1 of")
    assert counts() == before


def test_a_declined_card_is_402(store, guest):
    response = checkout(guest, body(store, card=card(DECLINED)))
    assert response.status_code == 402
    assert response.json()["error"]["code"] == "payment_declined"
    store.stock.refresh_from_db()
    assert store.stock.reserved == 0


def test_a_retryable_error_keeps_the_order_waiting_and_pay_retries_it(store, guest):
    first = checkout(guest, body(store, card=card(RETRY_THEN_SUCCEEDS)))
    assert first.status_code == 201
    summary = first.json()
    assert summary["status"] == "pending_payment" and "try again" in summary["payment_message"]
    paid = guest.post(
        f"/api/v1/cart/orders/{summary['token']}/pay", json.dumps({"card": card(RETRY_THEN_SUCCEEDS)}),
        content_type="application/json",
    )
    assert paid.status_code == 200 and paid.json()["status"] == "new"
    again = guest.post(f"/api/v1/cart/orders/{summary['token']}/pay", json.dumps({"card": card()}), content_type="application/json")
    assert again.status_code == 409


def test_nobody_else_can_pay_a_signed_in_shoppers_order(store, token_client_for):
    owner = UserFactory()
    client = token_client_for(owner)
    client.post("/api/v1/cart/lines", json.dumps({"variant_id": store.variant.pk}), content_type="application/json")
    token = checkout(client, body(store, card=card(RETRY_THEN_SUCCEEDS))).json()["token"]
    pay = {"card": card(RETRY_THEN_SUCCEEDS)}
    for intruder in (Client(), token_client_for(UserFactory())):
        response = intruder.post(f"/api/v1/cart/orders/{token}/pay", json.dumps(pay), content_type="application/json")
        assert response.status_code == 404
    assert Client().post(f"/api/v1/cart/orders/{uuid.uuid4()}/pay", json.dumps(pay), content_type="application/json").status_code == 404
    assert Order.objects.get().status == "pending_payment"


def test_a_guest_must_give_a_name_and_a_signed_in_shopper_need_not(store, guest, token_client_for):
    nameless = {key: value for key, value in body(store).items() if key not in ("name", "email")}
    refused = checkout(guest, nameless)
    assert refused.status_code == 422
    assert {"name", "email"} <= set(refused.json()["error"]["fields"])

    shopper = UserFactory(display_name="Ana Lima")
    client = token_client_for(shopper)
    client.post("/api/v1/cart/lines", json.dumps({"variant_id": store.variant.pk}), content_type="application/json")
    assert checkout(client, nameless).status_code == 201
    order = Order.objects.get()
    assert (order.customer_name, order.email) == ("Ana Lima", shopper.email)


def test_checkout_without_a_cart_is_404(store):
    assert checkout(Client(), body(store)).status_code == 404
    assert checkout(Client(HTTP_X_CART_TOKEN=str(uuid.uuid4())), body(store)).status_code == 404


def test_fulfilment_options_list_locations_slots_and_providers(store):
    response = Client().get(f"/api/v1/cart/shops/{store.shop.slug}/fulfilment")
    assert response.status_code == 200
    options = response.json()
    location = options["locations"][0]
    assert location["id"] == store.location.pk
    assert location["pickup_slots"][0] == pickup_details(store.location).pickup_slot.isoformat()
    assert (location["delivery_radius_km"], location["delivery_fee"], location["shipping_fee"]) == ("5.00", "4.90", "6.90")
    assert {provider["name"] for provider in options["payment_providers"]} == {"pay_at_pickup", "test_card"}
    assert [method["method"] for method in options["methods"]] == ["pickup", "delivery", "shipping"]
    assert Client().get("/api/v1/cart/shops/nope/fulfilment").status_code == 404


def test_a_pick_up_where_an_item_ran_out_is_409_naming_the_location_that_has_it(store, guest):
    from tests.factories import LocationFactory, StockFactory, open_all_week

    type(store.stock).objects.filter(pk=store.stock.pk).update(quantity=1)
    elsewhere = open_all_week(LocationFactory(shop=store.shop, name="Vieux Lyon"))
    StockFactory(variant=store.variant, location=elsewhere, quantity=29)
    before = counts()

    refused = checkout(guest, body(store))

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "out_of_stock"
    assert error["message"].startswith(f"Only 1 of") and f"left at {store.location.name}." in error["message"]
    assert "Vieux Lyon has everything in your cart" in error["message"]
    assert error["fields"]["location_id"] == ["Vieux Lyon has everything in stock."]
    assert counts() == before
