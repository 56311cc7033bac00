"""Sharing with an audience, reacting and commenting, and writing the feed's streams.

A share reaches its audience's feeds through the ``share.created`` subscriber
(``fan_out``), after the share has committed; nothing is lost if a process dies between
the two, since the event stays pending until the fan-out has run.
"""

from collections.abc import Iterable
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from plaza.core import rate_limits
from plaza.core.errors import Forbidden, InvalidInput, NotFound
from plaza.core.outbox import record_event
from plaza.core.text import clean_text
from plaza.feed import selectors
from plaza.feed.models import MAX_COMMENT, MAX_MESSAGE, Comment, FeedEntry, Reaction, ReactionKind, Share, ShareKind, ShopNews, ShopNewsProduct
from plaza.lists.models import ShoppingList
from plaza.orders.models import Order, OrderStatus
from plaza.shops.models import Shop
from plaza.social import selectors as social
from plaza.social.audiences import clean_audience, reached_user_ids
from plaza.storefront.selectors import published_products

FAN_OUT_BATCH = 1000
# An order can be shown off once the shop has it, and until it is cancelled.
SHAREABLE_ORDER_STATUSES = (
    OrderStatus.NEW,
    OrderStatus.ACCEPTED,
    OrderStatus.READY_FOR_PICKUP,
    OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.SHIPPED,
    OrderStatus.COMPLETED,
)


def _text(value, *, field: str, max_length: int, required: bool, label: str) -> str:
    try:
        return clean_text(value, max_length=max_length, required=required, label=label)
    except ValueError as error:
        raise InvalidInput(str(error), fields={field: [str(error)]}) from None


def _subject(author, kind: str, subject_id: int) -> dict:
    """What the share points at, checked: a published product, an active shop, the author's own order."""
    if kind == ShareKind.PRODUCT:
        product = published_products().filter(pk=subject_id).first()
        if product is None:
            raise InvalidInput("No such product.", fields={"subject_id": ["No such product."]})
        return {"product": product, "shop_id": product.shop_id}
    if kind == ShareKind.SHOP:
        shop = Shop.objects.filter(pk=subject_id, is_active=True).first()
        if shop is None:
            raise InvalidInput("No such shop.", fields={"subject_id": ["No such shop."]})
        return {"shop": shop}
    if kind == ShareKind.LIST:
        shopping_list = ShoppingList.objects.filter(pk=subject_id, owner=author).first()
        if shopping_list is None:
            raise InvalidInput("Choose one of your lists.", fields={"subject_id": ["Choose one of your lists."]})
        return {"shopping_list": shopping_list}
    if kind == ShareKind.PURCHASE:
        order = Order.objects.filter(pk=subject_id, customer=author, status__in=SHAREABLE_ORDER_STATUSES).first()
        if order is None:
            raise InvalidInput("Choose one of your orders.", fields={"subject_id": ["Choose one of your orders."]})
        return {"order": order, "shop_id": order.shop_id}
    raise InvalidInput("Choose what to share.", fields={"kind": [f"Choose one of: {', '.join(ShareKind.values)}."]})


@transaction.atomic
def share(
    *,
    author,
    kind: str,
    subject_id: int,
    message: str = "",
    audience: str | None = None,
    circle_id: int | None = None,
    people_ids: Iterable[int] = (),
) -> Share:
    """Share a product, a shop, one's purchase or one's list with an audience (by default, the one in
    the author's privacy settings)."""
    rate_limits.spend("share", author.pk)
    subject = _subject(author, kind, subject_id)
    message = _text(message, field="message", max_length=MAX_MESSAGE, required=False, label="The message")
    chosen = clean_audience(
        author, audience or social.privacy_of(author).default_audience, circle_id=circle_id, people_ids=people_ids
    )
    created = Share(author=author, kind=kind, message=message, **subject)
    chosen.apply_to(created)
    created.save()
    chosen.save_people(created)
    record_event(
        "share.created",
        {
            "share_id": created.pk,
            "author_id": author.pk,
            "kind": kind,
            "audience": chosen.kind,
            "people_ids": chosen.people_ids,
            "subject": _subject_phrase(created),
        },
    )
    return created


def _subject_phrase(created: Share) -> str:
    """How the share is named in others' notifications: "the Linen apron", "their purchase from …"."""
    if created.kind == ShareKind.PRODUCT:
        return f"the {created.product.title}"
    if created.kind == ShareKind.SHOP:
        return created.shop.name
    if created.kind == ShareKind.LIST:
        return f"their list “{created.shopping_list.title}”"
    return f"their purchase from {created.order.shop.name}"


