import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Enqueue the housekeeping tasks of settings.PLAZA_PERIODIC_TASKS on their intervals."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Enqueue every task once and exit.")

    def handle(self, *args, once: bool = False, **options):
        schedule = {import_string(path): interval for path, interval in settings.PLAZA_PERIODIC_TASKS.items()}
        due_at = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for task, interval in schedule.items():
                if now >= due_at[task]:
                    task.enqueue()
                    due_at[task] = now + interval
            if once:
                return
            time.sleep(1)
