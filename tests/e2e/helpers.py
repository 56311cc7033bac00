"""What browser tests share: a signed-in browser context, and work run off Playwright's thread."""

import threading

from django.db import connection
from django.test import Client

PHONE = {"width": 412, "height": 915}


def signed_in_context(browser, live_url, user, viewport=PHONE):
    """A browser context carrying the user's session cookie (no login form to fill)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_url}])
    return context


def signed_in_page(browser, live_url, user):
    return signed_in_context(browser, live_url, user).new_page()


def in_a_worker(work):
    """Run ``work`` as a request would, off this thread, and return its result.

    Playwright's event loop runs on this thread, and the outbox subscribers that push to
    sockets cannot run inside an event loop; the worker's database connection is closed
    afterwards so the live server's tear-down is not kept waiting."""
    result = []

    def run():
        try:
            result.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0] if result else None
