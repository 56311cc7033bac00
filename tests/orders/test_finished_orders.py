"""The shop's finished orders: past the board's Done column, page by page."""

import re

import pytest
from django.test import Client

from plaza.orders.models import OrderStatus
from plaza.orders.selectors import DONE_COLUMN_LIMIT
from plaza.orders.views import ORDERS_PER_PAGE
from plaza.shops.models import StaffRole
from tests.orders.factories import member, paid_order

pytestmark = pytest.mark.django_db

S = OrderStatus


def finished_url(shop) -> str:
    return f"/merchant/{shop.slug}/orders/finished/"


def listed(page: str) -> list[str]:
    """The order numbers in the table, top to bottom."""
    return re.findall(r'<td data-label="Order"><a href="[^"]+">([^<]+)</a>', page)


def finished_orders(location, statuses) -> list:
    return [paid_order(status=status, location=location) for status in statuses]


def test_the_done_column_links_to_all_finished_orders(client_for, order, staff):
    board = f"/merchant/{order.shop.slug}/orders/"
    assert "finished order" not in client_for(staff).get(board).content.decode()

    finished = finished_orders(order.location, [S.COMPLETED, S.CANCELLED] * (DONE_COLUMN_LIMIT // 2 + 1))
    page = client_for(staff).get(board).content.decode()

    assert f'<a href="{finished_url(order.shop)}">See all {len(finished)} finished orders</a>' in page
    assert page.count('data-column="done"') == DONE_COLUMN_LIMIT + 1  # the cards and their column
    assert finished[0].number not in page


def test_finished_orders_are_paginated_newest_first_and_only_this_shops(client_for, order, staff):
    finished = finished_orders(order.location, [S.COMPLETED] * (ORDERS_PER_PAGE + 3))
    paid_order(status=S.ACCEPTED, location=order.location)
    elsewhere = paid_order(status=S.COMPLETED)
    newest_first = [each.number for each in reversed(finished)]
    client = client_for(staff)

    first = client.get(finished_url(order.shop)).content.decode()
    second = client.get(finished_url(order.shop) + "?page=2").content.decode()

    assert listed(first) == newest_first[:ORDERS_PER_PAGE]
    assert listed(second) == newest_first[ORDERS_PER_PAGE:]
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert f"{len(finished)} orders, newest first." in first
    assert order.number not in first + second and elsewhere.number not in first + second
    assert listed(client.get(finished_url(order.shop) + "?page=999999999999999999999").content.decode()) == listed(second)


def test_finished_orders_filter_by_status_and_keep_the_filter_across_pages(client_for, order, staff):
    completed = finished_orders(order.location, [S.COMPLETED] * 2)
    cancelled = finished_orders(order.location, [S.CANCELLED] * (ORDERS_PER_PAGE + 1))
    client = client_for(staff)

    only_completed = client.get(finished_url(order.shop) + "?status=completed").content.decode()
    only_cancelled = client.get(finished_url(order.shop) + "?status=cancelled").content.decode()

    assert listed(only_completed) == [each.number for each in reversed(completed)]
    assert listed(only_cancelled) == [each.number for each in reversed(cancelled)][:ORDERS_PER_PAGE]
    assert 'href="?status=cancelled&amp;page=2"' in only_cancelled
    second = client.get(finished_url(order.shop) + "?status=cancelled&page=2").content.decode()
    assert listed(second) == [cancelled[0].number]


def test_an_unknown_status_says_so_and_lists_every_finished_order(client_for, order, staff):
    finished = finished_orders(order.location, [S.COMPLETED, S.CANCELLED])
    response = client_for(staff).get(finished_url(order.shop) + "?status=new")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice." in page
    assert listed(page) == [each.number for each in reversed(finished)]


def test_an_empty_list_says_so(client_for, order, staff):
    page = client_for(staff).get(finished_url(order.shop) + "?status=cancelled").content.decode()
    assert "No cancelled orders yet." in page
    assert listed(page) == []


def test_only_the_shops_staff_and_owners_see_its_finished_orders(client_for, order, staff, owner):
    paid_order(status=S.COMPLETED, location=order.location)
    stranger = member(paid_order().shop, StaffRole.OWNER)

    assert client_for(staff).get(finished_url(order.shop)).status_code == 200
    assert client_for(owner).get(finished_url(order.shop)).status_code == 200
    assert client_for(stranger).get(finished_url(order.shop)).status_code == 403
    anonymous = Client().get(finished_url(order.shop))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert client_for(staff).get("/merchant/no-such-shop/orders/finished/").status_code == 404
