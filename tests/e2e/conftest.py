"""Browser tests: a real uvicorn server (HTTP + WebSockets) on loopback, Debian's Chromium."""

import os
import socket
import threading
import time

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def live_url(transactional_db, settings):
    """Serve the ASGI app from this process so the test and the server share the database."""
    import uvicorn

    from plaza.config.asgi import application

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
    # The server's threads must not keep connections open, or the test database
    # cannot be dropped at the end of a PostgreSQL run.
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def browser():
    """Chromium; a test fails if any page it opened broke the Content-Security-Policy."""
    from playwright.sync_api import sync_playwright

    violations: list[str] = []

    def watch(context):
        context.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
        return context

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        open_context = browser.new_context
        browser.new_context = lambda *args, **kwargs: watch(open_context(*args, **kwargs))
        yield browser
        browser.close()
    assert violations == [], "a page broke the Content-Security-Policy"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 412, "height": 915})
    page = context.new_page()
    yield page
    context.close()
