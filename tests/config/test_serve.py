"""``make serve`` starts the production profile: the front, pages, sockets, static files; and stops it."""

import asyncio
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import websockets
from django.conf import settings

pytestmark = pytest.mark.postgres_only

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def get(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.fixture
def served(tmp_path):
    database = settings.DATABASES["default"]
    server = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
    port = free_port()
    environment = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"{server}/plaza_serve_test",
        "PLAZA_VAR_DIR": str(tmp_path),
        "PLAZA_WEB_WORKERS": "1",
    }
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        ["bash", "scripts/serve.sh"], cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if get(f"http://127.0.0.1:{port}/healthz")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail("make serve did not start:\n" + (tmp_path / "serve.log").read_text()[-3000:])
        time.sleep(0.5)
    yield port, process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)


def test_the_front_serves_pages_hashed_static_files_and_sockets_then_stops(served):
    port, process = served
    base = f"http://127.0.0.1:{port}"

    status, headers, body = get(f"{base}/")
    assert status == 200
    assert headers["Server"].startswith("nginx")
    stylesheet = next(part.split('"')[0] for part in body.decode().split('href="')[1:] if part.startswith("/static/web/plaza."))
    assert stylesheet != "/static/web/plaza.css", "pages link to the collected, hashed name"

    status, headers, _ = get(base + stylesheet)
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]

    async def anonymous_socket():
        async with websockets.connect(f"ws://127.0.0.1:{port}/ws/notifications/", origin=base) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code

    assert asyncio.run(anonymous_socket()) == 4403, "the socket reached Channels through the front, which refused a stranger"

    process.terminate()
    process.wait(timeout=60)
    deadline = time.monotonic() + 30
    while answers(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not answers(port), "every process stopped with it"
