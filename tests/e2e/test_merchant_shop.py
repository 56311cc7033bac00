"""A merchant creates a shop, adds a location with opening hours and sees it on the dashboard;
staff adjust stock in place on the stock page."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from plaza.shops.models import Location, Shop, StaffRole
from tests.factories import LocationFactory, MembershipFactory, StockFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = "/tmp"


def sign_in(page, live_url: str, user=None) -> None:
    user = user or UserFactory()
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": live_url}])


def test_merchant_creates_a_shop_with_a_location_and_hours(live_url, page):
    sign_in(page, live_url)

    page.goto(f"{live_url}/merchant/")
    page.get_by_label("Shop name").fill("Fromagerie Martin")
    page.get_by_label("Kind of shop").select_option("food")
    page.get_by_role("button", name="Create the shop").click()
    page.wait_for_url(f"{live_url}/merchant/fromagerie-martin/")
    expect(page.get_by_role("heading", name="Fromagerie Martin")).to_be_visible()

    page.get_by_role("link", name="Add a location").click()
    page.get_by_label("Name").fill("Halles Paul Bocuse")
    page.get_by_label("Address").fill("102 Cours Lafayette")
    page.get_by_label("City").fill("Lyon")
    page.get_by_label("Latitude").fill("45.7628")
    page.get_by_label("Longitude").fill("4.8506")
    page.get_by_role("button", name="Add the location").click()
    page.wait_for_url(f"{live_url}/merchant/fromagerie-martin/locations/*/")

    for day in ("Monday", "Tuesday"):
        page.get_by_label(f"{day}, period 1, opens").fill("09:00")
        page.get_by_label(f"{day}, period 1, closes").fill("12:30")
        page.get_by_label(f"{day}, period 2, opens").fill("14:00")
        page.get_by_label(f"{day}, period 2, closes").fill("19:00")
    page.get_by_role("button", name="Save opening hours").click()
    expect(page.get_by_text("Opening hours saved.")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOT_DIR}/merchant-location.png", full_page=True)

    page.get_by_role("link", name="Dashboard").click()
    locations = page.get_by_role("region", name="Locations")
    expect(locations.get_by_text("Halles Paul Bocuse")).to_be_visible()
    expect(locations.get_by_text("102 Cours Lafayette, Lyon")).to_be_visible()
    page.screenshot(path=f"{SCREENSHOT_DIR}/merchant-dashboard.png", full_page=True)

    page.get_by_role("link", name="Locations").click()
    expect(page.get_by_text("9:00–12:30, 14:00–19:00").first).to_be_visible()

    location = Location.objects.get(shop=Shop.objects.get(slug="fromagerie-martin"))
    assert location.opening_hours.count() == 4
    assert location.h3_cell


def test_staff_adjust_a_stock_row_in_place(live_url, page):
    membership = MembershipFactory(role=StaffRole.STAFF)
    location = LocationFactory(shop=membership.shop, name="Centre")
    stock = StockFactory(
        variant=VariantFactory(product__shop=membership.shop, product__title="Comté 18 months", sku="CMT-18"),
        location=location,
        quantity=2,
    )
    sign_in(page, live_url, membership.user)

    page.goto(f"{live_url}/merchant/{membership.shop.slug}/stock/")
    row = page.locator(f"#stock-{stock.pk}")
    row.get_by_label("Change in units").fill("-5")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#stock-{stock.pk}").get_by_text("would make stock negative")).to_be_visible()

    row = page.locator(f"#stock-{stock.pk}")
    row.get_by_label("Change in units").fill("10")
    row.get_by_label("Note").fill("Delivery from the farm")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#stock-{stock.pk}").get_by_text("Saved.")).to_be_visible()
    expect(page.locator(f"#stock-{stock.pk} td[data-label='On hand']")).to_have_text("12")
    page.screenshot(path=f"{SCREENSHOT_DIR}/merchant-stock.png", full_page=True)
    stock.refresh_from_db()
    assert stock.quantity == 12
