import io
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from plaza.core.errors import Conflict
from plaza.demo.services import refresh_planner_statistics, seed_demo_town, town_has_shops, town_size

SEARCH_INDEX_COMMAND = "rebuild_search_index"


class Command(BaseCommand):
    help = (
        "Seed a demo town around PLAZA_DEFAULT_LOCATION: shops with locations and hours, "
        "a catalog with variants, images and stock, shoppers, and demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 (default): ~30 shops, ~2,000 products, ~200 shoppers; 50: ~100,000 products, ~10,000 shoppers.",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed: the same seed gives the same town.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has shops.")

    def handle(self, *args, scale: float, seed: int, if_empty: bool, **options):
        if not 0 < scale <= 1000:
            raise CommandError("--scale must be more than 0 and at most 1000.")
        if if_empty and town_has_shops():
            self.stdout.write("The database already has shops: not seeding the demo town.")
            return
        shops, products, shoppers = town_size(scale)
        self.stdout.write(
            f"Seeding the demo town (scale {scale:g}, seed {seed}): "
            f"~{shops:,} shops, ~{products:,} products, {shoppers:,} shoppers."
        )
        started = time.perf_counter()
        try:
            report = seed_demo_town(scale=scale, seed=seed, on_phase=self._print_phase)
        except Conflict as error:
            raise CommandError(f"{error.message} Pass --if-empty to skip seeding instead.") from error
        if SEARCH_INDEX_COMMAND in get_commands():
            phase_started = time.perf_counter()
            call_command(SEARCH_INDEX_COMMAND, stdout=io.StringIO())
            self._print_phase("search index", time.perf_counter() - phase_started)
        phase_started = time.perf_counter()
        refresh_planner_statistics()
        self._print_phase("planner statistics", time.perf_counter() - phase_started)
        self._print_phase("total", time.perf_counter() - started)

        self.stdout.write("")
        self.stdout.write(", ".join(f"{count:,} {name}" for name, count in report.counts.items()))
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password: {report.password}):"))
        for login in report.logins:
            where = f"  ({login.where})" if login.where else ""
            self.stdout.write(f"  {login.role:<15} {login.email}{where}")

    def _print_phase(self, name: str, seconds: float) -> None:
        self.stdout.write(f"  {name:<28} {seconds:8.2f} s")
