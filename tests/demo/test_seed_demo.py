"""The demo town seed: what `make demo` shows a first-time visitor, and what benchmarks run on."""

import io
import math
from datetime import date

import h3
import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Min
from django.test import Client

from plaza.accounts.models import User
from plaza.catalog.models import Product, ProductImage, ProductStatus, Variant
from plaza.demo.services import DEMO_PASSWORD, HOURS_PATTERNS, next_public_holiday, shelf_price, town_size
from plaza.demo.vocabulary import KINDS
from plaza.inventory.models import Stock
from plaza.shops.models import HoursException, Location, OpeningHours, Shop, ShopMembership, StaffRole

pytestmark = pytest.mark.django_db

# ~7 shops, 100 products, 10 shoppers: every code path, in well under a second.
SMALL = 0.05


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", scale=SMALL, stdout=out, **options)
    return out.getvalue()


def distance_km(latitude_a, longitude_a, latitude_b, longitude_b) -> float:
    dlat, dlng = math.radians(latitude_b - latitude_a), math.radians(longitude_b - longitude_a)
    a = math.sin(dlat / 2) ** 2 + math.cos(math.radians(latitude_a)) * math.cos(math.radians(latitude_b)) * math.sin(
        dlng / 2
    ) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def test_seeds_the_planned_town_and_prints_logins_that_work():
    output = seed()

    shops, products, shoppers = town_size(SMALL)
    assert Shop.objects.count() == shops
    assert Product.objects.count() == products
    assert User.objects.filter(email__startswith="shopper").count() == shoppers
    assert f"password: {DEMO_PASSWORD}" in output
    for email in ("owner@plaza.test", "staff@plaza.test", "shopper@plaza.test", "admin@plaza.test"):
        assert email in output
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        assert client.session.get("_auth_user_id") == str(User.objects.get(email=email).pk)
    first_shop = Shop.objects.order_by("pk").first()
    assert ShopMembership.objects.filter(shop=first_shop, user__email="owner@plaza.test", role=StaffRole.OWNER).exists()
    assert ShopMembership.objects.filter(shop=first_shop, user__email="staff@plaza.test", role=StaffRole.STAFF).exists()
    assert not User.objects.get(email="shopper@plaza.test").shop_memberships.exists()


def test_catalog_keeps_the_invariants_the_services_keep():
    seed()

    assert not Product.objects.exclude(status=ProductStatus.PUBLISHED).exists()
    cheapest = Product.objects.annotate(cheapest=Min("variants__price"))
    assert all(product.min_price == product.cheapest for product in cheapest)
    assert not Product.objects.annotate(variant_count=Count("variants")).filter(variant_count=0).exists()
    for variant in Variant.objects.select_related("product"):
        if variant.compare_at_price is not None:
            assert variant.compare_at_price > variant.price
        values = [value for value in (variant.option1, variant.option2, variant.option3) if value]
        assert len(values) == len(variant.product.option_names) >= 1
    for product in Product.objects.select_related("shop", "category"):
        assert product.category.full_path.startswith(KINDS[product.shop.kind].category_root + " > ")
    assert Variant.objects.values("sku").distinct().count() == Variant.objects.count()


def test_stock_sits_at_one_to_three_of_the_shops_own_locations():
    seed()

    assert not Stock.objects.filter(reserved__lt=0).exists()
    assert all(stock.quantity >= stock.reserved for stock in Stock.objects.all())
    for product in Product.objects.prefetch_related("variants__stocks__location"):
        locations_per_variant = {
            variant.pk: {stock.location for stock in variant.stocks.all()} for variant in product.variants.all()
        }
        locations = set().union(*locations_per_variant.values())
        assert 1 <= len(locations) <= 3
        assert all(location.shop_id == product.shop_id for location in locations)
        # Every variant of a product is stocked wherever the product is.
        assert all(variant_locations == locations for variant_locations in locations_per_variant.values())


def test_locations_are_in_town_with_real_hours_and_a_holiday():
    seed()
    town = settings.PLAZA_DEFAULT_LOCATION
    weekly_patterns = [
        {(weekday, opens, closes) for weekday, intervals in pattern.items() for opens, closes in intervals}
        for pattern in HOURS_PATTERNS.values()
    ]

    for shop in Shop.objects.prefetch_related("locations"):
        assert 1 <= shop.locations.count() <= 3
        assert shop.memberships.filter(role=StaffRole.OWNER).count() == 1
    for location in Location.objects.all():
        assert location.h3_cell == h3.latlng_to_cell(location.latitude, location.longitude, 7)
        assert distance_km(town["latitude"], town["longitude"], location.latitude, location.longitude) <= 4.0
        assert location.pickup_enabled
        week = {(hours.weekday, hours.opens, hours.closes) for hours in location.opening_hours.all()}
        assert week in weekly_patterns
    holiday, _ = next_public_holiday(date.today())
    assert HoursException.objects.filter(date=holiday, is_closed=True).count() == Location.objects.count()


