"""Fan-out of a shared list's edits: 200 WebSocket clients on one list, one editor posting operations.

Starts one uvicorn worker on 127.0.0.1 with the ASGI app (its own SQLite database under
``PLAZA_BENCH_DIR``, recreated each run; as deployed, the edit's push is the outbox's live
subscriber, run by the server right after the commit, no task worker involved), connects the clients with the ``websockets`` library (each a different friend of
the owner, with their own session), then posts the edits one after another over HTTP.
For each edit it measures the time from sending the POST until every client has received
that version, and counts the clients that never did (lost messages). Once with the
in-memory channel layer, once with Redis (``REDIS_URL``, default redis://127.0.0.1:6379/0),
and once as ``make serve`` runs (``serve``: PostgreSQL, Redis, nginx in front, the edit
posted to a WSGI worker, the sockets on uvicorn).

    python -m bench.list_fanout                       # 200 clients, 200 edits, all three ways
    python -m bench.list_fanout --clients 50 --edits 20 --layers memory
"""

import argparse
import asyncio
import http.client
import json
import os
import shutil
import signal
import time
import uuid

from bench.browse import free_port, start_server
from bench.common import (
    BENCH_DIR,
    drop_postgres_database,
    emit_result,
    machine,
    percentile,
    postgres_url,
    print_table,
    run_child,
    setup_django,
    start_make_serve,
    stop_make_serve,
)

NAME = "list_fanout"
LAYERS = ("memory", "redis", "serve")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
RECEIVE_TIMEOUT_S = 5
# Each handshake reads the session and the list's access in a worker thread: open a few at a time.
CONCURRENT_HANDSHAKES = 10
CHILD_TIMEOUT_S = 600
TARGET_P99_MS = 100


def seed(clients: int) -> tuple[int, str, list[str]]:
    """A list owned by one person and shared with ``clients`` friends; (list id, owner's token, friends' session ids)."""
    from django.test import Client

    from plaza.accounts.models import User
    from plaza.accounts.services import create_api_token
    from plaza.lists.models import ListMember, ShoppingList
    from plaza.social.models import Friendship

    owner = User.objects.create_user(email="owner@bench.example", display_name="Owner")
    friends = User.objects.bulk_create(
        [User(email=f"friend{n}@bench.example", display_name=f"Friend {n}") for n in range(clients)]
    )
    Friendship.objects.bulk_create(
        [Friendship(user=owner, friend=friend) for friend in friends] + [Friendship(user=friend, friend=owner) for friend in friends]
    )
    shopping_list = ShoppingList.objects.create(owner=owner, title="Street party")
    ListMember.objects.bulk_create([ListMember(shopping_list=shopping_list, user=friend, role="viewer") for friend in friends])
    _, token = create_api_token(user=owner, name="bench")
    sessions = []
    for friend in friends:
        client = Client()
        client.force_login(friend)
        sessions.append(client.cookies["sessionid"].value)
    return shopping_list.pk, token, sessions


def edit_operations(count: int) -> list[tuple[str, dict]]:
    """An add, then checks, notes and quantity changes of that item, in turn."""
    item_id = str(uuid.uuid4())
    steps = [("add_item", {"item_id": item_id, "text": "Bunting", "quantity": 1})]
    cycle = [
        ("check", {"item_id": item_id}),
        ("set_fields", {"item_id": item_id, "fields": {"note": "the red one"}}),
        ("uncheck", {"item_id": item_id}),
    ]
    while len(steps) < count:
        kind, payload = cycle[len(steps) % len(cycle)]
        if kind == "set_fields":
            payload = {"item_id": item_id, "fields": {"quantity": len(steps) % 9 + 1}}
        steps.append((kind, payload))
    return steps


