import re

import pytest
from django.test import Client

from plaza.checkout.models import CartLine
from plaza.orders.models import Order, OrderStatus
from tests.checkout.conftest import DECLINED, RETRY_THEN_SUCCEEDS, card, counts, pickup_details
from tests.factories import LocationFactory, StockFactory, UserFactory, open_all_week

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def shopper(store) -> Client:
    client = Client()
    client.post("/cart/add/", {"variant_id": store.variant.pk, "quantity": 2})
    return client


def checkout_form(client, store, **overrides) -> dict:
    page = client.get(f"/cart/checkout/{store.shop.slug}/")
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)
    form = {
        "idempotency_key": key,
        "fulfilment_method": "pickup",
        "location_id": store.location.pk,
        "pickup_slot": pickup_details(store.location).pickup_slot.isoformat(),
        "name": "Sam",
        "email": "sam@example.com",
        "payment_provider": "test_card",
        **card(),
    }
    form.update(overrides)
    return form


def test_an_empty_cart_says_so_and_points_to_the_shops():
    page = Client().get("/cart/")
    assert page.status_code == 200
    assert "Your cart is empty" in page.content.decode()


def test_adding_redirects_to_the_cart_which_groups_lines_by_shop(store, shopper):
    response = shopper.post("/cart/add/", {"variant_id": store.variant.pk, "quantity": 1, "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    page = shopper.get("/cart/").content.decode()
    assert store.shop.name in page and store.variant.product.title in page
    assert "€37.50" in page
    assert f"/cart/checkout/{store.shop.slug}/" in page


def test_htmx_add_returns_a_fragment_and_refuses_bad_items_with_422(store):
    client = Client()
    added = client.post("/cart/add/", {"variant_id": store.variant.pk, "quantity": 3}, **HTMX)
    assert added.status_code == 200
    assert "Added to your cart (3 items)" in added.content.decode()
    refused = client.post("/cart/add/", {"variant_id": 999999, "quantity": 1}, **HTMX)
    assert refused.status_code == 422
    assert "not for sale" in refused.content.decode()


def test_quantity_changes_and_removal_rerender_the_cart(store, shopper):
    line = CartLine.objects.get()
    changed = shopper.post(f"/cart/lines/{line.pk}/", {"quantity": 4}, **HTMX)
    assert changed.status_code == 200
    assert "€50.00" in changed.content.decode()
    refused = shopper.post(f"/cart/lines/{line.pk}/", {"quantity": 0}, **HTMX)
    assert refused.status_code == 422
    assert "from 1 to 99" in refused.content.decode()
    line.refresh_from_db()
    assert line.quantity == 4
    removed = shopper.post(f"/cart/lines/{line.pk}/remove/", **HTMX)
    assert "Your cart is empty" in removed.content.decode()


def test_another_visitor_cannot_change_my_lines(store, shopper):
    line = CartLine.objects.get()
    stranger = Client()
    stranger.post("/cart/add/", {"variant_id": store.variant.pk, "quantity": 1})
    assert stranger.post(f"/cart/lines/{line.pk}/remove/").status_code == 404
    assert CartLine.objects.filter(pk=line.pk).exists()


def test_checking_out_redirects_to_the_order_page(store, shopper):
    page = shopper.get(f"/cart/checkout/{store.shop.slug}/").content.decode()
    assert 'name="idempotency_key"' in page and "Pick-up time" in page and "csrfmiddlewaretoken" in page
    form = checkout_form(shopper, store)
    placed = shopper.post(f"/cart/checkout/{store.shop.slug}/", form)
    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/orders/{order.token}/?placed=1"
    assert order.status == OrderStatus.NEW
    double_click = shopper.post(f"/cart/checkout/{store.shop.slug}/", form)
    assert double_click["Location"] == f"/orders/{order.token}/?placed=1"
    assert Order.objects.count() == 1


def test_errors_are_shown_next_to_their_fields_and_nothing_is_written(store, shopper):
    before = counts()
    form = checkout_form(shopper, store, email="nope", card_number="1234")
    page = shopper.post(f"/cart/checkout/{store.shop.slug}/", form)
    html = page.content.decode()
    assert page.status_code == 422
    assert re.search(r'id="id_email".*?class="field-error"[^>]*>Enter a valid e-mail address', html, re.S)
    assert re.search(r'id="id_card_number".*?class="field-error"[^>]*>This is not a valid card number', html, re.S)
    assert counts() == before
    assert f'value="{form["idempotency_key"]}"' not in html


def test_a_declined_card_is_explained_on_the_form(store, shopper):
    page = shopper.post(f"/cart/checkout/{store.shop.slug}/", checkout_form(shopper, store, card_number=DECLINED))
    assert page.status_code == 422
    assert "Your card was declined" in page.content.decode()
    assert Order.objects.get().status == OrderStatus.PAYMENT_FAILED


def test_a_retryable_error_leads_to_the_payment_page_and_then_to_the_order(store, shopper):
    placed = shopper.post(f"/cart/checkout/{store.shop.slug}/", checkout_form(shopper, store, card_number=RETRY_THEN_SUCCEEDS))
    order = Order.objects.get()
    assert placed["Location"] == f"/cart/pay/{order.token}/"
    page = shopper.get(placed["Location"])
    assert page.status_code == 200 and order.number in page.content.decode()
    paid = shopper.post(placed["Location"], card(RETRY_THEN_SUCCEEDS))
    assert paid["Location"] == f"/orders/{order.token}/?placed=1"
    order.refresh_from_db()
    assert order.status == OrderStatus.NEW


def test_a_signed_in_shoppers_payment_page_is_theirs_alone(store):
    owner = UserFactory()
    client = Client()
    client.force_login(owner)
    client.post("/cart/add/", {"variant_id": store.variant.pk, "quantity": 1})
    client.post(f"/cart/checkout/{store.shop.slug}/", checkout_form(client, store, card_number=RETRY_THEN_SUCCEEDS))
    order = Order.objects.get()
    intruder = Client()
    intruder.force_login(UserFactory())
    assert intruder.get(f"/cart/pay/{order.token}/").status_code == 404
    assert Client().post(f"/cart/pay/{order.token}/", card()).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_checkout_of_a_shop_with_nothing_in_the_cart_goes_back_to_the_cart(store):
    assert Client().get(f"/cart/checkout/{store.shop.slug}/")["Location"] == "/cart/"
    assert Client().get("/cart/checkout/no-such-shop/").status_code == 404


def test_slot_options_follow_the_chosen_location(store):
    options = Client().get(f"/cart/checkout/{store.shop.slug}/slots/", {"location_id": store.location.pk})
    assert options.status_code == 200
    assert pickup_details(store.location).pickup_slot.isoformat() in options.content.decode()
    assert Client().get(f"/cart/checkout/{store.shop.slug}/slots/", {"location_id": "x"}).status_code == 404


def second_location(store, quantity: int, name: str = "Presqu'île"):
    location = open_all_week(LocationFactory(shop=store.shop, name=name, pickup_preparation_minutes=30))
    StockFactory(variant=store.variant, location=location, quantity=quantity)
    return location


def pickup_options(page: str) -> list[str]:
    select = re.search(r'<select id="id_location_id".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>[^<]*</option>", select)


def test_pick_up_is_offered_where_the_cart_can_be_filled_best_first(store, shopper):
    type(store.stock).objects.filter(pk=store.stock.pk).update(quantity=0)
    stocked = second_location(store, 29)

    options = pickup_options(shopper.get(f"/cart/checkout/{store.shop.slug}/").content.decode())

    assert f'value="{stocked.pk}" selected' in options[0] and "not everything" not in options[0]
    assert f'value="{store.location.pk}"' in options[1] and "disabled" in options[1]
    assert "(not everything in stock here)" in options[1]


def test_when_no_location_has_everything_the_page_says_so(store, shopper):
    type(store.stock).objects.filter(pk=store.stock.pk).update(quantity=1)
    second_location(store, 1)
    page = shopper.get(f"/cart/checkout/{store.shop.slug}/").content.decode()
    assert "No single shop has everything in your cart in stock" in page
    assert not any("disabled" in option for option in pickup_options(page))


def test_a_pick_up_where_an_item_ran_out_points_to_the_location_that_has_it(store, shopper):
    type(store.stock).objects.filter(pk=store.stock.pk).update(quantity=0)
    stocked = second_location(store, 29)
    before = counts()
    refused = shopper.post(f"/cart/checkout/{store.shop.slug}/", checkout_form(shopper, store))
    page = refused.content.decode()
    assert refused.status_code == 422
    assert f"at {store.location.name}" in page and "Presqu&#x27;île has everything in your cart" in page
    assert counts() == before
    placed = shopper.post(f"/cart/checkout/{store.shop.slug}/", checkout_form(shopper, store, location_id=stocked.pk))
    assert placed.status_code == 302
