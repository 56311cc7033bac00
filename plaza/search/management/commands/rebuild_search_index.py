from django.core.management.base import BaseCommand

from plaza.search.services import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the product search index from the catalog (after a bulk import or a restore)."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} searchable products.")
