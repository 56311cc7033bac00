"""The home feed of a person with 500 friends in a town with 1,000,000 shares.

Seeds (once; reused afterwards) 20,000 people, 1,000,000 shares spread over a year by
random authors (9 in 10 to friends, 1 in 10 public), the fan-out rows those shares wrote
for the reader (every share of their 500 friends) plus 1,000,000 rows of other people's
feeds, and 50,000 new products of the 20 shops the reader follows. Then it reads:

- ``fan-out on write`` — what Plaza does: the feed page through ``GET /api/v1/feed/``
  (Django's full request handling, no network), first page and 5 pages deep;
- ``fan-out on read`` — the alternative, for comparison: the newest shares of the reader's
  friends that the reader may see, straight from the share table;
- the write side: fanning one share out to 500 friends.

Every read reports p50/p99 and the SQL statements it took.

    python -m bench.feed                         # SQLite
    python -m bench.feed --backend both --reads 300
"""

import argparse
import json
import random
import time
from datetime import datetime, timezone

from bench.common import BACKENDS, BENCH_DIR, emit_result, machine, percentile, print_table, run_child, setup_django

PEOPLE = 20_000
FRIENDS = 500
SHARES = 1_000_000
OTHER_FEED_ROWS = 1_000_000
FOLLOWED_SHOPS = 20
SHOP_NEWS = 50_000
SPREAD_SECONDS = 365 * 24 * 3600
READER_EMAIL = "reader@bench.example"
TARGET_P99_MS = 50
CHILD_TIMEOUT_S = 3600
DEEP_PAGES = 5


def _insert_series(cursor, vendor: str, count: int, select_sql: str, table: str, columns: str) -> None:
    """INSERT INTO table (columns) SELECT ... over i = 1..count, in the database itself.

    The statement takes a parameter, so a modulo in ``select_sql`` is written ``%%``."""
    if vendor == "postgresql":
        cursor.execute(f"INSERT INTO {table} ({columns}) {select_sql.format(series='generate_series(1::bigint, %s) AS s(i)')}", [count])
    else:
        cursor.execute(
            f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %s) "
            f"INSERT INTO {table} ({columns}) {select_sql.format(series='s')}",
            [count],
        )


def _timestamp_sql(vendor: str, seconds_ago: str) -> str:
    if vendor == "postgresql":
        return f"(now() - ({seconds_ago}) * interval '1 second')"
    return f"strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || ({seconds_ago}) || ' seconds')"


def seed(record_path) -> dict:
    """Seed the town unless it is there; returns what the seed took."""
    from django.db import connection, transaction

    from plaza.accounts.models import User
    from plaza.catalog.models import Product
    from plaza.shops.models import Shop
    from plaza.social.models import Friendship, ShopFollow

    if User.objects.filter(email=READER_EMAIL).exists():
        return {**json.loads(record_path.read_text()), "reused": True}
    started = time.perf_counter()
    rng = random.Random(7)
    vendor = connection.vendor
    with transaction.atomic():
        User.objects.bulk_create(
            [User(email=f"p{n}@bench.example", display_name=f"Person {n}", password="!") for n in range(PEOPLE)],
            batch_size=5000,
        )
        reader = User.objects.create(email=READER_EMAIL, display_name="Reader", password="!")
        ids = list(User.objects.exclude(pk=reader.pk).values_list("pk", flat=True))
        first_id, last_id = min(ids), max(ids)
        friends = rng.sample(ids, FRIENDS)
        Friendship.objects.bulk_create(
            [Friendship(user=reader, friend_id=f) for f in friends] + [Friendship(user_id=f, friend=reader) for f in friends],
            batch_size=5000,
        )
        shops = Shop.objects.bulk_create([Shop(name=f"Shop {n}", slug=f"bench-shop-{n}") for n in range(FOLLOWED_SHOPS + 5)])
        ShopFollow.objects.bulk_create([ShopFollow(follower=reader, shop=shop) for shop in shops[:FOLLOWED_SHOPS]])
        users = last_id - first_id + 1
        with connection.cursor() as cursor:
            # Authors are spread over every id; share i is i * (spread / count) seconds old.
            step = SPREAD_SECONDS / SHARES
            _insert_series(
                cursor, vendor, SHARES,
                f"SELECT {first_id} + ((i * 7919) %% {users}), 'shop', {shops[0].pk}, '', "
                f"CASE WHEN i %% 10 = 0 THEN 'public' ELSE 'friends' END, {_timestamp_sql(vendor, f'i * {step}')} FROM {{series}}",
                "feed_share", "author_id, kind, shop_id, message, audience, created_at",
            )
            friend_list = ",".join(map(str, friends))
            cursor.execute(
                "INSERT INTO feed_feedentry (recipient_id, share_id, actor_id, created_at) "
                f"SELECT {reader.pk}, id, author_id, created_at FROM feed_share WHERE author_id IN ({friend_list})"
            )
            cursor.execute(
                "INSERT INTO feed_feedentry (recipient_id, share_id, actor_id, created_at) "
                f"SELECT {first_id} + ((id * 31) % {users}), id, author_id, created_at FROM feed_share "
                f"WHERE id <= {OTHER_FEED_ROWS} AND author_id NOT IN ({friend_list})"
            )
        products = Product.objects.bulk_create(
            [
                Product(shop=shops[n % FOLLOWED_SHOPS], handle=f"p-{n}", title=f"Product {n}", status="published")
                for n in range(SHOP_NEWS)
            ],
            batch_size=5000,
        )
        news_step = SPREAD_SECONDS / SHOP_NEWS
        first_product = products[0].pk
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO feed_shopnews (shop_id, product_id, created_at) "
                f"SELECT shop_id, id, {_timestamp_sql(vendor, f'(id - {first_product}) * {news_step}')} "
                f"FROM catalog_product WHERE id >= {first_product}"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    record = {"seconds": time.perf_counter() - started, "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    record_path.write_text(json.dumps(record))
    return {**record, "reused": False}


def _timed(action, reads: int) -> dict:
    """Run ``action`` ``reads`` times; latency percentiles and the statements of one run."""
    from django.db import connection

    for _ in range(5):
        action()
    # Counted by a wrapper: a request through the test client resets Django's own query log.
    captured = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: captured.append(sql) or execute(sql, params, many, context)):
        action()
    timings = []
    for _ in range(reads):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(timings, 50), "p99_ms": percentile(timings, 99), "max_ms": max(timings), "queries": len(captured)}


