"""The demo shopper's circle of friends: friendships, a circle, shares, an ask, a shared list
and a followed shop with news.

Everything goes through the real services, so the feed, notifications and live pages see
exactly what a person's own actions would have made.
"""

import random
import uuid
from datetime import timedelta

from django.utils import timezone

from plaza.accounts.models import User
from plaza.asks import services as asks
from plaza.asks.models import PollKind
from plaza.catalog.models import Product, ProductStatus
from plaza.feed import services as feed
from plaza.lists import services as lists
from plaza.social import services as social

FRIENDS = 5
CIRCLE_NAME = "Family"
SHARE_MESSAGES = ("Found this in town, look!", "Exactly what we were looking for.", "A good present idea?", "")
LIST_ITEMS = (("Baguette", 2), ("Comté, 200 g", 1), ("Flowers for the table", 1), ("A bottle of red", 2))
# What the followed shop "just added": its newest products, one item in the shopper's feed.
FOLLOWED_SHOP_NEWS = 6


def seed_friends_of(shopper: User, rng: random.Random) -> dict[str, int]:
    """Returns what it made, by name, for the seed's report."""
    friends = list(User.objects.filter(email__startswith="shopper0").order_by("email")[:FRIENDS])
    products = list(Product.objects.filter(status=ProductStatus.PUBLISHED).order_by("pk")[:200])
    if not friends or not products:
        return {}
    for friend in friends:
        social.accept_friend_request(user=shopper, request_id=social.send_friend_request(sender=friend, to_user_id=shopper.pk).pk)
    family = social.create_circle(owner=shopper, name=CIRCLE_NAME, member_ids=[friend.pk for friend in friends[:3]])
    for friend in friends:
        product = rng.choice(products)
        feed.share(author=friend, kind="product", subject_id=product.pk, message=rng.choice(SHARE_MESSAGES))
    asked_about = rng.choice([product for product in products if product.variants.count() > 1] or products)
    draft = asks.AskDraft(
        question=f"Should I get the {asked_about.title}?",
        product_id=asked_about.pk,
        poll_kind=PollKind.YES_NO,
        audience="circle",
        circle_id=family.pk,
        deadline=timezone.now() + timedelta(days=2),
    )
    ask = asks.create_ask(asker=shopper, draft=draft)
    asks.vote(voter=friends[0], ask_id=ask.pk, option_id=ask.options.order_by("position", "pk").first().pk)
    asks.answer(author=friends[1], ask_id=ask.pk, text="Looks lovely, and they have it in stock near you.")
    dinner = lists.create_list(owner=shopper, title="Saturday dinner")
    lists.share_with_circle(owner=shopper, list_id=dinner.pk, circle_id=family.pk, role="editor")
    for text, quantity in LIST_ITEMS:
        lists.apply_operation(
            user=shopper,
            list_id=dinner.pk,
            client_id="demo-seed",
            client_op_id=str(uuid.UUID(int=rng.getrandbits(128))),
            kind="add_item",
            payload={"item_id": str(uuid.UUID(int=rng.getrandbits(128))), "text": text, "quantity": quantity},
        )
    followed = rng.choice(products).shop
    social.follow_shop(follower=shopper, shop_id=followed.pk)
    newest = Product.objects.filter(shop=followed, status=ProductStatus.PUBLISHED).order_by("-pk")[:FOLLOWED_SHOP_NEWS]
    for product in reversed(newest):
        feed.record_shop_news(product.pk, followed.pk)
    return {"friendships": len(friends), "circles": 1, "shares": len(friends), "asks": 1, "shared lists": 1, "followed shops": 1}
