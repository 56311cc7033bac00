"""The merchant moves an order on the live board; the shopper's open order page follows without a reload."""

import pytest
from playwright.sync_api import expect

from plaza.orders import services
from plaza.orders.models import OrderStatus
from plaza.shops.models import StaffRole
from tests.e2e.helpers import in_a_worker, signed_in_context
from tests.orders.factories import add_line, member, paid_order

pytestmark = pytest.mark.browser

# The board's columns side by side.
DESKTOP = {"width": 1280, "height": 900}


def test_accept_then_ready_moves_the_card_and_updates_the_shoppers_page_live(live_url, browser):
    order = paid_order(customer_name="Camille Martin")
    owner = member(order.shop, StaffRole.OWNER)

    shopper = browser.new_context(viewport={"width": 412, "height": 915}).new_page()
    shopper.goto(f"{live_url}/orders/{order.token}/?placed=1")
    expect(shopper.get_by_role("heading", name="Thank you for your order!")).to_be_visible()
    expect(shopper.locator(".status-line .badge")).to_have_text("New")
    # A page that reloads loses this; the assertions at the end prove it stayed.
    shopper.evaluate("window.stayedOpen = true")

    merchant = signed_in_context(browser, live_url, owner, viewport=DESKTOP).new_page()
    merchant.goto(f"{live_url}/merchant/{order.shop.slug}/orders/")
    expect(merchant.locator("#live-state")).to_have_text("Live: updates appear by themselves.")
    merchant.evaluate("window.stayedOpen = true")
    card = merchant.locator(f"#order-card-{order.pk}")
    expect(card).to_have_attribute("data-column", "new")
    expect(merchant.locator('.cards[data-column="new"]').locator(f"#order-card-{order.pk}")).to_be_visible()

    merchant.locator(f"#order-card-{order.pk}").get_by_role("button", name="Accept").click()
    expect(merchant.locator('.cards[data-column="accepted"]').locator(f"#order-card-{order.pk}")).to_be_visible()
    expect(shopper.locator(".status-line .badge")).to_have_text("Accepted")

    merchant.locator(f"#order-card-{order.pk}").get_by_role("button", name="Ready for pick-up").click()
    expect(merchant.locator('.cards[data-column="on_the_way"]').locator(f"#order-card-{order.pk}")).to_be_visible()
    expect(shopper.locator(".status-line .badge")).to_have_text("Ready for pick-up")
    expect(shopper.get_by_text("Your order is ready.")).to_be_visible()
    assert shopper.evaluate("window.stayedOpen") is True
    assert merchant.evaluate("window.stayedOpen") is True

    # A new order shows up on the open board by itself.
    newcomer = paid_order(status=OrderStatus.PENDING_PAYMENT, location=order.location, customer_name="Noé Bernard")
    add_line(newcomer, quantity=1)
    in_a_worker(lambda: services.change_status(newcomer, OrderStatus.NEW))
    expect(merchant.locator('.cards[data-column="new"]').locator(f"#order-card-{newcomer.pk}")).to_be_visible()
    expect(merchant.locator('[data-count-for="new"]')).to_have_text("1")

    merchant.screenshot(path="/tmp/orders-board.png", full_page=True)
    shopper.screenshot(path="/tmp/orders-order-page.png", full_page=True)


def test_cancelling_from_the_dialog_moves_the_card_to_done(live_url, browser):
    order = paid_order()
    staff = member(order.shop, StaffRole.STAFF)
    merchant = signed_in_context(browser, live_url, staff, viewport=DESKTOP).new_page()
    merchant.goto(f"{live_url}/merchant/{order.shop.slug}/orders/")

    card = merchant.locator(f"#order-card-{order.pk}")
    card.get_by_role("button", name="Cancel…").click()
    dialog = merchant.get_by_role("dialog", name=f"Cancel order {order.number}")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Reason (the customer will read it)").fill("Out of stock after all")
    dialog.get_by_role("button", name="Cancel the order").click()

    expect(merchant.locator('.cards[data-column="done"]').locator(f"#order-card-{order.pk}")).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    merchant.screenshot(path="/tmp/orders-board-after-cancel.png", full_page=True)


def test_a_wrong_pick_up_code_is_shown_on_the_card_which_stays_ready_and_actionable(live_url, browser):
    order = paid_order(status=OrderStatus.READY_FOR_PICKUP)
    staff = member(order.shop, StaffRole.STAFF)
    merchant = signed_in_context(browser, live_url, staff, viewport=DESKTOP).new_page()
    merchant.goto(f"{live_url}/merchant/{order.shop.slug}/orders/")
    ready = merchant.locator('.cards[data-column="on_the_way"]')

    ready.locator(f"#order-card-{order.pk}").get_by_role("button", name="Hand over…").click()
    dialog = merchant.get_by_role("dialog", name=f"Hand over order {order.number}")
    dialog.get_by_label("Pick-up code").fill("000000")
    dialog.get_by_role("button", name="Complete").click()

    dialog = merchant.get_by_role("dialog", name=f"Hand over order {order.number}")
    expect(dialog.get_by_text("Ask the customer for the 6-digit code.")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    card = ready.locator(f"#order-card-{order.pk}")
    expect(card.get_by_role("alert")).to_have_text("That pick-up code does not match this order.")
    expect(card.locator(".badge")).to_have_text("Ready for pick-up")
    expect(card.get_by_role("button", name="Hand over…")).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.READY_FOR_PICKUP

    card.get_by_role("button", name="Hand over…").click()
    dialog = merchant.get_by_role("dialog", name=f"Hand over order {order.number}")
    dialog.get_by_label("Pick-up code").fill(order.pickup_code)
    dialog.get_by_role("button", name="Complete").click()
    expect(merchant.locator('.cards[data-column="done"]').locator(f"#order-card-{order.pk}")).to_be_visible()
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
