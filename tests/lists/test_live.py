"""The list's WebSocket through the real ASGI stack: who hears an edit, and sockets that lose access."""

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import Client

from plaza.config.asgi import application
from plaza.lists import services
from plaza.social import services as social
from tests.lists.conftest import add_item, apply

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


async def open_socket(shopping_list, user=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if user is not None:
        cookie = await sync_to_async(session_cookie)(user)
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    socket = WebsocketCommunicator(application, f"/ws/lists/{shopping_list.pk}/", headers=headers)
    connected, _ = await socket.connect()
    assert connected
    return socket


async def open_ready_socket(shopping_list, user) -> WebsocketCommunicator:
    socket = await open_socket(shopping_list, user)
    hello = await socket.receive_json_from(timeout=3)
    assert hello["type"] == "hello"
    return socket


async def closed_with(socket: WebsocketCommunicator) -> int | None:
    message = await socket.receive_output(timeout=3)
    return message.get("code") if message["type"] == "websocket.close" else None


async def next_operation(socket: WebsocketCommunicator) -> dict:
    message = await socket.receive_json_from(timeout=3)
    assert message["type"] == "operation", message
    return message["operation"]


async def test_hello_gives_the_version_and_role(household):
    await sync_to_async(add_item)(household.owner, household.shopping_list)
    socket = await open_socket(household.shopping_list, household.viewer)
    assert await socket.receive_json_from(timeout=3) == {"type": "hello", "version": 1, "role": "viewer"}
    await socket.disconnect()


async def test_an_edit_reaches_exactly_the_sockets_with_access(household):
    other_list = await sync_to_async(services.create_list)(owner=household.stranger, title="Not yours")
    listeners = [
        await open_ready_socket(household.shopping_list, person)
        for person in (household.owner, household.editor, household.viewer, household.circle_member)
    ]
    elsewhere = await open_ready_socket(other_list, household.stranger)
    stranger = await open_socket(household.shopping_list, household.stranger)
    anonymous = await open_socket(household.shopping_list)
    assert await closed_with(stranger) == 4404
    assert await closed_with(anonymous) == 4404

    item_id = await sync_to_async(add_item)(household.editor, household.shopping_list, "Figs")

    for socket in listeners:
        operation = await next_operation(socket)
        assert (operation["version"], operation["kind"], operation["payload"]["item_id"]) == (1, "add_item", item_id)
        assert operation["user"]["name"] == "Eddie"
    assert await elsewhere.receive_nothing(timeout=0.3)
    for socket in (*listeners, elsewhere):
        await socket.disconnect()


async def test_an_edit_is_pushed_at_commit_and_a_loss_of_access_needs_no_worker_either(household, settings):
    """With the deployed task queue (the database) and no worker running, the push is the
    committing process's own: an edit arrives, and an unfriending closes the socket."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    editor = await open_ready_socket(household.shopping_list, household.editor)
    viewer = await open_ready_socket(household.shopping_list, household.viewer)

    await sync_to_async(add_item)(household.owner, household.shopping_list, "Bread")
    assert (await next_operation(viewer))["payload"]["text"] == "Bread"
    assert (await next_operation(editor))["payload"]["text"] == "Bread"

    await sync_to_async(social.unfriend)(user=household.owner, friend_id=household.viewer.pk)
    assert await closed_with(viewer) == 4403
    await sync_to_async(add_item)(household.owner, household.shopping_list, "Milk")
    assert (await next_operation(editor))["payload"]["text"] == "Milk"
    assert await viewer.receive_nothing(timeout=0.3)
    await editor.disconnect()


async def assert_cut_off(socket, household, still_listening) -> None:
    """The socket is closed with 4403, and a later edit reaches the others only."""
    assert await closed_with(socket) == 4403
    await sync_to_async(add_item)(household.owner, household.shopping_list, "After")
    for other in still_listening:
        assert (await next_operation(other))["payload"]["text"] == "After"
    assert await socket.receive_nothing(timeout=0.3)


async def test_leaving_the_circle_closes_the_members_socket(household):
    member = await open_ready_socket(household.shopping_list, household.circle_member)
    editor = await open_ready_socket(household.shopping_list, household.editor)

    await sync_to_async(social.remove_circle_member)(owner=household.owner, circle_id=household.circle.pk, member_id=household.circle_member.pk)

    await assert_cut_off(member, household, [editor])
    await editor.disconnect()


async def test_unfriending_the_owner_closes_the_socket_and_the_api_says_404(household, token_client_for):
    editor = await open_ready_socket(household.shopping_list, household.editor)
    viewer = await open_ready_socket(household.shopping_list, household.viewer)

    await sync_to_async(social.unfriend)(user=household.editor, friend_id=household.owner.pk)

    await assert_cut_off(editor, household, [viewer])
    client = await sync_to_async(token_client_for)(household.editor)
    response = await sync_to_async(client.get)(f"/api/v1/lists/{household.shopping_list.pk}")
    assert response.status_code == 404
    await viewer.disconnect()


async def test_a_block_closes_the_socket_and_ends_access_for_good(household, token_client_for):
    viewer = await open_ready_socket(household.shopping_list, household.viewer)
    editor = await open_ready_socket(household.shopping_list, household.editor)

    await sync_to_async(social.block)(blocker=household.owner, person_id=household.viewer.pk)

    await assert_cut_off(viewer, household, [editor])
    client = await sync_to_async(token_client_for)(household.viewer)
    response = await sync_to_async(client.get)(f"/api/v1/lists/{household.shopping_list.pk}")
    assert response.status_code == 404
    await editor.disconnect()


async def test_removing_a_member_closes_their_socket_and_a_role_change_is_announced(household):
    editor = await open_ready_socket(household.shopping_list, household.editor)
    viewer = await open_ready_socket(household.shopping_list, household.viewer)

    await sync_to_async(services.share_with)(owner=household.owner, list_id=household.shopping_list.pk, user_id=household.viewer.pk, role="editor")
    assert await viewer.receive_json_from(timeout=3) == {"type": "role", "role": "editor"}

    await sync_to_async(services.unshare)(owner=household.owner, list_id=household.shopping_list.pk, user_id=household.editor.pk)
    await assert_cut_off(editor, household, [viewer])
    await viewer.disconnect()


async def test_deleting_the_list_closes_every_socket(household):
    sockets = [await open_ready_socket(household.shopping_list, person) for person in (household.editor, household.circle_member)]
    await sync_to_async(services.delete_list)(user=household.owner, list_id=household.shopping_list.pk)
    for socket in sockets:
        assert await closed_with(socket) == 4403


async def test_a_late_joiner_catches_up_from_the_version_in_hello(household):
    item_id = await sync_to_async(add_item)(household.owner, household.shopping_list)
    await sync_to_async(apply)(household.owner, household.shopping_list, "check", {"item_id": item_id})
    socket = await open_socket(household.shopping_list, household.editor)
    assert (await socket.receive_json_from(timeout=3))["version"] == 2
    await sync_to_async(apply)(household.editor, household.shopping_list, "uncheck", {"item_id": item_id})
    assert (await next_operation(socket))["version"] == 3
    await socket.disconnect()
