import signal

from django.core.management.base import BaseCommand

from plaza.core import outbox


class Command(BaseCommand):
    help = "Deliver outbox events to their subscribers as they commit, until stopped (SIGTERM or Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Deliver what is pending and exit.")
        parser.add_argument(
            "--interval", type=float, default=0.1, help="Seconds between looks while nothing is pending."
        )

    def handle(self, *args, once: bool = False, interval: float = 0.1, **options):
        if once:
            self.stdout.write(f"delivered {outbox.sweep()} pending event(s)")
            return
        dispatcher = outbox.Dispatcher(interval=interval)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: dispatcher.stop())
        dispatcher.run()
