"""Pushes from processes that serve no sockets, and from their forked children."""

import asyncio
import os
import threading

from plaza.core import live


def test_a_forked_child_forgets_the_parents_push_loop():
    parents = live._process_push_queue()
    assert live._process_push_queue() is parents, "one loop per process, made once"
    child = os.fork()
    if child == 0:
        # The copy of the parent's loop has no thread running it here: a push handed to
        # it would never be sent.
        forgot = live._push_queue is None and live._server_loop is None
        os._exit(0 if forgot and live._process_push_queue() is not parents else 1)
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


class HeldLayer:
    """A channel layer whose first send waits until the test lets it go; one fails."""

    def __init__(self):
        self.sent: list[tuple[str, dict]] = []
        self.let_go = threading.Event()
        self.all_sent = threading.Event()

    async def group_send(self, group, message):
        if not self.let_go.is_set():
            await asyncio.get_running_loop().run_in_executor(None, self.let_go.wait)
        if message.get("fail"):
            raise ConnectionError("layer down")
        self.sent.append((group, message))
        if message.get("last"):
            self.all_sent.set()


def test_a_process_without_sockets_pushes_in_order_without_waiting_for_the_layer(monkeypatch, caplog):
    layer = HeldLayer()
    monkeypatch.setattr(live, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(live, "_push_queue", None)
    monkeypatch.setattr(live, "_server_loop", None)
    live.send_to_group("g", {"n": 1})
    live.send_to_group("g", {"n": 2, "fail": True})
    live.send_to_group("h", {"n": 3, "last": True})
    assert layer.sent == [], "the caller returned while the first push was still held"
    layer.let_go.set()
    assert layer.all_sent.wait(timeout=10)
    assert layer.sent == [("g", {"n": 1}), ("h", {"n": 3, "last": True})]
    assert "live push to g failed" in caplog.text