def post_operation(port: int, list_id: int, token: str, number: int, kind: str, payload: dict) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    body = json.dumps({"client_id": "bench", "client_op_id": f"op-{number}", "kind": kind, "payload": payload})
    connection.request(
        "POST",
        f"/api/v1/lists/{list_id}/operations",
        body=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


async def fan_out(port: int, list_id: int, token: str, sessions: list[str], edits: int) -> dict:
    import websockets

    received: list[dict[int, float]] = [{} for _ in sessions]
    arrivals: dict[int, asyncio.Event] = {}
    url = f"ws://127.0.0.1:{port}/ws/lists/{list_id}/"

    handshakes = asyncio.Semaphore(CONCURRENT_HANDSHAKES)

    async def connect(session: str):
        async with handshakes:
            return await _connect(session)

    async def _connect(session: str):
        socket = await websockets.connect(
            url, additional_headers=[("Cookie", f"sessionid={session}")], origin=f"http://127.0.0.1:{port}", max_queue=None
        )
        hello = json.loads(await socket.recv())
        assert hello["type"] == "hello", hello
        return socket

    async def listen(index: int, socket) -> None:
        async for frame in socket:
            message = json.loads(frame)
            if message["type"] == "operation":
                version = message["operation"]["version"]
                received[index][version] = time.perf_counter()
                if all(version in seen for seen in received):
                    arrivals.setdefault(version, asyncio.Event()).set()

    sockets = await asyncio.gather(*(connect(session) for session in sessions))
    listeners = [asyncio.create_task(listen(index, socket)) for index, socket in enumerate(sockets)]
    latencies, post_times, lost, refused = [], [], 0, 0
    try:
        for number, (kind, payload) in enumerate(edit_operations(edits), start=1):
            arrived = arrivals.setdefault(number, asyncio.Event())
            started = time.perf_counter()
            status = await asyncio.to_thread(post_operation, port, list_id, token, number, kind, payload)
            post_times.append((time.perf_counter() - started) * 1000)
            refused += status != 200
            try:
                await asyncio.wait_for(arrived.wait(), RECEIVE_TIMEOUT_S)
            except TimeoutError:
                pass
            times = [seen[number] for seen in received if number in seen]
            lost += len(sessions) - len(times)
            if times:
                latencies.append((max(times) - started) * 1000)
    finally:
        for task in listeners:
            task.cancel()
        await asyncio.gather(*(socket.close() for socket in sockets), return_exceptions=True)
    return {
        "clients": len(sessions),
        "edits": edits,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies, default=float("nan")),
        "post_p50_ms": percentile(post_times, 50),
        "lost": lost,
        "refused": refused,
    }


def run(layer: str, clients: int, edits: int) -> None:
    from django.db import connections

    list_id, token, sessions = seed(clients)
    connections.close_all()
    if layer == "redis":
        os.environ["REDIS_URL"] = os.environ.get("PLAZA_BENCH_REDIS_URL", DEFAULT_REDIS_URL)
        os.environ["PLAZA_REDIS_PREFIX"] = f"bench-{uuid.uuid4().hex[:8]}"
    port = free_port()
    log = BENCH_DIR / NAME / f"server-{layer}.log"
    if layer == "serve":
        environment = {**os.environ, "REDIS_URL": os.environ.get("PLAZA_BENCH_REDIS_URL", DEFAULT_REDIS_URL)}
        server = start_make_serve(port, environment, log)
    else:
        server = start_server(port, log)
    try:
        figures = asyncio.run(fan_out(port, list_id, token, sessions, edits))
        emit_result({"layer": layer, **figures})
    finally:
        if layer == "serve":
            stop_make_serve(server)
        else:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except Exception:
                server.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--layers", default=",".join(LAYERS), help="some of memory, redis, serve (default all three)")
    parser.add_argument("--layer", choices=LAYERS, help=argparse.SUPPRESS)
    parser.add_argument("--backend", default="sqlite", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    layers = [layer for layer in options.layers.split(",") if layer]
    if not (1 <= options.clients <= 500 and 1 <= options.edits <= 500 and layers and set(layers) <= set(LAYERS)):
        parser.error("keep --clients to 1..500, --edits to 1..500 and --layers to some of memory, redis, serve")
    if options.child:
        # A fresh database each run: the figures never depend on what an earlier run left.
        shutil.rmtree(BENCH_DIR / NAME, ignore_errors=True)
        if options.backend == "postgres":
            drop_postgres_database(postgres_url(NAME))
        setup_django(options.backend, NAME)
        run(options.layer, options.clients, options.edits)
        return

    results = []
    for layer in layers:
        arguments = ["--layer", layer, "--clients", str(options.clients), "--edits", str(options.edits)]
        backend = "postgres" if layer == "serve" else "sqlite"
        results += run_child(__spec__.name, backend, arguments, CHILD_TIMEOUT_S)
    print(f"List fan-out — {machine()}")
    print_table(
        [
            "channel layer", "clients", "edits", "p50 ms", "p95 ms", "p99 ms", "max ms",
            "POST p50 ms", "lost", "refused", f"p99 < {TARGET_P99_MS} ms",
        ],
        [
            [
                result["layer"], result["clients"], result["edits"], result["p50_ms"], result["p95_ms"],
                result["p99_ms"], result["max_ms"], result["post_p50_ms"], result["lost"], result["refused"],
                "yes" if result["p99_ms"] < TARGET_P99_MS else "no",
            ]
            for result in results
        ],
    )


if __name__ == "__main__":
    main()
