"""What the product page's script and pictures show: prices as the server writes them, and a
placeholder that loads for an imported product whose images were never downloaded."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from plaza.catalog import services
from plaza.catalog.models import ProductStatus
from plaza.core.money import format_money
from tests.catalog.conftest import SAMPLE_CSV, csv_upload
from tests.factories import LocationFactory, MembershipFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.browser
SCREENSHOTS = "/tmp/prices-{}.png"


@pytest.mark.parametrize("currency", ["GBP", "CHF"])
def test_picking_a_variant_shows_the_price_as_every_page_writes_it(live_url, page, currency):
    product = ProductFactory(
        shop__currency=currency, title="Oak Table", handle="oak-table", option1_name="Size",
        status=ProductStatus.PUBLISHED, min_price=Decimal("899.50"),
    )
    VariantFactory(product=product, option1="Small", price=Decimal("899.50"), position=1)
    VariantFactory(product=product, option1="Large", price=Decimal("1250.00"), compare_at_price=Decimal("1400.00"), position=2)
    page.goto(f"{live_url}/shops/{product.shop.slug}/products/{product.handle}/")

    price, compare = page.locator("[data-price]"), page.locator("[data-compare]")
    expect(price).to_have_text(format_money(Decimal("899.50"), currency))
    expect(compare).to_be_hidden()
    page.get_by_label("Size").select_option("Large")
    expect(price).to_have_text(format_money(Decimal("1250.00"), currency))
    expect(compare).to_have_text(format_money(Decimal("1400.00"), currency))
    page.screenshot(path=SCREENSHOTS.format(currency), full_page=True)
    page.get_by_label("Size").select_option("Small")
    expect(price).to_have_text(format_money(Decimal("899.50"), currency))
    expect(compare).to_be_hidden()


def test_imported_products_show_a_placeholder_that_loads(live_url, page, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    membership = MembershipFactory()
    shop = membership.shop
    LocationFactory(shop=shop)
    job = services.create_import_job(user=membership.user, shop=shop, upload=csv_upload(SAMPLE_CSV.read_bytes()))
    services.run_import_job(job.pk)
    client = Client()
    client.force_login(membership.user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}])

    for name, path in [("shop", f"/shops/{shop.slug}/"), ("product", f"/shops/{shop.slug}/products/example-shirt/"),
                       ("catalog", f"/merchant/{shop.slug}/catalog/")]:
        page.goto(live_url + path)
        placeholder = page.get_by_role("img", name="Example T-Shirt").first
        expect(placeholder).to_be_visible()
        assert placeholder.evaluate("image => image.complete && image.naturalWidth > 0"), name
        page.screenshot(path=SCREENSHOTS.format(f"imported-{name}"), full_page=True)
