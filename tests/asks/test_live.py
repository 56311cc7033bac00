"""ws/asks/<id>/ through the real ASGI stack (session cookie): who hears a vote, and losing access."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from plaza.asks import services
from plaza.config.asgi import application
from plaza.social import services as social
from tests.asks.conftest import ask_colour, make_circle

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
def live_ask():
    c = make_circle()
    ask = ask_colour(c)
    sessions = {name: session_cookie(getattr(c, name)) for name in ("ana", "ben", "cleo", "dan")}
    return c, ask, sessions


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


async def hello(socket: WebsocketCommunicator, ask) -> None:
    assert await socket.receive_json_from(timeout=3) == {"type": "hello", "ask_id": ask.pk}


async def test_a_vote_reaches_the_asker_and_the_members_and_strangers_are_refused(live_ask):
    c, ask, sessions = live_ask
    path = f"/ws/asks/{ask.pk}/"
    asker = await open_socket(path, sessions["ana"])
    member = await open_socket(path, sessions["ben"])
    friend_outside = await open_socket(path, sessions["cleo"])
    stranger = await open_socket(path, sessions["dan"])
    anonymous = await open_socket(path)

    for refused in (friend_outside, stranger, anonymous):
        assert await closed_with(refused) == 4404
    await hello(asker, ask)
    await hello(member, ask)

    red, blue = await sync_to_async(lambda: list(ask.options.all()))()
    await sync_to_async(services.vote)(voter=c.ben, ask_id=ask.pk, option_id=blue.pk)

    expected = {
        "type": "ask.voted",
        "ask_id": ask.pk,
        "version": 2,
        "tallies": {str(red.pk): 0, str(blue.pk): 1},
        "total_votes": 1,
        "answer_count": 0,
    }
    for socket in (asker, member):
        assert await socket.receive_json_from(timeout=3) == expected

    answer = await sync_to_async(services.answer)(author=c.ben, ask_id=ask.pk, text="Blue, no doubt")
    message = await asker.receive_json_from(timeout=3)
    assert message["type"] == "ask.answered" and message["answer_id"] == answer.pk and message["answer_count"] == 1
    assert "Blue, no doubt" not in str(message), "the text is fetched over HTTP, not pushed"

    await sync_to_async(services.close_ask)(asker=c.ana, ask_id=ask.pk)
    assert (await member.receive_json_from(timeout=3))["type"] == "ask.answered"
    assert (await member.receive_json_from(timeout=3))["type"] == "ask.closed"
    await asker.disconnect()
    await member.disconnect()


async def test_a_member_taken_out_of_the_circle_is_closed_with_4403_and_hears_nothing_more(live_ask):
    c, ask, sessions = live_ask
    path = f"/ws/asks/{ask.pk}/"
    asker = await open_socket(path, sessions["ana"])
    member = await open_socket(path, sessions["ben"])
    await hello(asker, ask)
    await hello(member, ask)

    await sync_to_async(social.remove_circle_member)(owner=c.ana, circle_id=c.family.pk, member_id=c.ben.pk)

    assert await closed_with(member) == 4403
    await sync_to_async(services.answer)(author=c.ana, ask_id=ask.pk, text="Just us now")
    assert (await asker.receive_json_from(timeout=3))["type"] == "ask.answered"
    assert await member.receive_nothing(timeout=0.3)
    await asker.disconnect()


async def test_unfriending_or_blocking_closes_the_socket_and_others_stay(live_ask):
    c, ask, sessions = live_ask
    friends_ask = await sync_to_async(ask_colour)(c, audience="friends", circle_id=None)
    path = f"/ws/asks/{friends_ask.pk}/"
    ben = await open_socket(path, sessions["ben"])
    cleo = await open_socket(path, sessions["cleo"])
    await hello(ben, friends_ask)
    await hello(cleo, friends_ask)

    await sync_to_async(social.unfriend)(user=c.ana, friend_id=c.ben.pk)
    assert await closed_with(ben) == 4403
    assert await cleo.receive_nothing(timeout=0.3), "still a friend: still open"

    await sync_to_async(social.block)(blocker=c.cleo, person_id=c.ana.pk)
    assert await closed_with(cleo) == 4403


async def test_deleting_the_ask_closes_its_sockets_with_4404(live_ask):
    c, ask, sessions = live_ask
    member = await open_socket(f"/ws/asks/{ask.pk}/", sessions["ben"])
    await hello(member, ask)

    await sync_to_async(services.delete_ask)(asker=c.ana, ask_id=ask.pk)

    assert await closed_with(member) == 4404
