"""Product pages read what every visitor shares from the cache, and show each change at once."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plaza.catalog import services as catalog
from plaza.catalog.models import ProductStatus
from plaza.shops import services as shops
from plaza.shops.models import StaffRole
from tests.catalog.conftest import image_bytes
from tests.factories import MembershipFactory


@pytest.fixture
def owner(town):
    return MembershipFactory(shop=town.bakery, role=StaffRole.OWNER).user


@pytest.fixture
def sourdough(town):
    return town.products["sourdough"]


def page_url(product) -> str:
    return f"/shops/{product.shop.slug}/products/{product.handle}/"


def visit(client, product):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(product))
    return response, [query["sql"] for query in queries.captured_queries]


def test_a_second_visit_reads_the_product_and_the_shops_hours_from_the_cache(client, sourdough):
    first, first_sql = visit(client, sourdough)
    second, second_sql = visit(client, sourdough)
    assert first.status_code == second.status_code == 200
    assert b"Sourdough Loaf" in second.content
    cached_tables = ("catalog_productimage", "catalog_variant\".\"sku", "shops_openinghours", "shops_hoursexception")
    for table in cached_tables:
        assert any(table in sql for sql in first_sql), table
        assert not any(table in sql for sql in second_sql), table
    assert len(second_sql) < len(first_sql)


def change_title(owner, product):
    catalog.update_product(user=owner, product=product, title="Seeded Rye Loaf")
    return "Seeded Rye Loaf"


def change_price(owner, product):
    catalog.update_variant(user=owner, variant=product.variants.get(), price=Decimal("6.75"))
    return "6.75"


def add_image(owner, product):
    upload = SimpleUploadedFile("loaf.png", image_bytes(), content_type="image/png")
    catalog.add_image(user=owner, product=product, upload=upload, alt_text="Crust close-up")
    return "Crust close-up"


def rename_shop(owner, product):
    shops.update_shop(user=owner, shop=product.shop, name="Boulangerie du Plateau")
    return "Boulangerie du Plateau"


def rename_location(owner, product):
    location = product.shop.locations.get()
    shops.update_location(user=owner, location=location, name="Rue d'Austerlitz")
    return "Rue d&#x27;Austerlitz"


def close_all_week(owner, product):
    shops.replace_weekly_hours(user=owner, location=product.shop.locations.get(), intervals=[])
    return "Closed"


@pytest.mark.parametrize(
    "change", [change_title, change_price, add_image, rename_shop, rename_location, close_all_week]
)
def test_a_change_shows_on_the_next_visit(client, owner, sourdough, change, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before, _ = visit(client, sourdough)
    with django_capture_on_commit_callbacks(execute=True):
        expected = change(owner, sourdough)
    assert expected not in before.content.decode()
    after, _ = visit(client, sourdough)
    assert after.status_code == 200
    assert expected in after.content.decode()


def test_an_unpublished_product_is_gone_on_the_next_visit(client, owner, sourdough, django_capture_on_commit_callbacks):
    assert visit(client, sourdough)[0].status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        catalog.update_product(user=owner, product=sourdough, status=ProductStatus.DRAFT)
    assert visit(client, sourdough)[0].status_code == 404


def test_a_deleted_product_is_gone_on_the_next_visit(client, owner, town, django_capture_on_commit_callbacks):
    cake = town.products["chocolate_bar"]
    assert visit(client, cake)[0].status_code == 200
    url = page_url(cake)
    with django_capture_on_commit_callbacks(execute=True):
        catalog.delete_product(user=owner, product=cake)
    assert client.get(url).status_code == 404
