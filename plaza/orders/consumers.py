"""Live order updates over WebSockets: the merchant's board and the shopper's order page.

A message says which order changed and its status; clients fetch the re-rendered card or
status from the web pages, so nothing private travels to a socket that should not see it.
"""

from channels.db import database_sync_to_async

from plaza.core.errors import Forbidden
from plaza.core.live import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, LiveConsumer, send_to_group
from plaza.orders import selectors
from plaza.shops.models import Shop
from plaza.shops.permissions import ShopAction, authorize



def shop_group(shop_id: int) -> str:
    return f"shop-{shop_id}-orders"


def order_group(token) -> str:
    return f"order-{token}"


def push_order_event(topic: str, payload: dict) -> None:
    message = {"type": "order.event", "topic": topic, "order_id": payload["order_id"], "status": payload["status"]}
    send_to_group(shop_group(payload["shop_id"]), message)
    send_to_group(order_group(payload["order_token"]), message)


def _may_watch_shop(user, shop_id: int) -> bool:
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None:
        return False
    try:
        authorize(user, shop, ShopAction.VIEW)
    except Forbidden:
        return False
    return True


class _OrderEventsConsumer(LiveConsumer):
    """Accepts, then either joins the group the subclass allows or closes with a reason code.

    Accepting before closing is what lets a browser see the code (a refused handshake
    only shows up as a failed connection, which the client would retry).
    """

    async def allowed_group(self) -> tuple[str | None, int]:
        raise NotImplementedError

    async def connect(self):
        await self.accept()
        group, refusal_code = await self.allowed_group()
        if group is None:
            await self.close(code=refusal_code)
            return
        await self.join(group)

    async def order_event(self, message):
        await self.send_json({"type": message["topic"], "order_id": message["order_id"], "status": message["status"]})


class ShopOrdersConsumer(_OrderEventsConsumer):
    """The merchant's board: members of the shop only."""

    async def allowed_group(self):
        shop_id = int(self.scope["url_route"]["kwargs"]["shop_id"])
        if await database_sync_to_async(_may_watch_shop)(self.scope["user"], shop_id):
            return shop_group(shop_id), 0
        return None, CLOSE_FORBIDDEN


class OrderPageConsumer(_OrderEventsConsumer):
    """One order's page: whoever holds its token."""

    async def allowed_group(self):
        token = self.scope["url_route"]["kwargs"]["token"]
        if await database_sync_to_async(selectors.order_exists)(token):
            return order_group(token), 0
        return None, CLOSE_NOT_FOUND
