"""A dispatcher for the kill-mid-batch test: two subscribers note each event they hear in
a table of the test's database; with STALL_AT set, the second stops at that event (after
touching STALLED_FILE) until the test kills the process."""

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plaza.config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from plaza.core import outbox  # noqa: E402

STALL_AT = int(os.environ["STALL_AT"]) if os.environ["STALL_AT"] else None


def note(subscriber: str, event) -> None:
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO fault_heard (event_id, subscriber) VALUES (%s, %s)", [event.pk, subscriber])


@outbox.subscriber("fault.*")
def first(event) -> None:
    note("first", event)


@outbox.subscriber("fault.*")
def second(event) -> None:
    note("second", event)
    if event.payload["n"] == STALL_AT:
        Path(os.environ["STALLED_FILE"]).touch()
        time.sleep(3600)


dispatcher = outbox.Dispatcher(interval=0.05)
signal.signal(signal.SIGTERM, lambda *_: dispatcher.stop())
dispatcher.run()
