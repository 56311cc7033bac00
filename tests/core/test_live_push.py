"""Pushes from processes that serve no sockets, and from their forked children."""

import os

from plaza.core import live


def test_a_forked_child_forgets_the_parents_push_loop():
    parents = live._process_push_loop()
    assert live._process_push_loop() is parents, "one loop per process, made once"
    child = os.fork()
    if child == 0:
        # The copy of the parent's loop has no thread running it here: a push handed to
        # it would never be sent.
        forgot = live._push_loop is None and live._server_loop is None
        os._exit(0 if forgot and live._process_push_loop() is not parents else 1)
    _, status = os.waitpid(child, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
