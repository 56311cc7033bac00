"""Two people with the same list open in two browsers: each one's edits appear on the other's page live."""

import pytest
from playwright.sync_api import expect

from plaza.lists import services
from tests.e2e.helpers import in_a_worker, signed_in_page
from tests.factories import UserFactory
from tests.lists.conftest import befriend

pytestmark = pytest.mark.browser


def item(page, text: str):
    return page.locator(f'#items li:has([aria-label="Got {text}"])')


def shared_list():
    owner, friend = UserFactory(display_name="Olive"), UserFactory(display_name="Eddie")
    befriend(owner, friend)
    shopping_list = services.create_list(owner=owner, title="Dinner party")
    services.share_with(owner=owner, list_id=shopping_list.pk, user_id=friend.pk, role="editor")
    return owner, friend, shopping_list


def add(page, text: str) -> None:
    page.get_by_label("Add an item").fill(text)
    page.get_by_role("button", name="Add", exact=True).click()


def test_two_people_see_each_others_edits_without_a_reload(live_url, browser):
    owner, friend, shopping_list = in_a_worker(shared_list)
    path = f"{live_url}/lists/{shopping_list.pk}/"

    olive, eddie = signed_in_page(browser, live_url, owner), signed_in_page(browser, live_url, friend)
    for page in (olive, eddie):
        page.goto(path)
        expect(page.locator("#live-state")).to_have_text("Live: changes by others appear by themselves.")
        # A page that reloads loses this; the assertions at the end prove it stayed.
        page.evaluate("window.stayedOpen = true")

    add(olive, "Lemons")
    expect(item(eddie, "Lemons")).to_be_visible()
    add(eddie, "Basil")
    expect(item(olive, "Basil")).to_be_visible()
    expect(olive.locator("#remote-changes")).to_have_text("Eddie added Basil")

    item(eddie, "Lemons").get_by_role("checkbox").check()
    expect(item(olive, "Lemons").get_by_role("checkbox")).to_be_checked()
    item(olive, "Basil").get_by_role("button", name="I'll get it: Basil").click()
    expect(item(eddie, "Basil").locator(".item-assignee")).to_have_text("Olive will get it")
    quantity = item(eddie, "Lemons").get_by_label("Quantity of Lemons")
    quantity.fill("4")
    quantity.press("Enter")
    expect(item(olive, "Lemons").get_by_label("Quantity of Lemons")).to_have_value("4")

    # Both pages agree on the order and each has nothing left to send.
    for page in (olive, eddie):
        expect(page.locator("#items li")).to_have_count(2)
        expect(page.locator("#items li.pending")).to_have_count(0)
        assert page.evaluate("window.stayedOpen") is True
    olive.screenshot(path="/tmp/lists-page-owner.png", full_page=True)
    eddie.screenshot(path="/tmp/lists-page-friend.png", full_page=True)
