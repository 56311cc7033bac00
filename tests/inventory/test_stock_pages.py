"""The merchant's stock pages: table with filters, htmx adjustment per row, movement log."""

import pytest

from plaza.inventory.models import Stock, StockMovement
from plaza.shops.models import StaffRole
from tests.factories import LocationFactory, MembershipFactory, StockFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def stocked():
    membership = MembershipFactory(role=StaffRole.STAFF)
    shop = membership.shop
    centre, station = LocationFactory(shop=shop, name="Centre"), LocationFactory(shop=shop, name="Station")
    scarf = StockFactory(variant=VariantFactory(product__shop=shop, product__title="Wool scarf", sku="SCARF-1"), location=centre, quantity=9)
    gloves = StockFactory(variant=VariantFactory(product__shop=shop, product__title="Gloves", sku="GLV-2"), location=station, quantity=1)
    return {"shop": shop, "staff": membership.user, "scarf": scarf, "gloves": gloves, "station": station}


@pytest.fixture
def staff_client(client, stocked):
    client.force_login(stocked["staff"])
    return client


def stock_url(shop, suffix=""):
    return f"/merchant/{shop.slug}/stock/{suffix}"


def test_stock_table_filters_by_location_low_and_search(staff_client, stocked):
    shop = stocked["shop"]
    page = staff_client.get(stock_url(shop)).content.decode()
    assert "Wool scarf" in page and "Gloves" in page
    only_station = staff_client.get(stock_url(shop), {"location": stocked["station"].pk}).content.decode()
    assert "Gloves" in only_station and "Wool scarf" not in only_station
    low = staff_client.get(stock_url(shop), {"low": "on"}).content.decode()
    assert "Gloves" in low and "Wool scarf" not in low
    by_sku = staff_client.get(stock_url(shop), {"q": "scarf-1"}).content.decode()
    assert "Wool scarf" in by_sku and "Gloves" not in by_sku
    assert "No stock matches" in staff_client.get(stock_url(shop), {"q": "umbrella"}).content.decode()


def test_stock_table_is_paginated(staff_client, stocked):
    for _ in range(30):
        StockFactory(variant=VariantFactory(product__shop=stocked["shop"]), location=stocked["station"])
    first = staff_client.get(stock_url(stocked["shop"]))
    assert len(first.context["rows"]) == 25
    second = staff_client.get(stock_url(stocked["shop"]), {"page": 2})
    assert len(second.context["rows"]) == 7


def test_htmx_adjustment_returns_the_updated_row(staff_client, stocked):
    scarf = stocked["scarf"]
    response = staff_client.post(
        stock_url(stocked["shop"], f"{scarf.pk}/adjust/"), {"delta": "3", "reason": "received", "note": "delivery"}, **HTMX
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="stock-{scarf.pk}"')
    assert "<td data-label=\"On hand\">12</td>" in row and "Saved." in row
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.note, movement.actor) == (3, "delivery", stocked["staff"])


def test_htmx_adjustment_errors_show_inline_and_write_nothing(staff_client, stocked):
    gloves = stocked["gloves"]
    response = staff_client.post(stock_url(stocked["shop"], f"{gloves.pk}/adjust/"), {"delta": "-5", "reason": "damaged"}, **HTMX)
    row = response.content.decode()
    assert 'class="field-error"' in row and "negative" in row
    assert 'value="-5"' in row
    gloves.refresh_from_db()
    assert gloves.quantity == 1
    assert not StockMovement.objects.exists()
    response = staff_client.post(stock_url(stocked["shop"], f"{gloves.pk}/adjust/"), {"delta": "0", "reason": "sale"}, **HTMX)
    assert "other than 0" in response.content.decode()
    assert not StockMovement.objects.exists()


def test_adjustment_without_htmx_redirects_back_to_the_table(staff_client, stocked):
    scarf = stocked["scarf"]
    response = staff_client.post(stock_url(stocked["shop"], f"{scarf.pk}/adjust/"), {"delta": "-1", "reason": "damaged"})
    assert response.status_code == 302
    scarf.refresh_from_db()
    assert scarf.quantity == 8


def test_another_shops_stock_row_cannot_be_adjusted(staff_client, stocked):
    foreign = StockFactory(quantity=4)
    response = staff_client.post(stock_url(stocked["shop"], f"{foreign.pk}/adjust/"), {"delta": "5", "reason": "received"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.quantity == 4


def test_non_members_cannot_see_or_adjust_stock(client, stocked):
    client.force_login(UserFactory())
    assert client.get(stock_url(stocked["shop"])).status_code == 403
    scarf = stocked["scarf"]
    assert client.post(stock_url(stocked["shop"], f"{scarf.pk}/adjust/"), {"delta": "5", "reason": "received"}).status_code == 403
    assert Stock.objects.get(pk=scarf.pk).quantity == 9


def test_movement_log_lists_changes_newest_first(staff_client, stocked):
    scarf = stocked["scarf"]
    for delta in ("2", "-1"):
        staff_client.post(stock_url(stocked["shop"], f"{scarf.pk}/adjust/"), {"delta": delta, "reason": "adjustment"}, **HTMX)
    response = staff_client.get(stock_url(stocked["shop"], "movements/"))
    assert [movement.delta for movement in response.context["page"]] == [-1, 2]
    assert "Manual adjustment" in response.content.decode()
    empty = staff_client.get(stock_url(stocked["shop"], "movements/"), {"location": stocked["station"].pk})
    assert "No stock movements yet" in empty.content.decode()
