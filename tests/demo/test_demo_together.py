"""The demo shopper starts with friends, a circle, a feed, an ask with a vote and a shared list."""

import pytest
from django.test import Client

from plaza.asks.models import Ask
from plaza.core.outbox import sweep
from plaza.demo.services import DEMO_PASSWORD
from plaza.lists.models import ShoppingList
from plaza.social.selectors import circles_of, friends_of
from tests.demo.test_seed_demo import seed

pytestmark = pytest.mark.django_db


def test_the_demo_shopper_has_a_circle_to_shop_with():
    output = seed()
    sweep()
    client = Client()
    assert client.login(email="shopper@plaza.test", password=DEMO_PASSWORD)
    shopper = client.get("/").wsgi_request.user

    assert friends_of(shopper).count() == 5
    assert [circle.name for circle in circles_of(shopper)] == ["Family"]
    shared = [item for item in client.get("/api/v1/feed/").json()["items"] if item["kind"] == "share"]
    assert len(shared) == 5 and {item["share"]["author"]["name"] for item in shared} == {f.public_name for f in friends_of(shopper)}
    [news] = [item for item in client.get("/api/v1/feed/").json()["items"] if item["kind"] == "new_products"]
    assert news["product_count"] == 6 and len(news["products"]) == 4
    ask = Ask.objects.get(asker=shopper)
    assert client.get(f"/api/v1/asks/{ask.pk}").json()["total_votes"] == 1
    assert ShoppingList.objects.get(owner=shopper).items.count() == 4
    assert "shopper00002@plaza.test" in output, "a friend's login is printed"
