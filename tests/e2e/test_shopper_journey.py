"""The issue's main path, end to end in Chromium, in two browser contexts:

a shopper finds a nearby product, picks a variant, checks out with pick-up and the test
card and sees the confirmation; the merchant accepts the order and marks it ready on the
live board; the shopper's open order page follows without a reload.
"""

import re
from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from plaza.catalog.models import ProductStatus
from plaza.orders.models import Order, OrderStatus
from plaza.search.services import rebuild_index
from tests.factories import (
    LocationFactory,
    MembershipFactory,
    ProductFactory,
    StockFactory,
    VariantFactory,
    open_all_week,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def tote_shop(live_url):
    owner = MembershipFactory(shop__name="Atelier Rivage", shop__slug="atelier-rivage")
    location = open_all_week(LocationFactory(shop=owner.shop, name="Presqu'île"))
    tote = ProductFactory(
        shop=owner.shop, title="Canvas Tote", handle="canvas-tote", option1_name="Colour",
        status=ProductStatus.PUBLISHED, min_price=Decimal("18.00"),
    )
    VariantFactory(product=tote, option1="Sand", price=Decimal("18.00"), position=1)
    navy = VariantFactory(product=tote, option1="Navy", price=Decimal("21.00"), position=2)
    StockFactory(variant=navy, location=location, quantity=4)
    rebuild_index()
    return owner, navy


def test_shopper_buys_and_watches_the_merchant_move_the_order(live_url, browser, tote_shop):
    owner, navy = tote_shop
    shopper = browser.new_context(viewport={"width": 412, "height": 915}).new_page()

    shopper.goto(live_url + "/")
    search = shopper.get_by_label("Search products and shops")
    search.fill("tote")
    search.press("Enter")
    shopper.get_by_role("link", name="Canvas Tote").first.click()
    expect(shopper.get_by_role("heading", level=1, name="Canvas Tote")).to_be_visible()
    shopper.get_by_label("Colour").select_option("Navy")
    expect(shopper.locator("[data-price]")).to_contain_text("21.00")
    shopper.get_by_role("button", name="Add to cart").click()
    shopper.wait_for_url(f"{live_url}/cart/")

    shopper.get_by_role("link", name="Check out from Atelier Rivage").click()
    expect(shopper.get_by_label("Pick-up in store")).to_be_checked()
    shopper.get_by_label("Name").fill("Lou Garnier")
    shopper.get_by_label("E-mail").fill("lou@example.com")
    shopper.get_by_label("Card (test)").check()
    shopper.get_by_label("Card number").fill("4242 4242 4242 4242")
    shopper.get_by_label("Expiry (MM/YY)").fill("12/39")
    shopper.get_by_label("CVC").fill("123")
    shopper.get_by_role("button", name="Place order").click()

    shopper.wait_for_url(re.compile(r".*/orders/[0-9a-f-]{36}/.*"))
    order = Order.objects.get()
    assert (order.status, order.total, order.lines.get().variant_id) == (OrderStatus.NEW, Decimal("21.00"), navy.pk)
    expect(shopper.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
    expect(shopper.get_by_text(order.pickup_code).first).to_be_visible()
    expect(shopper.locator(".status-line .badge")).to_have_text("New")
    shopper.evaluate("window.stayedOpen = true")

    merchant_client = Client()
    merchant_client.force_login(owner.user)
    merchant_context = browser.new_context(viewport={"width": 1280, "height": 900})
    merchant_context.add_cookies(
        [{"name": "sessionid", "value": merchant_client.cookies["sessionid"].value, "url": live_url}]
    )
    merchant = merchant_context.new_page()
    merchant.goto(f"{live_url}/merchant/{owner.shop.slug}/orders/")
    card = merchant.locator(f"#order-card-{order.pk}")
    card.get_by_role("button", name="Accept").click()
    expect(shopper.locator(".status-line .badge")).to_have_text("Accepted")
    merchant.locator(f"#order-card-{order.pk}").get_by_role("button", name="Ready for pick-up").click()
    expect(merchant.locator('.cards[data-column="on_the_way"]').locator(f"#order-card-{order.pk}")).to_be_visible()

    expect(shopper.locator(".status-line .badge")).to_have_text("Ready for pick-up")
    assert shopper.evaluate("window.stayedOpen") is True
    shopper.screenshot(path="/tmp/journey-shopper.png", full_page=True)
    merchant.screenshot(path="/tmp/journey-merchant.png", full_page=True)
