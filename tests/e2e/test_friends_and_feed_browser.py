"""Ana finds Ben by name and asks him to be friends; Ben accepts; Ana shares a product with her
friends; it is in Ben's feed, where he reacts, and not in a stranger's."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import signed_in_page
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.browser


def test_befriend_share_and_react_in_two_browsers(live_url, browser):
    ana, ben, dan = (UserFactory(display_name=name) for name in ("Ana Lima", "Ben Roy", "Dan Stranger"))
    product = ProductFactory(title="Copper kettle")
    as_ana, as_ben = signed_in_page(browser, live_url, ana), signed_in_page(browser, live_url, ben)

    as_ana.goto(f"{live_url}/friends/")
    as_ana.get_by_label("Name or e-mail address").fill("Ben")
    as_ana.get_by_role("button", name="Find").click()
    as_ana.get_by_role("button", name="Add friend").click()
    expect(as_ana.get_by_text("Friend request sent.")).to_be_visible()

    as_ben.goto(f"{live_url}/friends/")
    as_ben.get_by_role("button", name="Accept").click()
    expect(as_ben.get_by_text("You are friends now.")).to_be_visible()
    expect(as_ben.locator(".people").get_by_text("Ana Lima")).to_be_visible()

    as_ana.goto(f"{live_url}/shops/{product.shop.slug}/products/{product.handle}/")
    as_ana.get_by_role("link", name="Share").click()
    as_ana.get_by_label("Say something (optional)").fill("For the new flat?")
    as_ana.get_by_role("button", name="Share").click()
    expect(as_ana.get_by_text("Shared.")).to_be_visible()

    as_ben.goto(f"{live_url}/feed/")
    card = as_ben.locator(".feed-item").first
    expect(card).to_contain_text("Ana Lima shared a product from")
    expect(card).to_contain_text("For the new flat?")
    expect(card).to_contain_text("Copper kettle")
    card.get_by_role("button", name="Love").click()
    expect(card.get_by_role("button", name="Love")).to_have_attribute("aria-pressed", "true")
    as_ben.screenshot(path="/tmp/feed-browser.png", full_page=True)

    as_dan = signed_in_page(browser, live_url, dan)
    as_dan.goto(f"{live_url}/feed/")
    expect(as_dan.get_by_role("heading", name="Nothing here yet")).to_be_visible()
