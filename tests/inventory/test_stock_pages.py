"""The merchant's stock pages: table with filters, htmx adjustment and count per row, movement log."""

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


def count_url(stock):
    return stock_url(stock.location.shop, f"{stock.pk}/count/")


def test_htmx_count_sets_the_quantity_and_logs_the_difference(staff_client, stocked):
    scarf = stocked["scarf"]
    response = staff_client.post(count_url(scarf), {"quantity": "17", "note": "Monday stock-take"}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="stock-{scarf.pk}"') and row.rstrip().endswith("</tr>")
    assert "<html" not in row and "Movement log" not in row
    assert '<td data-label="On hand">17</td>' in row and "Counted (+8)." in row
    assert "<details class=\"count\">" in row  # closed again after a good count
    scarf.refresh_from_db()
    assert scarf.quantity == 17
    movement = StockMovement.objects.get()
    assert (movement.delta, movement.quantity_after, movement.reason, movement.note, movement.actor) == (
        8, 17, "count", "Monday stock-take", stocked["staff"]
    )


def test_count_lower_than_on_record_logs_a_negative_difference(staff_client, stocked):
    scarf = stocked["scarf"]
    staff_client.post(count_url(scarf), {"quantity": "0"}, **HTMX)
    assert Stock.objects.get(pk=scarf.pk).quantity == 0
    assert list(StockMovement.objects.values_list("delta", "reason")) == [(-9, "count")]


def test_count_that_matches_the_record_changes_nothing(staff_client, stocked):
    scarf = stocked["scarf"]
    row = staff_client.post(count_url(scarf), {"quantity": "9"}, **HTMX).content.decode()
    assert "no change" in row and 'class="field-error"' not in row
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    ("quantity", "message"),
    [("-1", "greater than or equal to 0"), ("many", "Enter a whole number"), ("2.5", "Enter a whole number"), ("", "required")],
)
def test_bad_count_gets_a_field_error_and_writes_nothing(staff_client, stocked, quantity, message):
    scarf = stocked["scarf"]
    response = staff_client.post(count_url(scarf), {"quantity": quantity}, **HTMX)
    assert response.status_code == 200
    row = response.content.decode()
    assert f'<p class="field-error" id="id_count_quantity_{scarf.pk}-error">' in row and message in row
    assert 'aria-invalid="true"' in row and '<details class="count" open>' in row
    assert Stock.objects.get(pk=scarf.pk).quantity == 9
    assert not StockMovement.objects.exists()


def test_count_below_the_reserved_units_is_refused(staff_client, stocked):
    scarf = stocked["scarf"]
    Stock.objects.filter(pk=scarf.pk).update(reserved=4)
    row = staff_client.post(count_url(scarf), {"quantity": "3", "note": "shelf"}, **HTMX).content.decode()
    assert f'id="id_count_quantity_{scarf.pk}-error">4 units are reserved by orders awaiting payment.</p>' in row
    assert 'value="3"' in row and '<details class="count" open>' in row
    scarf.refresh_from_db()
    assert (scarf.quantity, scarf.reserved) == (9, 4)
    assert not StockMovement.objects.exists()
    # Exactly the reserved units is a valid count.
    staff_client.post(count_url(scarf), {"quantity": "4"}, **HTMX)
    assert Stock.objects.get(pk=scarf.pk).quantity == 4


def test_count_without_htmx_redirects_back_to_the_table_with_a_message(staff_client, stocked):
    scarf = stocked["scarf"]
    response = staff_client.post(count_url(scarf), {"quantity": "12"}, follow=True)
    assert response.redirect_chain == [(stock_url(stocked["shop"]), 302)]
    assert "Counted 12 of Wool scarf" in response.content.decode()
    assert Stock.objects.get(pk=scarf.pk).quantity == 12
    refused = staff_client.post(count_url(scarf), {"quantity": "-3"}, follow=True)
    assert refused.redirect_chain == [(stock_url(stocked["shop"]), 302)]
    assert "greater than or equal to 0" in refused.content.decode()
    assert StockMovement.objects.count() == 1


def test_the_stock_table_offers_a_count_form_per_row(staff_client, stocked):
    page = staff_client.get(stock_url(stocked["shop"])).content.decode()
    for stock in (stocked["scarf"], stocked["gloves"]):
        assert f'action="{count_url(stock)}"' in page
        assert f'id="id_count_note_{stock.pk}"' in page and f'id="id_note_{stock.pk}"' in page


def test_the_shops_owner_can_count_too(client, stocked):
    owner = MembershipFactory(shop=stocked["shop"], role=StaffRole.OWNER).user
    client.force_login(owner)
    gloves = stocked["gloves"]
    assert client.post(count_url(gloves), {"quantity": "6"}, **HTMX).status_code == 200
    assert Stock.objects.get(pk=gloves.pk).quantity == 6
    assert StockMovement.objects.get().actor == owner


def test_another_shops_member_cannot_count_this_shops_stock(client, stocked):
    outsider = MembershipFactory(role=StaffRole.OWNER)
    client.force_login(outsider.user)
    scarf = stocked["scarf"]
    assert client.post(count_url(scarf), {"quantity": "50"}, **HTMX).status_code == 403
    # Nor through the address of their own shop, where the row is not theirs.
    assert client.post(stock_url(outsider.shop, f"{scarf.pk}/count/"), {"quantity": "50"}, **HTMX).status_code == 404
    assert Stock.objects.get(pk=scarf.pk).quantity == 9
    assert not StockMovement.objects.exists()


def test_strangers_cannot_count_stock(client, stocked):
    scarf = stocked["scarf"]
    anonymous = client.post(count_url(scarf), {"quantity": "50"})
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    client.force_login(UserFactory())
    assert client.post(count_url(scarf), {"quantity": "50"}, **HTMX).status_code == 403
    assert client.get(count_url(scarf)).status_code in (403, 405)
    assert Stock.objects.get(pk=scarf.pk).quantity == 9
    assert not StockMovement.objects.exists()


def test_movement_log_lists_changes_newest_first(staff_client, stocked):
    scarf = stocked["scarf"]
    for delta in ("2", "-1"):
        staff_client.post(stock_url(stocked["shop"], f"{scarf.pk}/adjust/"), {"delta": delta, "reason": "adjustment"}, **HTMX)
    response = staff_client.get(stock_url(stocked["shop"], "movements/"))
    assert [movement.delta for movement in response.context["page"]] == [-1, 2]
    assert "Manual adjustment" in response.content.decode()
    empty = staff_client.get(stock_url(stocked["shop"], "movements/"), {"location": stocked["station"].pk})
    assert "No stock movements yet" in empty.content.decode()
