"""Shares, their reactions and comments, and the two streams a home feed is merged from.

- ``FeedEntry``: one row per share per person it reached, written when the share is made
  (fan-out on write). A person's feed is then one index range, however many friends
  they have; who may see the share is still checked when the feed is read.
- ``ShopNews``: what a shop added to its catalog within a few hours (its products are
  ``ShopNewsProduct`` rows), read through the shops a person follows (fan-out on read): a
  shop may have thousands of followers and publish hundreds of products in one import,
  which would be millions of rows written at once, and one item in the feed, not hundreds.

docs/architecture.md explains the choice with the measured figures.
"""

from django.conf import settings
from django.db import models

from plaza.catalog.models import Product
from plaza.lists.models import ShoppingList
from plaza.orders.models import Order
from plaza.shops.models import Shop
from plaza.social.audiences import HasAudience

MAX_MESSAGE = 500
MAX_COMMENT = 1000


class ShareKind(models.TextChoices):
    PRODUCT = "product", "a product"
    SHOP = "shop", "a shop"
    PURCHASE = "purchase", "a purchase"
    LIST = "list", "a list"


class Share(HasAudience):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares")
    kind = models.CharField(max_length=10, choices=ShareKind.choices)
    product = models.ForeignKey(Product, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    # The shop of the product, purchase or shop shared; a list may span many shops.
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    # A wishlist or shopping list, shown to the audience as it is now (read-only: sharing it
    # in the feed gives nobody a place on the list).
    shopping_list = models.ForeignKey(ShoppingList, null=True, blank=True, on_delete=models.CASCADE, related_name="shares")
    message = models.CharField(max_length=MAX_MESSAGE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    audience_owner_field = "author"

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["author", "-created_at"], name="share_author_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="shop", shop__isnull=False)
                | models.Q(kind="product", product__isnull=False, shop__isnull=False)
                | models.Q(kind="purchase", order__isnull=False, shop__isnull=False)
                | models.Q(kind="list", shopping_list__isnull=False),
                name="share_has_its_subject",
            )
        ]


class ReactionKind(models.TextChoices):
    # Words, not emoji: a phone without an emoji font shows a box.
    LIKE = "like", "Like"
    LOVE = "love", "Love"
    WANT = "want", "I want it"


class Reaction(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["share", "user"], name="one_reaction_per_person")]


class Comment(models.Model):
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=MAX_COMMENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class FeedEntry(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    share = models.ForeignKey(Share, on_delete=models.CASCADE, related_name="+")
    # Copies of the share's, so the feed page is read from this table's index alone.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "share"], name="feed_entry_once")]
        indexes = [models.Index(fields=["recipient", "-created_at", "-id"], name="feed_entry_recent_idx")]


class ShopNews(models.Model):
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    # When its first product came: the feed's order, which later products do not change.
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["shop", "-created_at", "-id"], name="shop_news_recent_idx"),
            # For following many shops: walk all news newest first and keep the followed ones.
            models.Index(fields=["-created_at", "-id"], name="shop_news_all_recent_idx"),
        ]


class ShopNewsProduct(models.Model):
    news = models.ForeignKey(ShopNews, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product"], name="shop_news_once_per_product")]
        indexes = [models.Index(fields=["news", "-id"], name="shop_news_product_newest_idx")]
