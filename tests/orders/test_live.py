"""The WebSockets of the board and the order page, through the real ASGI stack (session cookie)."""

import uuid

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from plaza.config.asgi import application
from plaza.orders import services
from plaza.shops.models import StaffRole
from tests.orders.factories import member, paid_order

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_consumer_connections():
    """Consumers query from a worker thread; its connection must not outlive the test database."""
    yield
    await sync_to_async(connections.close_all)()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def shop_people():
    order = paid_order()
    other = paid_order(location=order.location)
    people = {
        "owner": member(order.shop, StaffRole.OWNER),
        "staff": member(order.shop, StaffRole.STAFF),
        "stranger": member(paid_order().shop, StaffRole.OWNER),
    }
    return order, other, {name: session_cookie(user) for name, user in people.items()}, people


async def open_socket(path: str, session: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def closed_with(socket: WebsocketCommunicator) -> int | None:
    message = await socket.receive_output(timeout=3)
    return message.get("code") if message["type"] == "websocket.close" else None


async def test_the_shops_owner_and_staff_see_the_order_move_and_a_stranger_is_refused(shop_people):
    order, _, sessions, people = shop_people
    board_path = f"/ws/shops/{order.shop_id}/orders/"
    owner_socket = await open_socket(board_path, sessions["owner"])
    staff_socket = await open_socket(board_path, sessions["staff"])
    stranger_socket = await open_socket(board_path, sessions["stranger"])
    anonymous_socket = await open_socket(board_path)

    assert await closed_with(stranger_socket) == 4403
    assert await closed_with(anonymous_socket) == 4403

    await sync_to_async(services.accept)(order, actor=people["staff"])

    for socket in (owner_socket, staff_socket):
        assert await socket.receive_json_from(timeout=3) == {
            "type": "order.status_changed",
            "order_id": order.pk,
            "status": "accepted",
        }
        await socket.disconnect()


async def test_an_order_page_socket_hears_about_its_own_order_only(shop_people):
    order, other, _, people = shop_people
    mine = await open_socket(f"/ws/orders/{order.token}/")
    theirs = await open_socket(f"/ws/orders/{other.token}/")

    await sync_to_async(services.accept)(order, actor=people["owner"])

    assert (await mine.receive_json_from(timeout=3))["order_id"] == order.pk
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


async def test_an_unknown_order_token_is_closed_with_4404(db):
    socket = await open_socket(f"/ws/orders/{uuid.uuid4()}/")
    assert await closed_with(socket) == 4404
