"""Plaza installs as an app: a manifest with icons, and a service worker that shows an
offline page when the network is gone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_manifest_and_the_service_worker_make_an_app_that_says_when_it_is_offline(live_url, page):
    page.goto(f"{live_url}/")
    scope = page.evaluate("navigator.serviceWorker.ready.then(registration => registration.scope)")
    assert scope == f"{live_url}/"
    manifest = page.evaluate("fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())")
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        assert page.evaluate(f"fetch('{icon['src']}').then(r => r.status)") == 200
    # The worker controls pages loaded after it is ready.
    page.reload()
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    page.context.set_offline(True)
    page.goto(f"{live_url}/search/?q=bread")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.locator(".topbar")).to_be_visible(), "the shell's styles came from the cache"
    page.context.set_offline(False)
    page.goto(f"{live_url}/search/?q=bread")
    expect(page.get_by_role("heading", name="You are offline")).to_have_count(0)