def measure(backend: str, reads: int) -> None:
    from django.test import Client

    from plaza.accounts.models import User
    from plaza.feed import services
    from plaza.feed.models import FeedEntry, Share
    from plaza.social.audiences import visible_to
    from plaza.social.models import Friendship
    from plaza.social.selectors import friend_ids

    seeded = seed(BENCH_DIR / "feed" / f"seed-{backend}.json")
    reader = User.objects.get(email=READER_EMAIL)
    client = Client()
    client.force_login(reader)

    def first_page():
        response = client.get("/api/v1/feed/")
        assert response.status_code == 200 and len(response.json()["items"]) == 20, response.content[:300]
        return response.json()

    cursor = None
    for _ in range(DEEP_PAGES):
        cursor = client.get("/api/v1/feed/" + (f"?before={cursor}" if cursor else "")).json()["next_before"]

    def deep_page():
        assert client.get(f"/api/v1/feed/?before={cursor}").status_code == 200

    def fan_out_on_read():
        shares = visible_to(Share.objects.filter(author__in=friend_ids(reader)), reader)
        assert len(list(shares.order_by("-created_at", "-id").values_list("pk", flat=True)[:20])) == 20

    writer = User.objects.filter(pk__in=friend_ids(reader)).first()
    own_share = Share.objects.filter(author=writer).first()
    FeedEntry.objects.filter(share=own_share).delete()

    def fan_out_one_share():
        FeedEntry.objects.filter(share=own_share).exclude(recipient=writer).delete()
        services.fan_out(own_share.pk)

    # The writer has as many friends as the reader, so one share reaches 500 people.
    missing = FRIENDS - Friendship.objects.filter(user=writer).count()
    if missing > 0:
        strangers = User.objects.exclude(pk__in=friend_ids(writer)).exclude(pk=writer.pk).values_list("pk", flat=True)[:missing]
        Friendship.objects.bulk_create([Friendship(user=writer, friend_id=f) for f in strangers])
    common = {
        "backend": backend,
        "shares": Share.objects.count(),
        "entries": FeedEntry.objects.count(),
        "seed_seconds": seeded["seconds"],
        "seed_reused": seeded["reused"],
    }
    for name, action in (
        ("fan-out on write: first page (API)", first_page),
        (f"fan-out on write: page {DEEP_PAGES + 1} (API)", deep_page),
        ("fan-out on read: first page (query only)", fan_out_on_read),
        (f"write: fan one share out to {Friendship.objects.filter(user=writer).count()} friends", fan_out_one_share),
    ):
        emit_result({**common, "case": name, **_timed(action, reads if "write:" not in name else max(20, reads // 10))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backend", choices=[*BACKENDS, "both"], default="sqlite")
    parser.add_argument("--reads", type=int, default=300, help="timed reads per case (default 300)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if not 10 <= options.reads <= 10_000:
        parser.error("keep --reads to 10..10000")
    if options.child:
        setup_django(options.backend, "feed")
        measure(options.backend, options.reads)
        return
    backends = BACKENDS if options.backend == "both" else [options.backend]
    results = [r for backend in backends for r in run_child(__spec__.name, backend, ["--reads", str(options.reads)], CHILD_TIMEOUT_S)]
    print(f"Home feed, 500 friends, 1,000,000 shares — {machine()}")
    print_table(
        ["backend", "case", "p50 ms", "p99 ms", "max ms", "SQL statements", f"p99 < {TARGET_P99_MS} ms"],
        [
            [r["backend"], r["case"], r["p50_ms"], r["p99_ms"], r["max_ms"], r["queries"], "yes" if r["p99_ms"] < TARGET_P99_MS else "no"]
            for r in results
        ],
    )
    for backend in backends:
        first = next(r for r in results if r["backend"] == backend)
        how = "reused; seeded earlier in" if first["seed_reused"] else "seeded in"
        print(f"{backend}: {first['shares']:,} shares, {first['entries']:,} feed rows ({how} {first['seed_seconds']:,.0f} s)")


if __name__ == "__main__":
    main()
