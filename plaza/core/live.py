"""The one shape of a live page's socket: who may listen, and losing that right.

Every socket is a ``LiveConsumer``: it only listens, to the groups it joined. A
``WatchConsumer`` accepts (so a browser sees the close code), joins its user's control
group, checks access in a worker thread, and only then joins the watched object's group
and says hello. Joining the control group first means a revocation sent between the check
and the join is not missed. When access may have been lost, the control group hears a
recheck; the socket checks again and, refused, leaves its groups and closes with 4403, so
it hears nothing more. Clients only listen: their writes go over HTTP.
"""

import asyncio
import logging
import os
import threading
from collections import deque

from asgiref.sync import async_to_sync
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer

logger = logging.getLogger(__name__)

# WebSocket close codes in the application range, echoing HTTP: clients stop retrying.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


# How long a push from another thread waits for the server's event loop to take it.
HANDOFF_TIMEOUT_S = 5
_server_loop: asyncio.AbstractEventLoop | None = None


def remember_server_loop() -> None:
    """Called by the ASGI application on each connection: the loop that serves the sockets.

    The in-memory channel layer's queues belong to that loop, so a push made on another
    thread of the same process (the in-process task worker of ``manage.py serve``, a test's
    helper thread) is handed to it rather than run on a loop of its own.
    """
    global _server_loop
    _server_loop = asyncio.get_running_loop()


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


# A process's pushes wait here for its push loop; past this many (the channel layer is
# down or far behind) new ones are dropped, as a push that fails is.
MAX_QUEUED_PUSHES = 10_000


class _PushQueue:
    """An event loop on a thread of its own, for a process that serves no sockets, and the
    pushes waiting for it.

    A WSGI worker or a task worker pushes through the Redis layer after each commit. Run on
    a loop made for each push (``async_to_sync``), every push would open and close its own
    Redis connections; on this one the layer keeps its connection pool. The caller does
    not wait for the push to be sent (its commit is done; the request has other work), and
    one task sends them, so they leave in the order they were made. Waking the loop costs
    a write to its pipe and a thread switch, a push's worth of CPU: pushes made while it is
    awake or already woken (a placed order's two) ride on one wake-up.
    """

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.waiting: deque = deque()
        self.lock = threading.Lock()
        self.woken = False
        self.ready = asyncio.Event()
        threading.Thread(target=self._run, name="plaza-live-push", daemon=True).start()

    def _run(self) -> None:
        self.loop.create_task(self._send_in_order())
        self.loop.run_forever()

    async def _send_in_order(self) -> None:
        while True:
            await self.ready.wait()
            with self.lock:
                # Cleared before the queue is emptied: a push added meanwhile either is sent
                # in this round or wakes the loop again.
                self.ready.clear()
                self.woken = False
            while self.waiting:
                layer, group, message = self.waiting.popleft()
                try:
                    await layer.group_send(group, message)
                except Exception:
                    logger.exception("live push to %s failed", group)

    def put(self, layer, group: str, message: dict) -> None:
        if len(self.waiting) >= MAX_QUEUED_PUSHES:
            logger.error("live push to %s dropped: %d pushes are already waiting", group, MAX_QUEUED_PUSHES)
            return
        self.waiting.append((layer, group, message))
        with self.lock:
            if self.woken:
                return
            self.woken = True
        self.loop.call_soon_threadsafe(self.ready.set)


_push_queue: _PushQueue | None = None
_push_queue_lock = threading.Lock()


def _process_push_queue() -> _PushQueue:
    global _push_queue
    with _push_queue_lock:
        if _push_queue is None:
            _push_queue = _PushQueue()
        return _push_queue


def _forget_loops_in_a_forked_child() -> None:
    # A forked child has copies of the parent's loops but not the threads running them:
    # a push handed to one would never be sent.
    global _server_loop, _push_queue
    _server_loop = None
    _push_queue = None


os.register_at_fork(after_in_child=_forget_loops_in_a_forked_child)


def send_to_group(group: str, message: dict) -> None:
    """From synchronous code (a subscriber): one message to every socket of a group."""
    layer = get_channel_layer()
    loop = _server_loop
    if loop is None and not isinstance(layer, InMemoryChannelLayer):
        _process_push_queue().put(layer, group, message)
        return
    if loop is not None and loop.is_running() and not _on_loop(loop):
        asyncio.run_coroutine_threadsafe(layer.group_send(group, message), loop).result(timeout=HANDOFF_TIMEOUT_S)
        return
    async_to_sync(layer.group_send)(group, message)


class LiveConsumer(AsyncJsonWebsocketConsumer):
    """A socket that only listens: it joins groups, hears their pushes, leaves them on close."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups_joined: list[str] = []
        self.stopped = False

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler, a hop through
        # the one thread that runs synchronous code: for a list with 200 open sockets,
        # 200 hops in a row for one edit. These handlers reach the database only through
        # database_sync_to_async, which closes stale connections itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def join(self, group: str) -> None:
        await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined.append(group)

    async def leave_groups(self) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = []

    async def stop(self, code: int) -> None:
        """Hear nothing more, and tell the client why (once: the reason may come twice)."""
        if self.stopped:
            return
        self.stopped = True
        await self.leave_groups()
        await self.close(code=code)

    async def disconnect(self, code):
        await self.leave_groups()

    async def receive_json(self, content, **kwargs):
        """Clients only listen: their writes go over HTTP."""


class WatchConsumer(LiveConsumer):
    """Subclasses name the groups and the access check, and add their message handlers."""

    def control_group(self, user_id: int) -> str:
        raise NotImplementedError

    def watched_group(self) -> str:
        raise NotImplementedError

    def access(self, user):
        """Runs in a worker thread; something true (a role, say) when the user may watch."""
        raise NotImplementedError

    def hello(self, access) -> dict:
        raise NotImplementedError

    def load_route(self, kwargs: dict) -> None:
        """Read the watched object's id from the URL route."""

    async def connect(self):
        self.load_route(self.scope["url_route"]["kwargs"])
        user = self.scope["user"]
        await self.accept()
        if not getattr(user, "is_authenticated", False):
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.join(self.control_group(user.pk))
        granted = await database_sync_to_async(self.access)(user)
        if not granted:
            await self.stop(CLOSE_NOT_FOUND)
            return
        await self.join(self.watched_group())
        await self.send_json(self.hello(granted))

    async def recheck(self):
        """Check access again; close with 4403 when it is gone. Returns what access remains.

        Rechecks come twice (at once, and again from the task); one that was already in
        this socket's queue when it stopped finds nothing to do."""
        if self.stopped:
            return None
        granted = await database_sync_to_async(self.access)(self.scope["user"])
        if not granted:
            await self.stop(CLOSE_FORBIDDEN)
        return granted
