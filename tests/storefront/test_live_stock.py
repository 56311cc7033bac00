"""Live stock on the product page: outbox ``stock.changed`` → Channels group → WebSocket."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from plaza.catalog.models import ProductStatus
from plaza.config.asgi import application
from plaza.inventory import services as stock_services
from plaza.inventory.models import MovementReason

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]
HEADERS = [(b"origin", b"http://testserver"), (b"host", b"testserver")]


def socket_for(product) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/products/{product.pk}/stock/", headers=HEADERS)


@sync_to_async
def adjust(product, location, delta: int) -> None:
    stock_services.adjust_stock(
        variant=product.variants.get(), location=location, delta=delta, reason=MovementReason.RECEIVED
    )


async def test_a_stock_change_is_pushed_to_the_products_page(town):
    sourdough, croissant = town.products["sourdough"], town.products["croissant"]
    watching = socket_for(sourdough)
    other_page = socket_for(croissant)
    assert (await watching.connect())[0] and (await other_page.connect())[0]

    await adjust(sourdough, town.locations["bakery"], -9)

    variant_id = await sync_to_async(lambda: sourdough.variants.get().pk)()
    assert await watching.receive_json_from(timeout=3) == {
        "variant_id": variant_id,
        "location_id": town.locations["bakery"].pk,
        "available": 3,
    }
    assert await other_page.receive_nothing(timeout=0.3)
    await watching.disconnect()
    await other_page.disconnect()


async def test_nothing_is_pushed_after_the_page_is_closed(town):
    sourdough = town.products["sourdough"]
    socket = socket_for(sourdough)
    await socket.connect()
    await socket.disconnect()
    await adjust(sourdough, town.locations["bakery"], 1)
    assert await socket.receive_nothing(timeout=0.3)


async def test_drafts_and_unknown_products_refuse_the_socket(town):
    draft = town.products["draft"]
    assert draft.status == ProductStatus.DRAFT
    connected, code = await socket_for(draft).connect()
    assert not connected and code == 4404

    class Missing:
        pk = 999_999

    connected, code = await socket_for(Missing).connect()
    assert not connected and code == 4404


async def test_messages_from_the_browser_are_ignored(town):
    socket = socket_for(town.products["sourdough"])
    await socket.connect()
    await socket.send_json_to({"variant_id": 1, "available": 999})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
