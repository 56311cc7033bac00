"""factory-boy factories shared by every test package."""

from datetime import time
from decimal import Decimal

import factory
from django.utils.text import slugify

from plaza.accounts.models import User
from plaza.catalog.models import Product, ProductStatus, Variant
from plaza.inventory.models import Stock
from plaza.shops.models import MIDNIGHT, Location, OpeningHours, Shop, ShopMembership, StaffRole

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    name = factory.Sequence(lambda n: f"Shop {n}")
    slug = factory.LazyAttribute(lambda shop: slugify(shop.name))
    currency = "EUR"
    tax_rate_percent = Decimal("20.00")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopMembership

    shop = factory.SubFactory(ShopFactory)
    user = factory.SubFactory(UserFactory)
    role = StaffRole.OWNER


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    shop = factory.SubFactory(ShopFactory)
    name = factory.Sequence(lambda n: f"Branch {n}")
    address = "1 Rue de la République"
    city = "Lyon"
    postcode = "69001"
    latitude = 45.7640
    longitude = 4.8357
    pickup_enabled = True
    delivery_enabled = True
    delivery_radius_km = Decimal("5.00")
    delivery_fee = Decimal("4.90")
    shipping_enabled = True
    shipping_fee = Decimal("6.90")


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    location = factory.SubFactory(LocationFactory)
    weekday = 0
    opens = time(9, 0)
    closes = time(19, 0)


def open_all_week(location: Location) -> Location:
    """Open around the clock, so a test needing an open shop passes at any hour."""
    for weekday in range(7):
        OpeningHoursFactory(location=location, weekday=weekday, opens=MIDNIGHT, closes=MIDNIGHT)
    return location


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    handle = factory.LazyAttribute(lambda product: slugify(product.title))
    status = ProductStatus.PUBLISHED
    min_price = Decimal("10.00")


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    option1 = factory.Sequence(lambda n: f"Option {n}")
    price = Decimal("10.00")


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    variant = factory.SubFactory(VariantFactory)
    location = factory.LazyAttribute(lambda stock: LocationFactory(shop=stock.variant.product.shop))
    quantity = 10
