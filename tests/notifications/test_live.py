"""ws/notifications/ through the real ASGI stack: each person's sockets hear their own notifications only."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from plaza.config.asgi import application
from plaza.social import services as social
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


@pytest_asyncio.fixture(autouse=True)
async def _close_consumer_connections():
    """Consumers and services query from worker threads; their connections must not outlive the test database."""
    yield
    await sync_to_async(connections.close_all)()


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_socket(session: str | None = None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if session:
        headers.append((b"cookie", f"sessionid={session}".encode()))
    socket = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def test_a_notification_for_ana_reaches_all_her_sockets_and_nobody_elses():
    ana, ben, cleo = await sync_to_async(lambda: (UserFactory(display_name="Ana"), UserFactory(display_name="Ben"), UserFactory()))()
    sessions = {name: await sync_to_async(session_cookie)(user) for name, user in (("ana", ana), ("ben", ben), ("cleo", cleo))}
    ana_phone, ana_laptop = await open_socket(sessions["ana"]), await open_socket(sessions["ana"])
    ben_socket, cleo_socket = await open_socket(sessions["ben"]), await open_socket(sessions["cleo"])

    await sync_to_async(social.send_friend_request)(sender=ben, to_user_id=ana.pk)

    for socket in (ana_phone, ana_laptop):
        message = await socket.receive_json_from(timeout=3)
        assert message["type"] == "notification.created"
        assert message["kind"] == "friend_request" and message["text"] == "Ben wants to be your friend"
        assert message["url"] == "/friends/" and message["unread_count"] == 1 and message["id"] > 0
        assert message["created_at"]
    assert await ben_socket.receive_nothing(timeout=0.3)
    assert await cleo_socket.receive_nothing(timeout=0.1)
    for socket in (ana_phone, ana_laptop, ben_socket, cleo_socket):
        await socket.disconnect()


async def test_a_guest_is_closed_with_4403():
    socket = await open_socket()
    message = await socket.receive_output(timeout=3)
    assert (message["type"], message.get("code")) == ("websocket.close", 4403)


async def test_what_a_client_sends_is_ignored():
    ana = await sync_to_async(UserFactory)()
    socket = await open_socket(await sync_to_async(session_cookie)(ana))
    await socket.send_json_to({"type": "notification.created", "text": "forged"})
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
