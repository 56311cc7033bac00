"""The same idempotency key submitted again (double click, retry after a timeout, two
tabs at once) gives back the first order: one order, one payment, stock taken once."""

import json

import pytest
from django.test import Client

from plaza.checkout import services
from plaza.core.errors import Conflict, PaymentDeclined
from plaza.orders.models import Order
from plaza.payments.models import Payment
from tests.checkout.conftest import DECLINED, card, cart_with, make_store, pickup_details, run_at_once


def assert_one_order_taking_stock_once(store, quantity: int):
    assert Order.objects.count() == 1
    assert Payment.objects.count() == 1
    store.stock.refresh_from_db()
    assert (store.stock.quantity, store.stock.reserved) == (10 - quantity, 0)


@pytest.mark.django_db
def test_the_same_key_twice_returns_the_first_order(store):
    cart = cart_with(store.variant, 2)
    first = services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    services.add_to_cart(token=cart.token, variant_id=store.variant.pk, quantity=2)
    again = services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    assert (first.created, again.created) == (True, False)
    assert again.order.pk == first.order.pk
    assert_one_order_taking_stock_once(store, 2)


@pytest.mark.django_db
def test_a_retry_after_the_order_emptied_the_cart_returns_the_order_not_a_refusal(store):
    cart = cart_with(store.variant, 2)
    first = services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    assert not cart.lines.exists()
    # The shelf is empty now too: the retry is still answered with the order it placed.
    type(store.stock).objects.filter(pk=store.stock.pk).update(quantity=8, reserved=8)
    again = services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    assert (again.created, again.order.pk) == (False, first.order.pk)
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_key_reused_for_another_shop_is_a_conflict(store):
    other = make_store()
    cart = cart_with(store.variant, 1)
    services.add_to_cart(token=cart.token, variant_id=other.variant.pk, quantity=1)
    services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    with pytest.raises(Conflict) as refused:
        services.place_order(cart=cart, shop=other.shop, details=pickup_details(other.location), idempotency_key="abc")
    assert refused.value.code == "idempotency_key_reused"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_other_details_is_refused_and_changes_nothing(store):
    cart = cart_with(store.variant, 1)
    services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    other_note = pickup_details(store.location)
    other_note.note = "Please wrap it as a gift"
    with pytest.raises(Conflict) as refused:
        services.place_order(cart=cart, shop=store.shop, details=other_note, idempotency_key="abc")
    assert refused.value.code == "idempotency_key_reused"
    assert Order.objects.get().note == ""
    assert_one_order_taking_stock_once(store, 1)


@pytest.mark.django_db
def test_the_same_key_for_a_cart_that_changed_is_refused(store):
    cart = cart_with(store.variant, 1)
    details = pickup_details(store.location)
    services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="abc")
    services.add_to_cart(token=cart.token, variant_id=store.variant.pk, quantity=3)
    with pytest.raises(Conflict) as refused:
        services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="abc")
    assert refused.value.code == "idempotency_key_reused"
    assert cart.lines.get().quantity == 3, "the new cart is left for a checkout with a new key"
    assert_one_order_taking_stock_once(store, 1)


@pytest.mark.django_db
def test_a_declined_checkout_retried_with_another_card_and_the_same_key_is_the_same_decline(store):
    cart = cart_with(store.variant, 1)
    with pytest.raises(PaymentDeclined):
        services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location, number=DECLINED), idempotency_key="abc")
    with pytest.raises(PaymentDeclined):
        services.place_order(cart=cart, shop=store.shop, details=pickup_details(store.location), idempotency_key="abc")
    assert Payment.objects.get().transactions.count() == 1


@pytest.mark.django_db
def test_a_declined_checkout_replayed_is_declined_again_without_a_new_attempt(store):
    cart = cart_with(store.variant, 1)
    details = pickup_details(store.location, number=DECLINED)
    for _ in range(2):
        with pytest.raises(PaymentDeclined):
            services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="abc")
    assert Payment.objects.get().transactions.count() == 1


@pytest.mark.django_db
def test_keys_are_per_shopper(store):
    first, second = cart_with(store.variant, 1), cart_with(store.variant, 1)
    details = pickup_details(store.location)
    services.place_order(cart=first, shop=store.shop, details=details, idempotency_key="same")
    services.place_order(cart=second, shop=store.shop, details=details, idempotency_key="same")
    assert Order.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_make_one_order():
    store = make_store()
    cart = cart_with(store.variant, 3)
    details = pickup_details(store.location)

    def submit(_):
        return services.place_order(cart=cart, shop=store.shop, details=details, idempotency_key="double-click")

    results = run_at_once(submit, 6)
    assert all(isinstance(result, services.CheckoutResult) for result in results), results
    assert len({result.order.pk for result in results}) == 1
    assert sum(result.created for result in results) == 1
    assert_one_order_taking_stock_once(store, 3)


@pytest.mark.django_db
def test_through_the_api_the_replay_is_a_200_with_the_same_order(store):
    client = Client()
    token = client.post(
        "/api/v1/cart/lines", json.dumps({"variant_id": store.variant.pk, "quantity": 1}), content_type="application/json"
    )["X-Cart-Token"]
    body = json.dumps({
        "shop_slug": store.shop.slug, "fulfilment_method": "pickup", "location_id": store.location.pk,
        "pickup_slot": pickup_details(store.location).pickup_slot.isoformat(), "email": "a@example.com", "name": "A",
        "payment_provider": "test_card", "card": card(),
    })

    def submit(**headers):
        return client.post(
            "/api/v1/cart/checkout", body, content_type="application/json", HTTP_X_CART_TOKEN=token, **headers
        )

    missing = submit()
    assert missing.status_code == 422
    assert any("Idempotency-Key" in name for name in missing.json()["error"]["fields"])
    first, again = submit(HTTP_IDEMPOTENCY_KEY="k-1"), submit(HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    body = json.dumps({**json.loads(body), "note": "Another note"})
    changed = submit(HTTP_IDEMPOTENCY_KEY="k-1")
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert_one_order_taking_stock_once(store, 1)