def _own_share(author, share_id: int) -> Share:
    found = Share.objects.filter(pk=share_id).first()
    if found is None or not (found.author_id == author.pk or selectors.can_see_share(author, found)):
        raise NotFound("No such share.")
    if found.author_id != author.pk:
        raise Forbidden("Only its author can delete a share.")
    return found


@transaction.atomic
def delete_share(*, author, share_id: int) -> None:
    _own_share(author, share_id).delete()
    record_event("share.deleted", {"share_id": share_id, "author_id": author.pk})


def _visible_share(user, share_id: int) -> Share:
    found = selectors.visible_shares(user).filter(pk=share_id).first()
    if found is None:
        raise NotFound("No such share.")
    return found


@transaction.atomic
def react(*, user, share_id: int, kind: str) -> Reaction:
    if kind not in ReactionKind.values:
        raise InvalidInput("Choose a reaction.", fields={"kind": [f"Choose one of: {', '.join(ReactionKind.values)}."]})
    found = _visible_share(user, share_id)
    reaction, _ = Reaction.objects.update_or_create(share=found, user=user, defaults={"kind": kind})
    return reaction


@transaction.atomic
def unreact(*, user, share_id: int) -> None:
    Reaction.objects.filter(share=_visible_share(user, share_id), user=user).delete()


@transaction.atomic
def comment(*, user, share_id: int, text: str) -> Comment:
    rate_limits.spend("comment", user.pk)
    found = _visible_share(user, share_id)
    text = _text(text, field="text", max_length=MAX_COMMENT, required=True, label="The comment")
    created = Comment.objects.create(share=found, author=user, text=text)
    record_event(
        "share.commented",
        {"share_id": found.pk, "comment_id": created.pk, "author_id": user.pk, "share_author_id": found.author_id},
    )
    return created


@transaction.atomic
def delete_comment(*, user, comment_id: int) -> None:
    """The comment's author, or the share's, may delete it."""
    found = Comment.objects.select_related("share").filter(pk=comment_id).first()
    if found is None or not selectors.can_see_share(user, found.share):
        raise NotFound("No such comment.")
    if user.pk not in (found.author_id, found.share.author_id):
        raise Forbidden("Only its author or the share's author can delete a comment.")
    found.delete()


# --- the feed's streams (called by subscribers) ------------------------------------------


def fan_out(share_id: int) -> int:
    """Write the share into the feed of everyone it reaches, and the author's own."""
    found = Share.objects.filter(pk=share_id).first()
    if found is None:
        return 0
    recipients = reached_user_ids(found) | {found.author_id}
    entries = [
        FeedEntry(recipient_id=recipient, share_id=found.pk, actor_id=found.author_id, created_at=found.created_at)
        for recipient in recipients
    ]
    FeedEntry.objects.bulk_create(entries, batch_size=FAN_OUT_BATCH, ignore_conflicts=True)
    return len(entries)


def forget_between(user_id: int, other_id: int) -> None:
    """Two people parted or one blocked the other: their shares leave each other's feed."""
    FeedEntry.objects.filter(recipient_id=user_id, actor_id=other_id).delete()
    FeedEntry.objects.filter(recipient_id=other_id, actor_id=user_id).delete()


# A product published within this long of a shop's latest news joins it: an import of 500
# products is one item in the followers' feeds, a product next week is news of its own.
NEWS_GROUPING_WINDOW = timedelta(hours=12)


def record_shop_news(product_id: int, shop_id: int) -> None:
    try:
        with transaction.atomic():
            # Publications of one shop queue here, so two at once cannot open two groups.
            if not Shop.objects.select_for_update().filter(pk=shop_id).exists():
                return
            if ShopNewsProduct.objects.filter(product_id=product_id).exists():
                return
            now = timezone.now()
            news = (
                ShopNews.objects.filter(shop_id=shop_id, created_at__gt=now - NEWS_GROUPING_WINDOW).order_by("-created_at", "-id").first()
                or ShopNews.objects.create(shop_id=shop_id, created_at=now)
            )
            ShopNewsProduct.objects.create(news=news, product_id=product_id)
    except IntegrityError:
        # The product was deleted before its event was delivered.
        return
