"""The tab bar phones navigate with: five sections, the cart's count, the current one marked."""

import pytest
from django.test import Client

from tests.checkout.conftest import make_store
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def tab_bar(html: str) -> str:
    return html[html.index('<nav class="tabbar"') : html.index("</nav>", html.index('<nav class="tabbar"'))]


def test_a_guest_sees_the_five_tabs_with_the_carts_count():
    guest = Client()
    guest.post("/cart/add/", {"variant_id": make_store().variant.pk, "quantity": 3})

    tabs = tab_bar(guest.get("/cart/").content.decode())

    for label in ("Home", "Search", "Lists", "Cart", "Log in"):
        assert f"</svg>{label}" in tabs
    assert 'aria-label="Cart, 3 items"' in tabs and 'href="/cart/" aria-current="page"' in tabs


def test_a_signed_in_person_reaches_everything_else_from_me():
    person = Client()
    person.force_login(UserFactory())
    tabs = tab_bar(person.get("/").content.decode())
    assert 'href="/me/"' in tabs and "</svg>Me" in tabs and 'aria-label="Cart' not in tabs
    me = person.get("/me/").content.decode()
    for link in ("/feed/", "/friends/", "/asks/", "/orders/", "/merchant/"):
        assert f'href="{link}"' in me
