from channels.db import database_sync_to_async

from plaza.core.live import CLOSE_NOT_FOUND, LiveConsumer
from plaza.storefront.live import product_stock_group
from plaza.storefront.selectors import published_products


@database_sync_to_async
def _is_public(product_id: int) -> bool:
    return published_products().filter(pk=product_id).exists()


class ProductStockConsumer(LiveConsumer):
    """Pushes ``{"variant_id", "location_id", "available"}`` whenever a unit of the product moves.

    Anyone may listen to a published product: stock levels are on the public page anyway.
    """

    async def connect(self):
        product_id = self.scope["url_route"]["kwargs"]["product_id"]
        if not await _is_public(product_id):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join(product_stock_group(product_id))
        await self.accept()

    async def stock_changed(self, message):
        await self.send_json(
            {"variant_id": message["variant_id"], "location_id": message["location_id"], "available": message["available"]}
        )
