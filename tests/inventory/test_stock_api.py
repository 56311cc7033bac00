"""The stock API through HTTP: list with filters, adjust, count, movement log, permissions."""

import pytest

from plaza.inventory.models import Stock, StockMovement
from plaza.shops.models import StaffRole
from tests.factories import LocationFactory, MembershipFactory, StockFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_stock():
    """A shop with two locations; three stock rows, one of them low."""
    owner = MembershipFactory(role=StaffRole.OWNER)
    shop = owner.shop
    centre, station = LocationFactory(shop=shop, name="Centre"), LocationFactory(shop=shop, name="Station")
    mug = VariantFactory(product__shop=shop, product__title="Blue mug", sku="MUG-BLUE")
    teapot = VariantFactory(product__shop=shop, product__title="Teapot", sku="POT-1")
    StockFactory(variant=mug, location=centre, quantity=10)
    StockFactory(variant=mug, location=station, quantity=2)
    StockFactory(variant=teapot, location=centre, quantity=7)
    return {"shop": shop, "owner": owner.user, "centre": centre, "station": station, "mug": mug, "teapot": teapot}


def url(shop, action: str) -> str:
    return f"/api/v1/inventory/shops/{shop.slug}/{action}"


def test_owner_lists_stock_with_filters(token_client_for, shop_stock):
    client = token_client_for(shop_stock["owner"])
    shop = shop_stock["shop"]
    assert client.get(url(shop, "stock")).json()["count"] == 3
    by_location = client.get(url(shop, "stock"), {"location_id": shop_stock["station"].pk}).json()
    assert [(row["sku"], row["quantity"]) for row in by_location["items"]] == [("MUG-BLUE", 2)]
    low = client.get(url(shop, "stock"), {"low": "true"}).json()
    assert [(row["location_name"], row["is_low"]) for row in low["items"]] == [("Station", True)]
    assert client.get(url(shop, "stock"), {"q": "pot"}).json()["count"] == 1
    assert client.get(url(shop, "stock"), {"q": "mug", "limit": 1}).json()["count"] == 2


def test_staff_adjust_stock_and_the_movement_is_logged(token_client_for, shop_stock):
    staff = MembershipFactory(shop=shop_stock["shop"], role=StaffRole.STAFF).user
    client = token_client_for(staff)
    response = client.post(
        url(shop_stock["shop"], "adjust"),
        {
            "variant_id": shop_stock["mug"].pk,
            "location_id": shop_stock["centre"].pk,
            "delta": -3,
            "reason": "damaged",
            "note": "dropped a box",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["quantity"], response.json()["available"]) == (7, 7)
    [movement] = client.get(url(shop_stock["shop"], "movements")).json()["items"]
    assert (movement["delta"], movement["reason"], movement["note"], movement["actor_email"]) == (
        -3,
        "damaged",
        "dropped a box",
        staff.email,
    )


def test_count_sets_the_quantity(token_client_for, shop_stock):
    client = token_client_for(shop_stock["owner"])
    payload = {"variant_id": shop_stock["teapot"].pk, "location_id": shop_stock["station"].pk, "quantity": 4}
    response = client.post(url(shop_stock["shop"], "count"), payload, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["quantity"] == 4
    assert StockMovement.objects.get().reason == "count"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"delta": -11}, "delta"),
        ({"delta": 0}, "delta"),
        ({"delta": 10**30}, "delta"),
        ({"reason": "sale"}, "reason"),
        ({"reason": "whatever"}, "reason"),
        ({"variant_id": 10**30}, "variant_id"),
    ],
)
def test_bad_adjustments_are_422_and_write_nothing(token_client_for, shop_stock, changes, field):
    client = token_client_for(shop_stock["owner"])
    payload = {"variant_id": shop_stock["mug"].pk, "location_id": shop_stock["centre"].pk, "delta": 1, "reason": "received"}
    response = client.post(url(shop_stock["shop"], "adjust"), {**payload, **changes}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not StockMovement.objects.exists()
    assert Stock.objects.get(variant=shop_stock["mug"], location=shop_stock["centre"]).quantity == 10


def test_another_shops_variant_or_location_is_refused(token_client_for, shop_stock):
    client = token_client_for(shop_stock["owner"])
    foreign_variant, foreign_location = VariantFactory(), LocationFactory()
    payload = {"variant_id": foreign_variant.pk, "location_id": foreign_location.pk, "delta": 5, "reason": "received"}
    response = client.post(url(shop_stock["shop"], "adjust"), payload, content_type="application/json")
    assert set(response.json()["error"]["fields"]) == {"variant_id", "location_id"}
    assert not Stock.objects.filter(variant=foreign_variant).exists()


def test_non_members_cannot_see_or_change_stock(token_client_for, shop_stock):
    client = token_client_for(UserFactory())
    shop = shop_stock["shop"]
    assert client.get(url(shop, "stock")).status_code == 403
    assert client.get(url(shop, "movements")).status_code == 403
    payload = {"variant_id": shop_stock["mug"].pk, "location_id": shop_stock["centre"].pk, "delta": 5, "reason": "received"}
    response = client.post(url(shop, "adjust"), payload, content_type="application/json")
    assert response.json()["error"]["code"] == "forbidden"
    assert not StockMovement.objects.exists()


def test_guests_must_sign_in(client, shop_stock):
    assert client.get(url(shop_stock["shop"], "stock")).status_code == 401
