"""Social proof: which friends count as having bought or saved something, and "popular nearby"."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from plaza.inventory.models import Stock
from plaza.lists.models import ListItem, ShoppingList
from plaza.orders.models import Order, OrderStatus
from plaza.social import proof, services
from plaza.storefront.geo import Position
from tests.factories import PASSWORD, LocationFactory, ProductFactory, StockFactory, UserFactory, VariantFactory
from tests.orders.factories import OrderFactory, add_line

pytestmark = pytest.mark.django_db


def bought(customer, variant, *, status=OrderStatus.COMPLETED, location=None, email=None) -> Order:
    location = location or LocationFactory(shop=variant.product.shop)
    order = OrderFactory(customer=customer, status=status, location=location, **({"email": email} if email else {}))
    stock = Stock.objects.filter(variant=variant, location=location).first() or StockFactory(variant=variant, location=location)
    add_line(order, stock=stock)
    return order


def saved(owner, product) -> None:
    shopping_list = ShoppingList.objects.create(owner=owner, title="Wishlist")
    ListItem.objects.create(shopping_list=shopping_list, text=product.title, product=product)


@pytest.fixture
def ana_and_friends(people, befriend):
    ana, ben, cleo = people
    befriend(ana, ben)
    befriend(ana, cleo)
    return ana, ben, cleo


def test_friends_purchases_count_only_when_they_opted_in(ana_and_friends):
    ana, ben, cleo = ana_and_friends
    variant = VariantFactory()
    bought(ben, variant)
    bought(cleo, variant)
    services.update_privacy(user=cleo, purchases_visible_to_friends=True)

    seen = proof.friends_on_product(ana, variant.product)

    assert seen.bought == 1 and seen.names == ["Cleo Duval"], "Ben's purchases are private by default"


def test_cancelled_orders_and_strangers_do_not_count(ana_and_friends):
    ana, ben, _ = ana_and_friends
    services.update_privacy(user=ben, purchases_visible_to_friends=True)
    variant = VariantFactory()
    bought(ben, variant, status=OrderStatus.CANCELLED)
    stranger = UserFactory()
    services.update_privacy(user=stranger, purchases_visible_to_friends=True)
    bought(stranger, variant)

    assert proof.friends_on_product(ana, variant.product).bought == 0


def test_saves_count_unless_the_friend_hides_them(ana_and_friends):
    ana, ben, cleo = ana_and_friends
    product = ProductFactory()
    saved(ben, product)
    saved(cleo, product)
    services.update_privacy(user=cleo, saves_visible_to_friends=False)

    seen = proof.friends_on_product(ana, product)

    assert seen.saved == 1 and seen.names == ["Ben Okafor"]
    assert proof.friends_on_shop(ana, product.shop).saved == 1


def test_an_unfriended_person_stops_counting(ana_and_friends):
    ana, ben, _ = ana_and_friends
    services.update_privacy(user=ben, purchases_visible_to_friends=True)
    variant = VariantFactory()
    bought(ben, variant)
    services.unfriend(user=ana, friend_id=ben.pk)

    assert not proof.friends_on_product(ana, variant.product).any


def test_popular_nearby_counts_people_this_week_within_two_km():
    variant = VariantFactory()
    shop = variant.product.shop
    here = LocationFactory(shop=shop, latitude=45.7640, longitude=4.8357)
    far = LocationFactory(shop=shop, latitude=45.8500, longitude=4.8357)
    position = Position(45.7650, 4.8360, "Lyon")
    for n in range(2):
        bought(None, variant, location=here, email=f"buyer{n}@example.com")
    bought(None, variant, location=far, email="far@example.com")
    old = bought(None, variant, location=here, email="old@example.com")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))

    assert proof.buyers_nearby_this_week(variant.product, position) == 0, "two people are not 'popular'"

    bought(None, variant, location=here, email="buyer0@example.com")
    assert proof.buyers_nearby_this_week(variant.product, position) == 0, "the same person twice is one"
    bought(None, variant, location=here, email="third@example.com")
    assert proof.buyers_nearby_this_week(variant.product, position) == 3


def test_the_product_pages_popular_figure_is_kept_a_minute():
    variant = VariantFactory()
    here = LocationFactory(shop=variant.product.shop, latitude=45.7640, longitude=4.8357)
    position = Position(45.7650, 4.8360, "Lyon")
    for n in range(3):
        bought(None, variant, location=here, email=f"buyer{n}@example.com")
    assert proof.popular_nearby(variant.product, position) == 3

    bought(None, variant, location=here, email="fourth@example.com")
    assert proof.buyers_nearby_this_week(variant.product, position) == 4
    assert proof.popular_nearby(variant.product, position) == 3, "a minute old at most, not counted on every view"
    caches["local"].clear()
    assert proof.popular_nearby(variant.product, position) == 4


def test_the_product_page_shows_friends_who_bought_it(ana_and_friends):
    ana, ben, _ = ana_and_friends
    services.update_privacy(user=ben, purchases_visible_to_friends=True)
    variant = VariantFactory()
    bought(ben, variant)
    client = Client()
    client.login(email=ana.email, password=PASSWORD)

    html = client.get(f"/shops/{variant.product.shop.slug}/products/{variant.product.handle}/").content.decode()

    assert "Ben Okafor" in html and "1 friend bought this" in html
    assert "friend bought" not in Client().get(f"/shops/{variant.product.shop.slug}/products/{variant.product.handle}/").content.decode()
