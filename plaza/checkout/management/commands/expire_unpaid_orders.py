from django.core.management.base import BaseCommand

from plaza.checkout.services import expire_unpaid_orders


class Command(BaseCommand):
    help = "Cancel orders whose payment hold lapsed and release their reserved stock."

    def handle(self, *args, **options):
        expired = expire_unpaid_orders()
        self.stdout.write(f"{expired} unpaid order(s) expired.")
