import threading
import uuid

import uvicorn
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from plaza.core import outbox


class Command(BaseCommand):
    help = (
        "Serve Plaza with uvicorn. With the in-memory channel layer (the embedded profile) the "
        "task worker runs inside this process, so the live pushes it makes reach this process's sockets."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--interval", type=float, default=0.1, help="Seconds between looks for new tasks (a live push waits at most this long).")

    def handle(self, *args, host: str, port: int, interval: float, **options):
        if isinstance(get_channel_layer(), InMemoryChannelLayer):
            worker = Worker(
                queue_names=["*"],
                interval=interval,
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"serve-{uuid.uuid4().hex[:8]}",
                excluded_queue_names=[],
            )
            threading.Thread(target=worker.run, name="plaza-task-worker", daemon=True).start()
            self.stdout.write("Background tasks run in this process (in-memory channel layer).")
            if settings.PLAZA_OUTBOX_DISPATCHER:
                dispatcher = outbox.Dispatcher(interval=interval)
                threading.Thread(target=dispatcher.run, name="plaza-outbox-dispatcher", daemon=True).start()
        uvicorn.run("plaza.config.asgi:application", host=host, port=port, lifespan="off")
