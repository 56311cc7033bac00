"""A shopper finds a product from the home page, picks a variant and watches its stock move."""

import threading
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plaza.catalog.models import ProductStatus
from plaza.inventory import services as stock_services
from plaza.inventory.models import MovementReason
from plaza.search.services import rebuild_index
from tests.factories import ProductFactory, StockFactory, VariantFactory
from tests.storefront.town import build_town, category

pytestmark = pytest.mark.browser
SCREENSHOTS = "/tmp/storefront-{}.png"


@pytest.fixture
def shirt(live_url):
    town = build_town()
    shirt = ProductFactory(
        shop=town.books,
        title="Linen Shirt",
        handle="linen-shirt",
        option1_name="Size",
        status=ProductStatus.PUBLISHED,
        min_price=Decimal("25.00"),
        category=category("Apparel > Shirts"),
        description_html="<p>Washed linen, <strong>cut in Lyon</strong>.</p>",
    )
    small = VariantFactory(product=shirt, option1="S", price=Decimal("25.00"), position=1)
    VariantFactory(product=shirt, option1="M", price=Decimal("25.00"), position=2)
    large = VariantFactory(product=shirt, option1="L", price=Decimal("29.00"), compare_at_price=Decimal("35.00"), position=3)
    centre, croix_rousse = town.locations["books"], town.locations["bakery"]
    croix_rousse_books = type(centre).objects.create(
        shop=town.books, name="Croix-Rousse", address="3 Grande Rue", city="Lyon", postcode="69004",
        latitude=croix_rousse.latitude, longitude=croix_rousse.longitude,
    )
    StockFactory(variant=small, location=centre, quantity=3)
    StockFactory(variant=large, location=centre, quantity=4)
    StockFactory(variant=large, location=croix_rousse_books, quantity=1)
    rebuild_index()
    return town, shirt, large, centre


def test_shopper_searches_picks_a_variant_and_sees_live_stock(live_url, page, shirt):
    town, product, large, centre = shirt
    page.goto(live_url + "/")
    expect(page.get_by_role("heading", name="Shops near you")).to_be_visible()
    page.screenshot(path=SCREENSHOTS.format("home"), full_page=True)

    page.get_by_label("Search products and shops").fill("linen")
    page.get_by_label("Search products and shops").press("Enter")
    expect(page.get_by_role("heading", name="1 product for “linen”")).to_be_visible()
    page.screenshot(path=SCREENSHOTS.format("search"), full_page=True)

    page.get_by_role("link", name="Linen Shirt").click()
    expect(page.get_by_role("heading", level=1, name="Linen Shirt")).to_be_visible()
    stock = page.locator("[data-stock-list]")
    expect(page.locator("[data-price]")).to_have_text("€25.00")
    expect(stock).to_contain_text("3 left at Centre")
    expect(stock).to_contain_text("Out of stock at Croix-Rousse")

    page.get_by_label("Size").select_option("L")
    expect(page.locator("[data-price]")).to_have_text("€29.00")
    expect(page.locator("[data-compare]")).to_have_text("€35.00")
    expect(stock).to_contain_text("4 left at Centre · 50 m · open")
    expect(stock).to_contain_text("1 left at Croix-Rousse · 1.2 km · closed")
    expect(page.locator("#variant-select")).to_have_value(str(large.pk))

    page.get_by_label("Size").select_option("M")
    expect(page.locator("[data-availability]")).to_have_text("Out of stock everywhere")
    expect(page.get_by_role("button", name="Add to cart")).to_be_disabled()
    page.get_by_label("Size").select_option("L")

    # Stock moves elsewhere (a worker thread, as in production: Playwright's loop owns this
    # one) and the open page hears of it through its socket, without a reload.
    expect(page.locator("[data-product-page]")).to_have_attribute("data-live", "socket")
    worker = threading.Thread(
        target=stock_services.adjust_stock,
        kwargs={"variant": large, "location": centre, "delta": -3, "reason": MovementReason.DAMAGED},
    )
    worker.start()
    worker.join()
    expect(stock).to_contain_text("1 left at Centre")
    page.screenshot(path=SCREENSHOTS.format("product"), full_page=True)

    page.get_by_role("link", name="Librairie du Centre").click()
    expect(page.get_by_role("heading", level=1, name="Librairie du Centre")).to_be_visible()
    page.get_by_text("Opening hours").first.click()
    page.screenshot(path=SCREENSHOTS.format("shop"), full_page=True)


def test_use_my_location_moves_the_shopper(live_url, browser, shirt):
    context = browser.new_context(
        viewport={"width": 412, "height": 915}, geolocation={"latitude": 48.8566, "longitude": 2.3522}, permissions=["geolocation"]
    )
    page = context.new_page()
    page.goto(live_url + "/")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url("**lat=48.85660**")
    expect(page.locator(".near-now")).to_contain_text("Near your location")
    expect(page.locator(".scard-name")).to_have_text(["Paris Chocolatier"])
    context.close()
