"""The demo town: shops, catalog, stock and shoppers around ``settings.PLAZA_DEFAULT_LOCATION``.

A data generator, not a user action: rows go in with ``bulk_create`` in batches (no
services, signals or outbox events, which would make 100,000 products take hours), so it
keeps by hand the invariants the services keep: ``Product.min_price`` is the cheapest
variant, ``Location.h3_cell`` is the location's resolution-7 cell, stock is never below
its reservations, slugs are unique, every product is published.

Everything is drawn from one ``random.Random(seed)`` in a fixed order, so the same seed
and scale give the same town.
"""

import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock
from decimal import Decimal

import h3
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from plaza.accounts.models import User
from plaza.catalog.models import Category, Product, ProductImage, ProductStatus, Tag, Variant
from plaza.core.errors import Conflict
from plaza.demo.tiles import Tile, tile_for, write_tiles
from plaza.demo.together import seed_friends_of
from plaza.demo.vocabulary import (
    DISTRICTS,
    FIRST_NAMES,
    KINDS,
    SHOP_TAGLINES,
    STREETS,
    SURNAMES,
    KindVocabulary,
)
from plaza.inventory.models import Stock
from plaza.shops.models import HoursException, Location, OpeningHours, Shop, ShopKind, ShopMembership, StaffRole
from plaza.shops.services import H3_RESOLUTION

DEMO_PASSWORD = "plaza-demo"
EMAIL_DOMAIN = "plaza.test"
BASE_SHOPS = 30
BASE_PRODUCTS = 2000
BASE_SHOPPERS = 200
TOWN_RADIUS_KM = 4.0
KM_PER_DEGREE_LATITUDE = 111.32
BATCH_SIZE = 2000
# Shops are written a group at a time so a 100,000-product town never sits in memory whole.
PRODUCTS_PER_CHUNK = 5000
GENERAL_TAGS = ("new", "local favourite", "click & collect")

Interval = tuple[clock, clock]
# Weekly hours by weekday (0 = Monday); a missing day is closed.
HOURS_PATTERNS: dict[str, dict[int, list[Interval]]] = {
    "bakery": {
        **{day: [(clock(7), clock(13)), (clock(15, 30), clock(19, 30))] for day in range(1, 6)},
        6: [(clock(7), clock(13))],
    },
    "lunch_break": {day: [(clock(10), clock(12, 30)), (clock(14), clock(19))] for day in range(1, 6)},
    "continuous": {day: [(clock(9, 30), clock(19, 30))] for day in range(0, 6)},
    "monday_afternoon": {0: [(clock(14), clock(19))], **{day: [(clock(10), clock(19))] for day in range(1, 6)}},
    "late": {**{day: [(clock(10), clock(20))] for day in range(0, 6)}, 6: [(clock(10), clock(13))]},
    "evening": {**{day: [(clock(11), clock(22))] for day in range(0, 6)}, 6: [(clock(11), clock(20))]},
}
PUBLIC_HOLIDAYS = (
    (1, 1, "New Year's Day"),
    (5, 1, "Labour Day"),
    (5, 8, "Victory in Europe Day"),
    (7, 14, "Bastille Day"),
    (8, 15, "Assumption Day"),
    (11, 1, "All Saints' Day"),
    (11, 11, "Armistice Day"),
    (12, 25, "Christmas Day"),
)


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    where: str = ""


@dataclass
class SeedReport:
    counts: Counter = field(default_factory=Counter)
    # (phase, seconds) in the order the phases ran
    timings: list[tuple[str, float]] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD


def town_has_shops() -> bool:
    return Shop.objects.exists()


def town_size(scale: float) -> tuple[int, int, int]:
    """(shops, products, shoppers) for ``scale``: scale 1 is the demo town, 50 a 100,000-product one.

    Shops and products per shop both grow with the square root of the scale.
    """
    shops = max(1, round(BASE_SHOPS * math.sqrt(scale)))
    return shops, max(shops, round(BASE_PRODUCTS * scale)), max(1, round(BASE_SHOPPERS * scale))