def test_weekly_hours_include_sunday_closing_and_lunch_breaks():
    assert any(6 not in pattern for pattern in HOURS_PATTERNS.values())
    assert any(len(intervals) == 2 for pattern in HOURS_PATTERNS.values() for intervals in pattern.values())


def test_every_product_has_an_image_file_from_a_shared_pool():
    seed()

    images = list(ProductImage.objects.all())
    assert len(images) == Product.objects.count()
    paths = {image.image.name for image in images} | {image.thumbnail.name for image in images}
    assert len(paths) < 2 * len(images), "images are shared between products"
    assert all(default_storage.exists(path) for path in paths)
    assert all(default_storage.exists(shop.logo.name) for shop in Shop.objects.all())


def snapshot() -> dict[str, list]:
    """The town by natural keys (ids differ between runs)."""
    return {
        "shops": list(Shop.objects.order_by("slug").values_list("slug", "name", "kind", "description", "phone", "logo")),
        "people": list(User.objects.order_by("email").values_list("email", "display_name")),
        "members": list(ShopMembership.objects.order_by("user__email").values_list("shop__slug", "user__email", "role")),
        "locations": list(
            Location.objects.order_by("shop__slug", "name").values_list(
                "shop__slug", "name", "address", "latitude", "longitude", "delivery_enabled", "shipping_enabled"
            )
        ),
        "hours": list(
            OpeningHours.objects.order_by("location__shop__slug", "location__name", "weekday", "opens").values_list(
                "location__shop__slug", "location__name", "weekday", "opens", "closes"
            )
        ),
        "products": list(
            Product.objects.order_by("shop__slug", "handle").values_list(
                "shop__slug", "handle", "title", "min_price", "category__full_path", "description_html"
            )
        ),
        "tags": sorted(Product.tags.through.objects.values_list("product__handle", "product__shop__slug", "tag__name")),
        "variants": list(
            Variant.objects.order_by("sku").values_list("sku", "option1", "option2", "option3", "price", "compare_at_price")
        ),
        "stock": list(
            Stock.objects.order_by("variant__sku", "location__name").values_list(
                "variant__sku", "location__name", "quantity"
            )
        ),
    }


def empty_the_town() -> None:
    Shop.objects.all().delete()
    User.objects.all().delete()


def test_the_same_seed_gives_the_same_town_and_another_seed_another():
    seed(seed=7)
    first = snapshot()
    empty_the_town()

    seed(seed=7)
    assert snapshot() == first
    empty_the_town()

    seed(seed=8)
    other = snapshot()
    assert other["products"] != first["products"]
    assert other["shops"] != first["shops"]


def test_if_empty_seeds_once_then_does_nothing():
    seed(if_empty=True)
    before = snapshot()

    output = seed(if_empty=True, seed=99)

    assert "already has shops" in output
    assert snapshot() == before


def test_seeding_a_town_that_has_shops_is_refused_and_changes_nothing():
    seed()
    before = snapshot()

    with pytest.raises(CommandError, match="already has shops"):
        seed(seed=99)

    assert snapshot() == before


@pytest.mark.parametrize("scale", ["0", "-1", "nan", "1e9"])
def test_a_scale_out_of_range_is_refused(scale):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--scale", scale, stdout=io.StringIO())
    assert not Shop.objects.exists()


def test_search_finds_the_seeded_products():
    if "rebuild_search_index" not in get_commands():
        pytest.skip("this build has no search index")
    from plaza.search.models import ProductDocument

    seed()

    assert ProductDocument.objects.count() == Product.objects.count()


@pytest.mark.parametrize(
    ("amount", "price"),
    [(3.2, "3.90"), (12.0, "12.90"), (99.99, "99.90"), (101.0, "100.00"), (123.0, "125.00")],
)
def test_prices_look_like_shelf_prices(amount, price):
    assert str(shelf_price(amount)) == price


def test_the_query_planner_knows_the_size_of_the_seeded_catalog():
    seed()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'catalog_product'")
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'catalog_product' LIMIT 1")
        statistics = cursor.fetchone()
    assert statistics is not None
    assert int(str(statistics[0]).split()[0].split(".")[0]) == Product.objects.count()
