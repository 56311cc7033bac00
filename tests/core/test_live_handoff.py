"""A push made on another thread of the server's process reaches the server's sockets.

This is how the embedded profile runs: ``manage.py serve`` runs the task worker in a thread
next to uvicorn, and the in-memory channel layer lives on uvicorn's event loop.
"""

import asyncio
import json
import threading

import pytest
import websockets
from django.db import connection
from django.test import Client

from plaza.core.live import send_to_group
from plaza.notifications.consumers import notifications_group
from tests.e2e.conftest import live_url  # noqa: F401  (a real uvicorn server in this process)
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_a_push_from_a_worker_thread_reaches_a_socket_on_the_servers_loop(live_url):  # noqa: F811
    user = UserFactory()
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    connection.close()

    async def listen() -> dict:
        url = live_url.replace("http://", "ws://") + "/ws/notifications/"
        async with websockets.connect(url, additional_headers=[("Cookie", f"sessionid={session}")], origin=live_url) as socket:
            await asyncio.sleep(0.2)  # the consumer has joined its group
            message = {"type": "notification.created", "notification": {"text": "hello"}}
            pusher = threading.Thread(target=send_to_group, args=(notifications_group(user.pk), message))
            pusher.start()
            received = json.loads(await asyncio.wait_for(socket.recv(), timeout=5))
            pusher.join()
            return received

    assert asyncio.run(listen())["text"] == "hello"
