"""Reads: shares a person may see, and their home feed.

The home feed merges three streams, newest first: the shares written into the person's
``FeedEntry`` rows (their friends' and the people they follow), ``ShopNews`` of the
shops they follow, and the answers others gave to their asks. Both are read by index, a page at a time, from a keyset cursor
(time, stream, id) so a page never repeats or skips an item while new ones arrive.
Who may see a share is checked again on the page read: entries of a share whose
audience no longer includes the reader (they left the circle, were unfriended or
blocked) are skipped.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from plaza.accounts.models import User
from plaza.asks.models import Answer
from plaza.catalog.models import Product, ProductImage, ProductStatus
from plaza.feed.models import Comment, FeedEntry, Reaction, Share, ShopNews, ShopNewsProduct
from plaza.lists.models import ListItem
from plaza.core.errors import InvalidInput, NotFound
from plaza.social import selectors as social
from plaza.social.models import ShopFollow
from plaza.shops.models import Shop
from plaza.social.audiences import can_see, visible_to

DEFAULT_PAGE = 20
MAX_PAGE = 50
# How many times a page read looks further when the entries it found were all hidden.
REFILL_ROUNDS = 3

# The feed's streams; the number breaks ties between items of the same instant.
NEWS_STREAM = 0
SHARE_STREAM = 1
ANSWER_STREAM = 2
# The products a shop's news shows; the rest are a count and a link to the shop.
NEWS_PRODUCTS_SHOWN = 4
STREAMS = (NEWS_STREAM, SHARE_STREAM, ANSWER_STREAM)


def visible_shares(viewer) -> QuerySet:
    return visible_to(Share.objects.all(), viewer)


def can_see_share(viewer, share: Share) -> bool:
    return can_see(viewer, share)


def _count_of(model) -> Coalesce:
    """How many rows of ``model`` belong to each share, as a subquery: counting over joins
    would group the page by every column of every joined table."""
    counted = model.objects.filter(share=OuterRef("pk")).order_by().values("share").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def _with_display_data(shares: QuerySet, viewer) -> QuerySet:
    images = Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")
    mine = Reaction.objects.filter(user=viewer) if viewer.is_authenticated else Reaction.objects.none()
    list_items = Prefetch("shopping_list__items", queryset=ListItem.objects.filter(removed=False), to_attr="shown_items")
    return (
        shares.select_related("author", "product", "product__shop", "shop", "order", "shopping_list")
        .prefetch_related(images, list_items, Prefetch("reactions", queryset=mine, to_attr="my_reactions"))
        .annotate(comment_count=_count_of(Comment), reaction_count=_count_of(Reaction))
    )


def share_for(viewer, share_id: int) -> Share:
    found = _with_display_data(visible_shares(viewer).filter(pk=share_id), viewer).first()
    if found is None:
        raise NotFound("No such share.")
    return found


def comments_of(viewer, share: Share) -> QuerySet:
    """A share's comments, less those of people the viewer is hidden from."""
    comments = Comment.objects.filter(share=share).select_related("author")
    if viewer.is_authenticated:
        comments = comments.exclude(author__in=User.objects.filter(social.hidden_from(viewer)))
    return comments


def shares_by(viewer, author) -> QuerySet:
    return _with_display_data(visible_shares(viewer).filter(author=author), viewer)


# --- the home feed ----------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the merged feed: items strictly older than this come next."""

    at: datetime
    stream: int
    id: int

    def encode(self) -> str:
        raw = f"{self.at.isoformat()}|{self.stream}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> "Cursor":
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            at, stream, item_id = raw.split("|")
            parsed = datetime.fromisoformat(at)
            if timezone.is_naive(parsed) or int(stream) not in STREAMS:
                raise ValueError
            return cls(parsed, int(stream), int(item_id))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise InvalidInput("This page link is not valid.", fields={"before": ["Not a cursor from this feed."]}) from None

    def older(self, stream: int) -> Q:
        """Rows of ``stream`` that come after this cursor, newest first.

        Written as a range on ``created_at`` (which the index serves) less the rows at the
        cursor's own instant that come before it, rather than as an OR the index cannot use.
        """
        if stream == self.stream:
            return Q(created_at__lte=self.at) & ~Q(created_at=self.at, id__gte=self.id)
        if stream < self.stream:
            return Q(created_at__lte=self.at)
        return Q(created_at__lt=self.at)


@dataclass(frozen=True)
class ShopNewsItem:
    """What a shop added lately: its newest few products still on sale, and how many there are."""

    shop: Shop
    created_at: datetime
    products: list[Product]
    product_count: int


@dataclass(frozen=True)
class FeedItem:
    cursor: Cursor
    share: Share | None = None
    news: ShopNewsItem | None = None
    answer: Answer | None = None


@dataclass(frozen=True)
class FeedPage:
    items: list[FeedItem]
    next_cursor: str | None


