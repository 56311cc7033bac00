"""In Chromium: the shopper cancels from the order page, the merchant's live board moves the
card to Done, and the Done column leads to the finished orders."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from plaza.orders.models import OrderStatus
from plaza.shops.models import StaffRole
from tests.e2e.conftest import browser, live_url  # noqa: F401  (Chromium and a real server)
from tests.factories import UserFactory
from tests.orders.factories import member, paid_order

pytestmark = pytest.mark.browser


def signed_in_page(browser, live_url, user, viewport):  # noqa: F811
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}])
    return context.new_page()


def test_the_shopper_cancels_and_the_board_follows_live(live_url, browser):  # noqa: F811
    shopper = UserFactory()
    order = paid_order(customer=shopper)
    owner = member(order.shop, StaffRole.OWNER)

    merchant = signed_in_page(browser, live_url, owner, {"width": 1280, "height": 900})
    merchant.goto(f"{live_url}/merchant/{order.shop.slug}/orders/")
    expect(merchant.locator("#live-state")).to_have_text("Live: updates appear by themselves.")
    expect(merchant.locator('.cards[data-column="new"]').locator(f"#order-card-{order.pk}")).to_be_visible()
    expect(merchant.locator(".see-all")).to_have_count(0)

    page = signed_in_page(browser, live_url, shopper, {"width": 412, "height": 915})
    page.goto(f"{live_url}/orders/{order.token}/")
    confirm = page.get_by_role("button", name="Yes, cancel my order")
    expect(confirm).to_be_hidden()
    page.get_by_text("Cancel order", exact=True).click()
    page.get_by_label("Why are you cancelling?").fill("Bought it elsewhere")
    page.screenshot(path="/tmp/plaza-order-cancel-confirm.png", full_page=True)
    confirm.click()

    expect(page.get_by_text(f"Order {order.number} is cancelled.")).to_be_visible()
    expect(page.locator(".status-line .badge")).to_have_text("Cancelled")
    expect(page.get_by_text("Cancelled by the customer: Bought it elsewhere")).to_be_visible()
    expect(page.get_by_text("Cancel order", exact=True)).to_have_count(0)
    page.screenshot(path="/tmp/plaza-order-cancelled.png", full_page=True)

    expect(merchant.locator('.cards[data-column="done"]').locator(f"#order-card-{order.pk}")).to_be_visible()
    merchant.reload()
    merchant.screenshot(path="/tmp/plaza-board-see-all.png", full_page=True)
    merchant.get_by_role("link", name="See 1 finished order").click()
    expect(merchant.get_by_role("heading", name="Finished orders")).to_be_visible()
    row = merchant.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name=order.number)).to_be_visible()
    expect(row.locator(f".badge.status-{OrderStatus.CANCELLED}")).to_have_text("Cancelled")
    merchant.screenshot(path="/tmp/plaza-finished-orders.png", full_page=True)
