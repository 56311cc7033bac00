"""Ana asks her circle about a product with a poll; Ben, in the circle, votes; Ana's open page shows
the vote without a reload; Cleo, a friend outside the circle, gets a 404 page."""

import re

import pytest
from playwright.sync_api import expect

from tests.asks.conftest import make_circle
from tests.e2e.helpers import in_a_worker, signed_in_page

pytestmark = pytest.mark.browser


def test_a_circle_member_votes_and_the_asker_sees_it_live_and_an_outsider_gets_a_404(live_url, browser):
    c = in_a_worker(make_circle)
    ana = signed_in_page(browser, live_url, c.ana)
    ana.goto(f"{live_url}/shops/{c.product.shop.slug}/products/{c.product.handle}/")
    ana.get_by_role("link", name="Ask my circle").click()

    ana.get_by_label("Your question").fill("Which colour for the wedding?")
    expect(ana.get_by_label("Option 1", exact=True)).to_have_value("Red")
    expect(ana.get_by_label("Option 2", exact=True)).to_have_value("Blue")
    expect(ana.get_by_label("A circle:")).to_be_checked()
    ana.get_by_role("button", name="Ask", exact=True).click()

    expect(ana.get_by_role("heading", name="Which colour for the wedding?")).to_be_visible()
    expect(ana.locator("#live-state")).to_have_text("Live: votes and answers appear by themselves.")
    ask_url = ana.url
    assert re.search(r"/asks/\d+/$", ask_url)
    # A page that reloads loses this; the assertion at the end proves it stayed.
    ana.evaluate("window.stayedOpen = true")
    blue_on_ana = ana.locator(".poll-option", has_text="Blue").locator("[data-votes]")
    expect(blue_on_ana).to_have_text("0 votes · 0%")

    ben = signed_in_page(browser, live_url, c.ben)
    ben.goto(ask_url)
    ben.get_by_role("button", name="Blue").click()
    expect(ben.locator(".poll-option", has_text="Blue").locator("[data-votes]")).to_have_text("1 vote · 100%")

    expect(blue_on_ana).to_have_text("1 vote · 100%")
    expect(ana.locator("[data-total-votes]")).to_have_text("1 vote")
    assert ana.evaluate("window.stayedOpen") is True

    cleo = signed_in_page(browser, live_url, c.cleo)
    response = cleo.goto(ask_url)
    assert response.status == 404
    expect(cleo.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(cleo.get_by_text("Which colour for the wedding?")).to_have_count(0)

    ana.screenshot(path="/tmp/asks-ask-page.png", full_page=True)