def _share_entries(viewer, before: Cursor | None, want: int) -> tuple[list[FeedEntry], Cursor | None]:
    """Up to ``want`` entries the viewer may still see, newest first, and the scan's
    frontier: where reading stopped with older entries left unread (None: none left)."""
    found: list[FeedEntry] = []
    position = before
    for _ in range(REFILL_ROUNDS):
        entries = FeedEntry.objects.filter(recipient=viewer).order_by("-created_at", "-id")
        if position is not None:
            entries = entries.filter(position.older(SHARE_STREAM))
        batch = list(entries[: want * 2])
        visible = set(visible_shares(viewer).filter(pk__in=[entry.share_id for entry in batch]).values_list("pk", flat=True))
        found.extend(entry for entry in batch if entry.share_id in visible)
        if len(batch) < want * 2:
            return found, None
        last = batch[-1]
        position = Cursor(last.created_at, SHARE_STREAM, last.pk)
        if len(found) >= want:
            break
    return found, position


def _news(viewer, before: Cursor | None, limit: int) -> list[ShopNews]:
    """The newest news of the followed shops. Whether the product is still published is
    checked on the page read (``_hydrate``): joined here, it made the database sort every
    news row of those shops instead of walking the newest-first index."""
    news = ShopNews.objects.filter(shop__in=ShopFollow.objects.filter(follower=viewer).values("shop_id")).order_by(
        "-created_at", "-id"
    )
    if before is not None:
        news = news.filter(before.older(NEWS_STREAM))
    return list(news[:limit])


def _answers(viewer, before: Cursor | None, limit: int) -> list[Answer]:
    """Answers others gave to the viewer's asks (read at request time: they go to one person)."""
    answers = Answer.objects.filter(ask__asker=viewer).exclude(author=viewer).order_by("-created_at", "-id")
    if before is not None:
        answers = answers.filter(before.older(ANSWER_STREAM))
    return list(answers[:limit])


def home_feed(viewer, *, before: str | None = None, limit: int = DEFAULT_PAGE) -> FeedPage:
    limit = max(1, min(limit, MAX_PAGE))
    cursor = Cursor.decode(before) if before else None
    entries, frontier = _share_entries(viewer, cursor, limit + 1)
    candidates = (
        [(Cursor(entry.created_at, SHARE_STREAM, entry.pk), entry) for entry in entries]
        + [(Cursor(item.created_at, NEWS_STREAM, item.pk), item) for item in _news(viewer, cursor, limit + 1)]
        + [(Cursor(item.created_at, ANSWER_STREAM, item.pk), item) for item in _answers(viewer, cursor, limit + 1)]
    )
    # Past the frontier, shares are still unread: nothing older than it may be shown yet.
    merged = sorted((pair for pair in candidates if frontier is None or pair[0] >= frontier), key=lambda pair: pair[0], reverse=True)
    page = merged[:limit]
    has_more = len(merged) > limit or frontier is not None
    next_position = page[-1][0] if page else frontier
    return FeedPage(_hydrate(viewer, page), next_position.encode() if has_more and next_position else None)


def _news_items(news_ids: list[int]) -> dict[int, ShopNewsItem]:
    on_sale = ShopNewsProduct.objects.filter(
        news_id__in=news_ids, product__status=ProductStatus.PUBLISHED, product__shop__is_active=True
    )
    counts = dict(on_sale.order_by().values("news_id").annotate(count=Count("id")).values_list("news_id", "count"))
    images = Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="ordered_images")
    newest = (
        on_sale.annotate(rank=Window(RowNumber(), partition_by=F("news_id"), order_by=F("id").desc()))
        .filter(rank__lte=NEWS_PRODUCTS_SHOWN)
        .select_related("news__shop", "product__shop")
        .prefetch_related(images)
        .order_by("news_id", "-id")
    )
    lines: dict[int, list[ShopNewsProduct]] = {}
    for line in newest:
        lines.setdefault(line.news_id, []).append(line)
    return {
        news_id: ShopNewsItem(
            shop=group[0].news.shop,
            created_at=group[0].news.created_at,
            products=[line.product for line in group],
            product_count=counts[news_id],
        )
        for news_id, group in lines.items()
    }


def _hydrate(viewer, page: list[tuple[Cursor, FeedEntry | ShopNews | Answer]]) -> list[FeedItem]:
    share_ids = [row.share_id for _, row in page if isinstance(row, FeedEntry)]
    news_ids = [row.pk for _, row in page if isinstance(row, ShopNews)]
    answers = {
        row.pk: row
        for row in Answer.objects.filter(pk__in=[row.pk for _, row in page if isinstance(row, Answer)])
        .exclude(author__in=User.objects.filter(social.hidden_from(viewer)))
        .select_related("author", "ask")
    }
    shares = {share.pk: share for share in _with_display_data(Share.objects.filter(pk__in=share_ids), viewer)}
    news = _news_items(news_ids)
    items = []
    for position, row in page:
        if isinstance(row, FeedEntry):
            if row.share_id in shares:
                items.append(FeedItem(position, share=shares[row.share_id]))
        elif isinstance(row, ShopNews):
            if row.pk in news:  # else none of its products is on sale any more
                items.append(FeedItem(position, news=news[row.pk]))
        elif row.pk in answers:
            items.append(FeedItem(position, answer=answers[row.pk]))
    return items