@transaction.atomic
def seed_demo_town(*, scale: float = 1.0, seed: int = 42, on_phase: Callable[[str, float], None] | None = None) -> SeedReport:
    """Create the demo town in one transaction: all of it or, if anything fails, none of it."""
    if not scale > 0:
        raise ValueError("scale must be positive")
    if town_has_shops():
        raise Conflict("The database already has shops: the demo town goes into an empty database.")
    return _TownBuilder(scale=scale, seed=seed, on_phase=on_phase).build()


def refresh_planner_statistics() -> None:
    """ANALYZE after the bulk load: with no statistics PostgreSQL picks plans that take
    seconds on a 100,000-product catalog (autovacuum would get there, but later)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def next_public_holiday(today: date) -> tuple[date, str]:
    candidates = [
        (date(year, month, day), name) for year in (today.year, today.year + 1) for month, day, name in PUBLIC_HOLIDAYS
    ]
    return min(candidate for candidate in candidates if candidate[0] >= today)


def shelf_price(amount: float) -> Decimal:
    """A price as shops write them: 12.90 below a hundred, round fives above."""
    if amount >= 100:
        return Decimal(round(amount / 5) * 5).quantize(Decimal("0.01"))
    return Decimal(int(amount)) + Decimal("0.90")


@dataclass
class _PlannedShop:
    number: int
    shop: Shop
    vocabulary: KindVocabulary
    product_count: int
    locations: list[Location] = field(default_factory=list)


class _TownBuilder:
    def __init__(self, *, scale: float, seed: int, on_phase: Callable[[str, float], None] | None):
        self.rng = random.Random(seed)
        self.scale = scale
        self.on_phase = on_phase
        self.report = SeedReport()
        self.tiles: set[Tile] = set()
        self.town = settings.PLAZA_DEFAULT_LOCATION
        # One hash for every demo account: hashing 10,000 passwords one by one takes hours.
        self.password_hash = make_password(DEMO_PASSWORD)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.report.timings.append((name, seconds))
        if self.on_phase:
            self.on_phase(name, seconds)

    def build(self) -> SeedReport:
        shop_count, product_count, shopper_count = town_size(self.scale)
        with self.phase("shops, owners and staff"):
            planned = self._plan_shops(shop_count, product_count)
            self._create_shops(planned)
        with self.phase("locations and opening hours"):
            self._create_locations(planned)
        with self.phase("shoppers"):
            self._create_shoppers(shopper_count)
        with self.phase("catalog and stock"):
            self._create_catalog(planned)
        with self.phase("images"):
            self.report.counts["image files written"] = write_tiles(self.tiles)
            self.report.counts["image files in the pool"] = len(self.tiles)
        with self.phase("friends, shares, an ask and a shared list"):
            self.report.counts.update(seed_friends_of(User.objects.get(email=f"shopper@{EMAIL_DOMAIN}"), self.rng))
            self.report.logins.append(DemoLogin("shopper's friend", f"shopper00002@{EMAIL_DOMAIN}", "/feed/"))
        return self.report

    # --- people ---------------------------------------------------------------------------

    def _person(self, email: str, **extra) -> User:
        first_name, last_name = self.rng.choice(FIRST_NAMES), self.rng.choice(SURNAMES)
        return User(
            email=email,
            password=self.password_hash,
            first_name=first_name,
            last_name=last_name,
            display_name=f"{first_name} {last_name}",
            **extra,
        )

    def _save_people(self, people: list[User]) -> None:
        User.objects.bulk_create(people, batch_size=BATCH_SIZE)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=person, email=person.email, verified=True, primary=True) for person in people],
            batch_size=BATCH_SIZE,
        )
        self.report.counts["people"] += len(people)

    def _create_shoppers(self, count: int) -> None:
        shoppers = [self._person(f"shopper@{EMAIL_DOMAIN}")]
        shoppers += [self._person(f"shopper{number:05d}@{EMAIL_DOMAIN}") for number in range(2, count + 1)]
        shoppers.append(self._person(f"admin@{EMAIL_DOMAIN}", is_staff=True, is_superuser=True))
        self._save_people(shoppers)
        self.report.counts["shoppers"] = count
        self.report.logins += [DemoLogin("shopper", shoppers[0].email), DemoLogin("operator", shoppers[-1].email, "/admin/")]

    # --- shops ----------------------------------------------------------------------------

    def _plan_shops(self, shop_count: int, product_count: int) -> list[_PlannedShop]:
        kinds = [kind for kind in ShopKind.values if kind in KINDS]
        sizes = self._shop_sizes(shop_count, product_count)
        taken_names: set[str] = set()
        taken_slugs: set[str] = set()
        planned = []
        for index in range(shop_count):
            kind = kinds[index % len(kinds)]
            vocabulary = KINDS[kind]
            name = self._shop_name(vocabulary, taken_names)
            slug = self._unique(slugify(name), taken_slugs)
            shop = Shop(
                name=name,
                slug=slug,
                kind=kind,
                description=(
                    f"{ShopKind(kind).label} in {self.town['name']}. "
                    + self.rng.choice(SHOP_TAGLINES).format(year=self.rng.randint(1952, 2022))
                ),
                email=f"hello@{slug}.{EMAIL_DOMAIN}",
                phone=self._phone(),
                currency=settings.PLAZA_DEFAULT_CURRENCY,
                tax_rate_percent=vocabulary.tax_rate_percent,
            )
            logo = tile_for(name, "shops/logos", with_thumbnail=False)
            shop.logo.name = logo.image_path
            self.tiles.add(logo)
            planned.append(_PlannedShop(index + 1, shop, vocabulary, sizes[index]))
        return planned

    def _shop_sizes(self, shop_count: int, product_count: int) -> list[int]:
        """Catalog sizes that vary from half to one and a half times the mean and add up to ``product_count``."""
        weights = [self.rng.uniform(0.5, 1.5) for _ in range(shop_count)]
        total = sum(weights)
        sizes = [max(1, int(product_count * weight / total)) for weight in weights]
        for index in range(product_count - sum(sizes)):
            sizes[index % shop_count] += 1
        return sizes

    def _shop_name(self, vocabulary: KindVocabulary, taken: set[str]) -> str:
        for _ in range(20):
            name = self.rng.choice(vocabulary.shop_name_patterns).format(
                surname=self.rng.choice(SURNAMES), district=self.rng.choice(DISTRICTS)[1]
            )
            if name not in taken:
                taken.add(name)
                return name
        return self._unique(name, taken, separator=" ")

    @staticmethod
    def _unique(value: str, taken: set[str], separator: str = "-") -> str:
        candidate, number = value, 1
        while candidate in taken:
            number += 1
            candidate = f"{value}{separator}{number}"
        taken.add(candidate)
        return candidate

    def _phone(self) -> str:
        return "04 7" + str(self.rng.randint(0, 9)) + "".join(f" {self.rng.randint(0, 99):02d}" for _ in range(3))

    def _create_shops(self, planned: list[_PlannedShop]) -> None:
        Shop.objects.bulk_create([plan.shop for plan in planned], batch_size=BATCH_SIZE)
        people: list[User] = []
        memberships: list[ShopMembership] = []
        staff_number = 0
        for index, plan in enumerate(planned):
            owner = self._person(f"owner@{EMAIL_DOMAIN}" if index == 0 else f"owner{index + 1}@{EMAIL_DOMAIN}")
            people.append(owner)
            memberships.append(ShopMembership(shop=plan.shop, user=owner, role=StaffRole.OWNER))
            # Every third shop has staff, the first one included so the demo has a staff login.
            for _ in range(self.rng.randint(1, 2) if index % 3 == 0 else 0):
                staff_number += 1
                email = f"staff@{EMAIL_DOMAIN}" if staff_number == 1 else f"staff{staff_number}@{EMAIL_DOMAIN}"
                people.append(self._person(email))
                memberships.append(ShopMembership(shop=plan.shop, user=people[-1], role=StaffRole.STAFF))
        self._save_people(people)
        ShopMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        self.report.counts["shops"] = len(planned)
        self.report.counts["staff members"] = staff_number
        first = planned[0].shop.name
        self.report.logins += [DemoLogin("merchant owner", f"owner@{EMAIL_DOMAIN}", first)]
        if staff_number:
            self.report.logins += [DemoLogin("shop staff", f"staff@{EMAIL_DOMAIN}", first)]

    # --- locations ------------------------------------------------------------------------

    def _create_locations(self, planned: list[_PlannedShop]) -> None:
        holiday, holiday_name = next_public_holiday(timezone.localdate())
        is_lyon = self.town["name"] == "Lyon"
        locations, hours, exceptions = [], [], []
        for plan in planned:
            ships = self.rng.random() < 0.4
            count = self.rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
            for district, _ in self.rng.sample(DISTRICTS, count):
                latitude, longitude = self._point_in_town()
                location = Location(
                    shop=plan.shop,
                    name=district,
                    address=f"{self.rng.randint(1, 120)} {self.rng.choice(STREETS)}",
                    city=self.town["name"],
                    postcode=f"6900{self.rng.randint(1, 9)}" if is_lyon else "",
                    latitude=latitude,
                    longitude=longitude,
                    h3_cell=h3.latlng_to_cell(latitude, longitude, H3_RESOLUTION),
                    phone=self._phone(),
                    pickup_enabled=True,
                    pickup_preparation_minutes=self.rng.choice((15, 30, 45, 60)),
                    delivery_enabled=self.rng.random() < 0.5,
                    delivery_radius_km=Decimal(self.rng.choice(("3.00", "5.00", "8.00"))),
                    delivery_fee=Decimal(self.rng.choice(("2.90", "3.90", "4.90", "5.90"))),
                    shipping_enabled=ships,
                    shipping_fee=Decimal(self.rng.choice(("4.90", "6.90", "9.90"))),
                )
                plan.locations.append(location)
                locations.append(location)
                pattern = HOURS_PATTERNS[self.rng.choice(plan.vocabulary.hours_patterns)]
                hours += [
                    OpeningHours(location=location, weekday=weekday, opens=opens, closes=closes)
                    for weekday, intervals in pattern.items()
                    for opens, closes in intervals
                ]
                exceptions.append(HoursException(location=location, date=holiday, is_closed=True, note=holiday_name))
        Location.objects.bulk_create(locations, batch_size=BATCH_SIZE)
        OpeningHours.objects.bulk_create(hours, batch_size=BATCH_SIZE)
        HoursException.objects.bulk_create(exceptions, batch_size=BATCH_SIZE)
        self.report.counts["locations"] = len(locations)

    def _point_in_town(self) -> tuple[float, float]:
        """A point spread evenly over the disc of TOWN_RADIUS_KM around the town centre."""
        distance = TOWN_RADIUS_KM * math.sqrt(self.rng.random())
        bearing = self.rng.uniform(0, 2 * math.pi)
        latitude = self.town["latitude"] + distance * math.cos(bearing) / KM_PER_DEGREE_LATITUDE
        longitude = self.town["longitude"] + distance * math.sin(bearing) / (
            KM_PER_DEGREE_LATITUDE * math.cos(math.radians(self.town["latitude"]))
        )
        return round(latitude, 6), round(longitude, 6)

    # --- catalog --------------------------------------------------------------------------

    def _create_catalog(self, planned: list[_PlannedShop]) -> None:
        categories = self._ensure_categories(
            {f"{vocabulary.category_root} > {leaf}" for vocabulary in KINDS.values() for leaf in vocabulary.items.values()}
        )
        tags = self._ensure_tags({tag for vocabulary in KINDS.values() for tag in vocabulary.tags} | set(GENERAL_TAGS))
        writers = _CatalogWriters()
        for plan in planned:
            self._create_products(plan, categories, tags, writers)
            if writers.pending_products >= PRODUCTS_PER_CHUNK:
                writers.flush()
        writers.flush()
        writers.reset_sequences()
        self.report.counts["products"] = writers.products.written
        self.report.counts["variants"] = writers.variants.written
        self.report.counts["stock rows"] = writers.stocks.written

    @staticmethod
    def _ensure_categories(paths: set[str]) -> dict[str, int]:
        """Category ids by " > " path for these paths and their ancestors, reusing existing rows."""
        wanted = {" > ".join(path.split(" > ")[:depth]) for path in paths for depth in range(1, path.count(" > ") + 2)}
        by_path = {category.full_path: category for category in Category.objects.filter(full_path__in=wanted)}
        taken_slugs = set(Category.objects.values_list("slug", flat=True))
        for path in sorted(wanted - by_path.keys(), key=lambda path: (path.count(" > "), path)):
            parent_path, _, name = path.rpartition(" > ")
            by_path[path] = Category.objects.create(
                name=name,
                slug=_TownBuilder._unique(slugify(path)[:150], taken_slugs),
                parent=by_path.get(parent_path),
                full_path=path,
            )
        return {path: category.pk for path, category in by_path.items()}

    @staticmethod
    def _ensure_tags(names: set[str]) -> dict[str, int]:
        existing = set(Tag.objects.filter(name__in=names).values_list("name", flat=True))
        Tag.objects.bulk_create([Tag(name=name) for name in sorted(names - existing)])
        return dict(Tag.objects.filter(name__in=names).values_list("name", "pk"))

    def _create_products(
        self, plan: _PlannedShop, categories: dict[str, int], tags: dict[str, int], writers: "_CatalogWriters"
    ) -> None:
        vocabulary = plan.vocabulary
        tag_pool = list(vocabulary.tags) + list(GENERAL_TAGS)
        taken_titles: set[str] = set()
        taken_handles: set[str] = set()
        for number in range(1, plan.product_count + 1):
            product_id = writers.products.next_id()
            item = self.rng.choice(list(vocabulary.items))
            title = self._unique(f"{self.rng.choice(vocabulary.adjectives)} {item}", taken_titles, separator=" No. ")
            options = vocabulary.options[: self.rng.choices((1, 2, 3), weights=(60, 32, 8))[0]]
            variant_ids = []
            prices = []
            for position, (values, price, compare_at_price) in enumerate(self._variants(vocabulary, options), start=1):
                variant_ids.append(writers.variants.next_id())
                prices.append(price)
                writers.variants.add(
                    variant_ids[-1],
                    product_id,
                    f"S{plan.number:04d}-{number:05d}-{position}",
                    *values,
                    price,
                    compare_at_price,
                    self.rng.randint(50, 2500),
                    position,
                )
            names = [option.name for option in options] + [""] * (3 - len(options))
            writers.products.add(
                product_id,
                plan.shop.pk,
                self._unique(slugify(title), taken_handles),
                title,
                f"<p>{escape(title)}: {escape(self.rng.choice(vocabulary.pitches))}.</p>"
                f"<p>Sold by {escape(plan.shop.name)}, {escape(self.town['name'])}.</p>",
                plan.shop.name,
                vocabulary.items[item],
                categories[f"{vocabulary.category_root} > {vocabulary.items[item]}"],
                ProductStatus.PUBLISHED.value,
                *names,
                min(prices),
            )
            tile = tile_for(title, "products")
            self.tiles.add(tile)
            writers.images.add(product_id, tile.image_path, tile.thumbnail_path, title, 1)
            for name in self.rng.sample(tag_pool, self.rng.randint(1, 3)):
                writers.tags.add(product_id, tags[name])
            for location in self.rng.sample(plan.locations, self.rng.randint(1, len(plan.locations))):
                for variant_id in variant_ids:
                    writers.stocks.add(variant_id, location.pk, self._units_on_hand())

    def _variants(self, vocabulary: KindVocabulary, options) -> list[tuple[list[str], Decimal, Decimal | None]]:
        """(option values, price, compare-at price) of each variant: every combination of the chosen values."""
        # The first option is a run of neighbouring values (S, M, L); the others one or two values.
        first = options[0].values
        run = self.rng.randint(1, min(3, len(first)))
        start = self.rng.randrange(len(first) - run + 1)
        chosen = [list(enumerate(first))[start : start + run]]
        for option in options[1:]:
            picks = sorted(self.rng.sample(range(len(option.values)), self.rng.randint(1, 2)))
            chosen.append([(index, option.values[index]) for index in picks])
        low, high = vocabulary.price_range
        base = math.exp(self.rng.uniform(math.log(low), math.log(high)))
        on_sale = self.rng.random() < 0.15
        variants = []
        for combination in itertools.product(*chosen):
            # Bigger sizes and larger packs cost more.
            factor = 1 + sum(step * index for step, (index, _) in zip((0.35, 0.15, 0.1), combination))
            price = shelf_price(base * factor)
            values = [value for _, value in combination] + [""] * (3 - len(combination))
            variants.append((values, price, shelf_price(float(price) * 1.3) if on_sale else None))
        return variants

    def _units_on_hand(self) -> int:
        # A few shelves are empty: "out of stock here, in stock there" is part of the demo.
        return 0 if self.rng.random() < 0.08 else self.rng.randint(1, 40)


class _RowWriter:
    """Plain INSERTs (COPY on PostgreSQL) for the big catalog tables.

    ``bulk_create`` spends most of its time building model instances and preparing each
    value (about 150 µs a row here); these rows are tuples of values the database driver
    takes as they are. Columns the caller does not give get the field's default, and
    ``auto_now`` columns the current time, so a field added to the model later still works.
    """

    def __init__(self, model, given: list[str], *, explicit_ids: bool = False):
        self.model = model
        fields = [field for field in model._meta.concrete_fields if field.name in given or not field.primary_key]
        by_name = {field.name: field for field in fields}
        now = timezone.now()
        self.defaults = [
            by_name[name].get_db_prep_save(
                now if getattr(by_name[name], "auto_now", False) or getattr(by_name[name], "auto_now_add", False)
                else by_name[name].get_default(),
                connection,
            )
            for name in by_name
            if name not in given
        ]
        columns = [by_name[name].column for name in given] + [field.column for field in fields if field.name not in given]
        quote = connection.ops.quote_name
        table = f"{quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)})"
        self.insert_sql = f"INSERT INTO {table} VALUES ({', '.join(['%s'] * len(columns))})"
        self.copy_sql = f"COPY {table} FROM STDIN"
        self.rows: list[tuple] = []
        self.written = 0
        self.last_id = (model.objects.aggregate(Max("pk"))["pk__max"] or 0) if explicit_ids else None

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def add(self, *values) -> None:
        self.rows.append((*values, *self.defaults))

    def flush(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY streams every row in one statement: several times faster than INSERTs.
                with cursor.cursor.copy(self.copy_sql) as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                for start in range(0, len(self.rows), BATCH_SIZE):
                    cursor.executemany(self.insert_sql, self.rows[start : start + BATCH_SIZE])
        self.written += len(self.rows)
        self.rows = []


class _CatalogWriters:
    def __init__(self):
        self.products = _RowWriter(
            Product,
            [
                "id", "shop", "handle", "title", "description_html", "vendor", "product_type", "category",
                "status", "option1_name", "option2_name", "option3_name", "min_price",
            ],
            explicit_ids=True,
        )
        self.variants = _RowWriter(
            Variant,
            ["id", "product", "sku", "option1", "option2", "option3", "price", "compare_at_price", "grams", "position"],
            explicit_ids=True,
        )
        self.images = _RowWriter(ProductImage, ["product", "image", "thumbnail", "alt_text", "position"])
        self.tags = _RowWriter(Product.tags.through, ["product", "tag"])
        self.stocks = _RowWriter(Stock, ["variant", "location", "quantity"])

    @property
    def pending_products(self) -> int:
        return len(self.products.rows)

    def flush(self) -> None:
        for writer in (self.products, self.variants, self.images, self.tags, self.stocks):
            writer.flush()

    def reset_sequences(self) -> None:
        """Ids were given explicitly: move the id sequences past them (PostgreSQL needs it)."""
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Product, Variant]):
                cursor.execute(sql)
