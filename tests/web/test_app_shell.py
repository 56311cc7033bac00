"""What makes Plaza installable: the manifest, the service worker, the offline page."""

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_and_its_icons(client):
    answer = client.get("/manifest.webmanifest")
    assert answer["Content-Type"] == "application/manifest+json"
    manifest = answer.json()
    assert (manifest["short_name"], manifest["display"], manifest["start_url"]) == ("Plaza", "standalone", "/")
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    page = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page and 'name="theme-color"' in page


def test_the_service_worker_is_served_fresh_from_the_root_and_caches_the_shell(client):
    answer = client.get("/sw.js")
    assert answer["Content-Type"].startswith("text/javascript") and answer["Cache-Control"] == "no-cache"
    worker = answer.content.decode()
    assert '"/offline/"' in worker and f'"{static("web/plaza.css")}"' in worker
    assert 'request.method !== "GET"' in worker, "forms and API writes are never intercepted"


def test_the_offline_page_says_what_still_works(client):
    page = client.get("/offline/").content.decode()
    assert "You are offline" in page and 'href="/lists/"' in page
