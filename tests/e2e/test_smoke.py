import pytest

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chromium(live_url, page):
    page.goto(live_url + "/")
    assert "Plaza" in page.title()
    assert page.get_by_role("search").is_visible()


def test_every_page_gets_htmx(live_url, page):
    page.goto(live_url + "/")
    assert page.evaluate("typeof window.htmx") == "object"
