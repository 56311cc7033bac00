"""Screenshots of each kind of page, on a phone (390×844) and a laptop (1366×900), into
docs/screenshots/: `make screenshots`. Runs a demo town of its own (a temporary SQLite
database and port), signs in as the demo people and captures what they see."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"
SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 900}}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "plaza-demo"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pages(page, base: str):
    """(name, who, url) of each page type; ``who`` signs in first (None: a guest)."""
    page.goto(f"{base}/")
    shop = page.locator("a[href^='/shops/']").first.get_attribute("href")
    page.goto(base + shop)
    product = page.locator("a[href*='/products/']").first.get_attribute("href")
    return [
        ("home", None, "/"),
        ("search", None, "/search/?q=cheese"),
        ("shop", None, shop),
        ("product", None, product),
        ("sign-up", None, "/accounts/signup/"),
        ("feed", "shopper@plaza.test", "/feed/"),
        ("lists", "shopper@plaza.test", "/lists/"),
        ("asks", "shopper@plaza.test", "/asks/"),
        ("profile", "shopper@plaza.test", "/me/"),
        ("order-board", "owner@plaza.test", None),
    ]


def sign_in(context, base: str, email: str):
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    with tempfile.TemporaryDirectory() as var:
        env = {**os.environ, "PLAZA_VAR_DIR": var, "PLAZA_DEBUG": "0", "PORT": str(port)}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        python = sys.executable
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=REPO, env=env, check=True)
        subprocess.run([python, "manage.py", "seed_demo", "--if-empty"], cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([python, "manage.py", "serve", "--port", str(port)], cwd=REPO, env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                listing = browser.new_page()
                shots = pages(listing, base)
                for size, viewport in SIZES.items():
                    for name, who, url in shots:
                        context = browser.new_context(viewport=viewport)
                        page = sign_in(context, base, who) if who else context.new_page()
                        if url is None:  # the owner's first shop's board
                            page.goto(f"{base}/merchant/")
                            url = page.locator("main a[href^='/merchant/']").first.get_attribute("href") + "orders/"
                        page.goto(base + url)
                        page.wait_for_load_state("networkidle")
                        page.screenshot(path=str(OUT / f"{name}-{size}.png"))
                        context.close()
                        print(f"docs/screenshots/{name}-{size}.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
