"""A friend request reaches the open page of the person asked: the bell counts it without a reload."""

import pytest
from playwright.sync_api import expect

from plaza.social import services as social
from tests.e2e.helpers import in_a_worker, signed_in_page
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_a_friend_request_lights_up_the_bell_and_the_open_list_without_a_reload(live_url, browser):
    ana, ben = UserFactory(display_name="Ana Lima"), UserFactory(display_name="Ben Roy")
    page = signed_in_page(browser, live_url, ana)
    page.goto(f"{live_url}/notifications/")
    bell = page.locator("#notification-bell")
    expect(page.get_by_role("heading", name="Nothing new")).to_be_visible()
    expect(bell.locator("[data-unread-badge]")).to_be_hidden()
    expect(bell).to_have_attribute("data-live", "on")
    page.evaluate("window.stayedOpen = true")

    in_a_worker(lambda: social.send_friend_request(sender=ben, to_user_id=ana.pk))

    expect(bell.locator("[data-unread-number]")).to_have_text("1")
    expect(bell.locator("[data-unread-badge]")).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    item = page.locator("#notification-list .notification.unread")
    expect(item).to_have_text("Ben Roy wants to be your friend New, unread just now")
    expect(page.get_by_role("button", name="Mark all as read")).to_be_visible()
    assert page.evaluate("window.stayedOpen") is True

    in_a_worker(lambda: social.send_friend_request(sender=UserFactory(display_name="Cleo Duval"), to_user_id=ana.pk))
    expect(bell.locator("[data-unread-number]")).to_have_text("2")
    expect(page.locator("#notification-list .notification").first).to_contain_text("Cleo Duval wants to be your friend")
    page.screenshot(path="/tmp/notifications-live.png", full_page=True)

    page.get_by_role("link", name="Ben Roy wants to be your friend").click()
    page.wait_for_url(f"{live_url}/friends/")
    expect(page.locator("#notification-bell [data-unread-number]")).to_have_text("1")

    page.goto(f"{live_url}/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("#notification-bell [data-unread-badge]")).to_be_hidden()
    expect(page.locator("#notification-list .notification.unread")).to_have_count(0)
    page.screenshot(path="/tmp/notifications-page.png", full_page=True)
