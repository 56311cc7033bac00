"""A merchant adds a third opening period and opens a day around the clock, with htmx and
without JavaScript; the page is checked on a phone-sized viewport."""

from datetime import time

import pytest
from playwright.sync_api import expect

from plaza.shops.models import MIDNIGHT, StaffRole
from tests.e2e.test_merchant_shop import SCREENSHOT_DIR, sign_in
from tests.factories import LocationFactory, MembershipFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def merchant_location(transactional_db):
    membership = MembershipFactory(role=StaffRole.OWNER)
    return membership, LocationFactory(shop=membership.shop, name="Centre")


def location_url(live_url, location) -> str:
    return f"{live_url}/merchant/{location.shop.slug}/locations/{location.pk}/"


def test_add_a_period_and_open_24_hours_with_htmx(live_url, page, merchant_location):
    membership, location = merchant_location
    sign_in(page, live_url, membership.user)
    page.goto(location_url(live_url, location))
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("window.notReloaded = true")

    page.get_by_label("Saturday, period 1, opens").fill("08:00")
    page.get_by_label("Saturday, period 1, closes").fill("11:00")
    page.get_by_label("Saturday, period 2, opens").fill("12:00")
    page.get_by_label("Saturday, period 2, closes").fill("15:00")
    page.get_by_role("button", name="Add a period").click()

    third = page.get_by_label("Saturday, period 3, opens")
    expect(third).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Each day now has 3 periods")
    # Swapped in place, not reloaded: the typed values stayed and Monday's new period has the focus.
    expect(page.get_by_label("Saturday, period 2, closes")).to_have_value("15:00")
    expect(page.get_by_label("Monday, period 3, opens")).to_be_focused()
    assert page.evaluate("window.notReloaded === true")
    third.fill("17:00")
    page.get_by_label("Saturday, period 3, closes").fill("20:00")
    page.get_by_label("Friday, period 1, opens").fill("22:00")
    page.get_by_label("Friday, period 1, closes").fill("00:00")

    page.get_by_role("button", name="Open 24 hours on Sunday").click()
    expect(page.get_by_label("Sunday, period 1, opens")).to_have_value("00:00")
    expect(page.get_by_label("Sunday, period 1, closes")).to_have_value("00:00")
    expect(page.get_by_role("button", name="Open 24 hours on Sunday")).to_be_focused()
    expect(page.get_by_label("Saturday, period 3, closes")).to_have_value("20:00")
    assert page.evaluate("window.notReloaded === true")
    assert not location.opening_hours.exists()

    # Enter in a time field saves (the first "Open 24 hours" button is not the default).
    page.get_by_label("Saturday, period 3, closes").press("Enter")
    expect(page.get_by_text("Opening hours saved.")).to_be_visible()
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [
        (4, time(22), MIDNIGHT),
        (5, time(8), time(11)),
        (5, time(12), time(15)),
        (5, time(17), time(20)),
        (6, MIDNIGHT, MIDNIGHT),
    ]
    periods = page.locator("fieldset", has_text="Friday")
    expect(periods.get_by_text("until midnight")).to_be_visible()
    expect(page.locator("fieldset", has_text="Sunday").get_by_text("open 24 hours", exact=True)).to_be_visible()
    page.screenshot(path=f"{SCREENSHOT_DIR}/merchant-location-hours.png", full_page=True)


def test_add_a_period_without_javascript(live_url, browser, merchant_location):
    membership, location = merchant_location
    context = browser.new_context(viewport={"width": 412, "height": 915}, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_url, membership.user)
        page.goto(location_url(live_url, location))
        page.get_by_label("Monday, period 1, opens").fill("09:00")
        page.get_by_role("button", name="Add a period").click()
        page.wait_for_url("**/hours/")
        expect(page.get_by_label("Monday, period 3, opens")).to_be_visible()
        expect(page.get_by_label("Monday, period 1, opens")).to_have_value("09:00")
        page.get_by_label("Monday, period 1, closes").fill("12:00")
        page.get_by_label("Monday, period 3, opens").fill("18:00")
        page.get_by_label("Monday, period 3, closes").fill("21:00")
        page.get_by_role("button", name="Save opening hours").click()
        expect(page.get_by_text("Opening hours saved.")).to_be_visible()
        assert list(location.opening_hours.values_list("opens", "closes")) == [(time(9), time(12)), (time(18), time(21))]
    finally:
        context.close()
