from django.core.management.base import BaseCommand

from plaza.core import outbox


class Command(BaseCommand):
    help = "Deliver domain events still pending in the outbox."

    def handle(self, *args, **options):
        delivered = outbox.deliver_pending()
        self.stdout.write(f"delivered {delivered} pending event(s)")
