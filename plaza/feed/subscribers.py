"""Keeping the feed's streams in step: fan a share out, note a shop's new product,
and take shares out of the feeds of people who parted."""

from plaza.core.outbox import subscriber
from plaza.feed import services


@subscriber("share.created")
def fan_out_share(event) -> None:
    services.fan_out(event.payload["share_id"])


@subscriber("product.published")
def note_new_product(event) -> None:
    services.record_shop_news(event.payload["product_id"], event.payload["shop_id"])


@subscriber("friend.removed")
def forget_former_friend(event) -> None:
    services.forget_between(event.payload["user_id"], event.payload["friend_id"])


@subscriber("person.blocked")
def forget_blocked(event) -> None:
    services.forget_between(event.payload["blocker_id"], event.payload["blocked_id"])
