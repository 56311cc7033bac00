"""PostgreSQL connections come from a bounded pool: traffic waits for one, it never opens more."""

import threading
import time
import urllib.request

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

REQUESTS = 24


def server_connections(database: str) -> int:
    """How many sessions PostgreSQL has open on the test database, seen from outside the pool."""
    params = connection.get_connection_params()
    params.pop("pool", None)
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params["dbname"] = "postgres"
    with psycopg.connect(autocommit=True, **params) as outside:
        return outside.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]).fetchone()[0]


def test_concurrent_requests_share_the_pool_and_never_exceed_its_bound():
    bound = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    database = connection.settings_dict["NAME"]
    statuses: list[int] = []
    peak = 0
    start = threading.Barrier(REQUESTS)
    done = threading.Event()

    def visitor():
        start.wait()
        # Each request holds its connection for a while, so the visitors overlap.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.05)")
        connection.close()
        statuses.append(Client().get("/healthz").status_code)
        # A server gives the connection back when the response is done; the test client does not.
        connection.close()

    def watch():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, server_connections(database))

    watcher = threading.Thread(target=watch)
    watcher.start()
    visitors = [threading.Thread(target=visitor) for _ in range(REQUESTS)]
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join(timeout=60)
    done.set()
    watcher.join(timeout=10)

    assert statuses == [200] * REQUESTS
    assert 1 <= peak <= bound
    stats = connection.pool.get_stats()
    assert stats["pool_max"] == bound
    assert stats.get("requests_waiting", 0) == 0


def test_requests_through_a_server_reuse_the_pools_connections(live_server):
    bound = settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
    connection.close()
    pool = connection.pool
    opened_before = pool.get_stats().get("connections_num", 0)
    for _ in range(20):
        with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=10) as response:
            assert response.status == 200
    opened = pool.get_stats().get("connections_num", 0) - opened_before
    assert opened <= bound
    # The server gives a connection back when the response is closed, which can be a moment
    # after the client has read it.
    deadline = time.monotonic() + 10
    while pool.get_stats()["pool_available"] < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pool.get_stats()["pool_available"] >= 1
