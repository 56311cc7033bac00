"""A shopper adds a product from its page, changes the quantity in the cart (htmx) and
checks out with pick-up and the test card, in Chromium."""

import re

import pytest

from plaza.orders.models import Order, OrderStatus
from tests.checkout.conftest import make_store
from tests.e2e.conftest import browser, live_url, page  # noqa: F401  (Chromium and a real server)

pytestmark = pytest.mark.browser


def test_shopper_checks_out_with_pickup_and_the_test_card(live_url, page):  # noqa: F811
    store = make_store(quantity=5)
    product = store.variant.product
    page.goto(f"{live_url}/shops/{store.shop.slug}/products/{product.handle}/")
    page.get_by_role("button", name="Add to cart").click()
    page.wait_for_url(f"{live_url}/cart/")
    assert page.get_by_role("heading", name=store.shop.name).is_visible()

    quantity = page.get_by_label("Quantity")
    quantity.fill("3")
    quantity.dispatch_event("change")
    page.get_by_text("€37.50").first.wait_for()
    page.screenshot(path="/tmp/plaza-checkout-cart.png", full_page=True)

    page.get_by_role("link", name=f"Check out from {store.shop.name}").click()
    page.get_by_role("heading", name=f"Check out from {store.shop.name}").wait_for()
    assert page.get_by_label("Pick-up in store").is_checked()
    assert page.get_by_label("Address").is_hidden()
    page.get_by_label("Name").fill("Sam Shopper")
    page.get_by_label("E-mail").fill("sam@example.com")
    assert page.get_by_label("Card number").is_hidden()
    page.get_by_label("Card (test)").check()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("CVC").fill("123")
    page.screenshot(path="/tmp/plaza-checkout-form.png", full_page=True)
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r".*/orders/[0-9a-f-]{36}/\?placed=1$"))
    order = Order.objects.get()
    assert page.url.endswith(f"/orders/{order.token}/?placed=1")
    assert page.get_by_role("heading", name="Thank you for your order!").is_visible()
    assert (order.status, order.customer_name, order.total) == (OrderStatus.NEW, "Sam Shopper", store.variant.price * 3)
    page.screenshot(path="/tmp/plaza-checkout-done.png", full_page=True)


def test_errors_show_next_to_their_fields(live_url, page):  # noqa: F811
    store = make_store()
    page.goto(f"{live_url}/shops/{store.shop.slug}/products/{store.variant.product.handle}/")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_url}/cart/checkout/{store.shop.slug}/")
    page.get_by_label("Name").fill("Sam")
    page.get_by_label("E-mail").fill("sam@example.com")
    page.get_by_label("Card (test)").check()
    page.get_by_label("Card number").fill("4242 4242 4242 4241")
    page.get_by_label("Expiry (MM/YY)").fill("12/39")
    page.get_by_label("CVC").fill("123")
    page.get_by_role("button", name="Place order").click()
    page.get_by_text("This is not a valid card number.").wait_for()
    assert page.get_by_role("alert").first.is_visible()
    assert not Order.objects.exists()
    page.screenshot(path="/tmp/plaza-checkout-errors.png", full_page=True)
