"""The shops API through HTTP: public directory, merchant management, permissions, errors."""

from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from plaza.shops.models import MIDNIGHT, HoursException, Location, OpeningHours, Shop, ShopMembership, StaffRole
from tests.factories import LocationFactory, OpeningHoursFactory, ShopFactory, UserFactory
from tests.shops.conftest import image_upload

pytestmark = pytest.mark.django_db

API = "/api/v1/shops"


@pytest.fixture
def as_owner(token_client_for, owner):
    return token_client_for(owner)


@pytest.fixture
def as_staff(token_client_for, staff):
    return token_client_for(staff)


@pytest.fixture
def as_stranger(token_client_for, stranger):
    return token_client_for(stranger)


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert body["code"] == code
    return body["fields"]


# --- public ---------------------------------------------------------------------------


def test_public_list_is_paginated_and_filtered_by_kind(client):
    for index in range(3):
        ShopFactory(name=f"Bakery {index}", kind="food")
    ShopFactory(name="Books", kind="books")
    ShopFactory(name="Closed down", kind="food", is_active=False)
    page = client.get(f"{API}/", {"kind": "food", "limit": 2}).json()
    assert page["count"] == 3
    assert [shop["name"] for shop in page["items"]] == ["Bakery 0", "Bakery 1"]
    assert client.get(f"{API}/", {"kind": "food", "limit": 2, "offset": 2}).json()["items"][0]["name"] == "Bakery 2"


@pytest.mark.parametrize("query", [{"kind": "spaceships"}, {"limit": 0}, {"limit": 10**30}, {"offset": 10**30}])
def test_public_list_refuses_bad_parameters(client, query):
    assert_error(client.get(f"{API}/", query), 422, "invalid")


def test_detail_shows_locations_hours_open_now_and_fulfilment(client, shop, location):
    OpeningHoursFactory(location=location, weekday=timezone.localdate().weekday(), opens=time(0), closes=MIDNIGHT)
    HoursException.objects.create(location=location, date=timezone.localdate() + timedelta(days=1), note="Inventory day")
    body = client.get(f"{API}/{shop.slug}").json()
    assert body["slug"] == shop.slug
    [place] = body["locations"]
    assert place["id"] == location.pk
    assert isinstance(place["open_now"], bool)
    assert len(place["hours"]) == 7
    assert place["exceptions"][0]["note"] == "Inventory day"
    assert place["fulfilment"]["delivery"] == {"enabled": True, "radius_km": "5.00", "fee": "4.90"}
    assert place["fulfilment"]["currency"] == "EUR"


def test_detail_of_an_unknown_or_inactive_shop_is_not_found(client):
    assert_error(client.get(f"{API}/nope"), 404, "not_found")
    assert_error(client.get(f"{API}/nul%00byte"), 404, "not_found")
    assert_error(client.get(f"{API}/{ShopFactory(is_active=False).slug}"), 404, "not_found")


# --- shops ----------------------------------------------------------------------------


def test_signed_in_user_creates_a_shop_and_finds_it_among_their_shops(token_client_for):
    client = token_client_for(UserFactory())
    response = client.post(f"{API}/", {"name": "La Fromagerie", "kind": "food"}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "la-fromagerie"
    assert [(shop["slug"], shop["role"]) for shop in client.get(f"{API}/mine").json()] == [("la-fromagerie", "owner")]


def test_creating_a_shop_needs_a_sign_in(client):
    assert_error(client.post(f"{API}/", {"name": "X"}, content_type="application/json"), 401, "unauthorized")
    assert not Shop.objects.exists()


def test_create_with_bad_fields_reports_each_field_and_writes_nothing(token_client_for):
    client = token_client_for(UserFactory())
    response = client.post(
        f"{API}/", {"name": "", "email": "no", "currency": "EUR", "tax_rate_percent": "5"}, content_type="application/json"
    )
    assert set(assert_error(response, 422, "invalid")) == {"name", "email"}
    assert not Shop.objects.exists()


def test_malformed_json_is_a_clear_client_error(as_owner, shop):
    response = as_owner.patch(f"{API}/{shop.slug}", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_owner_updates_the_shop_staff_and_strangers_get_403(as_owner, as_staff, as_stranger, shop):
    response = as_owner.patch(f"{API}/{shop.slug}", {"phone": "+33 4 00 00 00 00"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["phone"] == "+33 4 00 00 00 00"
    for client in (as_staff, as_stranger):
        assert_error(client.patch(f"{API}/{shop.slug}", {"name": "Hijacked"}, content_type="application/json"), 403, "forbidden")
    shop.refresh_from_db()
    assert shop.name != "Hijacked"


def test_logo_upload_accepts_an_image_and_refuses_other_files(as_owner, as_staff, shop, settings):
    response = as_owner.post(f"{API}/{shop.slug}/logo", {"logo": image_upload(size=(1024, 1024))})
    assert response.status_code == 200, response.content
    assert response.json()["logo_url"].startswith("/media/shops/logos/")

    text = SimpleUploadedFile("logo.png", b"just text", content_type="image/png")
    assert "logo" in assert_error(as_owner.post(f"{API}/{shop.slug}/logo", {"logo": text}), 422, "invalid")
    settings.PLAZA_MAX_IMAGE_BYTES = 100
    assert "logo" in assert_error(as_owner.post(f"{API}/{shop.slug}/logo", {"logo": image_upload()}), 422, "invalid")
    assert_error(as_staff.post(f"{API}/{shop.slug}/logo", {"logo": image_upload()}), 403, "forbidden")


# --- locations, hours, exceptions -----------------------------------------------------


LOCATION = {"name": "Presqu'île", "address": "3 Rue Mercière", "city": "Lyon", "latitude": 45.76, "longitude": 4.83}


def test_owner_manages_locations(as_owner, shop):
    created = as_owner.post(f"{API}/{shop.slug}/locations", LOCATION, content_type="application/json")
    assert created.status_code == 201, created.content
    location_id = created.json()["id"]
    assert Location.objects.get(pk=location_id).h3_cell

    updated = as_owner.patch(
        f"{API}/{shop.slug}/locations/{location_id}",
        {"delivery_enabled": True, "delivery_radius_km": "8", "delivery_fee": "3.50"},
        content_type="application/json",
    )
    assert updated.json()["fulfilment"]["delivery"] == {"enabled": True, "radius_km": "8.00", "fee": "3.50"}

    assert as_owner.delete(f"{API}/{shop.slug}/locations/{location_id}").status_code == 204
    assert not Location.objects.filter(pk=location_id).exists()


@pytest.mark.parametrize(
    "changes, field",
    [({"latitude": 123}, "latitude"), ({"longitude": -181}, "longitude"), ({"shipping_fee": "-0.01"}, "shipping_fee")],
)
def test_bad_location_input_is_422_with_the_field(as_owner, shop, changes, field):
    response = as_owner.post(f"{API}/{shop.slug}/locations", {**LOCATION, **changes}, content_type="application/json")
    assert field in assert_error(response, 422, "invalid")
    assert not Location.objects.exists()


def test_staff_and_strangers_cannot_touch_locations(as_staff, as_stranger, shop, location):
    for client in (as_staff, as_stranger):
        assert_error(client.post(f"{API}/{shop.slug}/locations", LOCATION, content_type="application/json"), 403, "forbidden")
        assert_error(client.delete(f"{API}/{shop.slug}/locations/{location.pk}"), 403, "forbidden")
        assert_error(
            client.put(f"{API}/{shop.slug}/locations/{location.pk}/hours", {"hours": []}, content_type="application/json"),
            403,
            "forbidden",
        )
    assert Location.objects.filter(pk=location.pk).exists()


def test_another_shops_location_is_not_found(as_owner, shop):
    other = LocationFactory()
    assert_error(as_owner.delete(f"{API}/{shop.slug}/locations/{other.pk}"), 404, "not_found")
    assert_error(as_owner.delete(f"{API}/{shop.slug}/locations/{10**30}"), 404, "not_found")
    assert Location.objects.filter(pk=other.pk).exists()


def test_hours_are_replaced_and_overlaps_refused(as_owner, shop, location):
    url = f"{API}/{shop.slug}/locations/{location.pk}/hours"
    week = {"hours": [{"weekday": 0, "opens": "09:00", "closes": "12:00"}, {"weekday": 0, "opens": "14:00", "closes": "18:00"}]}
    response = as_owner.put(url, week, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["hours"][0]["intervals"] == [
        {"opens": "09:00:00", "closes": "12:00:00"},
        {"opens": "14:00:00", "closes": "18:00:00"},
    ]
    overlapping = {"hours": [{"weekday": 0, "opens": "09:00", "closes": "15:00"}, {"weekday": 0, "opens": "14:00", "closes": "18:00"}]}
    assert "weekday.0" in assert_error(as_owner.put(url, overlapping, content_type="application/json"), 422, "invalid")
    assert OpeningHours.objects.filter(location=location).count() == 2


def test_exceptions_are_added_and_deleted(as_owner, shop, location):
    url = f"{API}/{shop.slug}/locations/{location.pk}/exceptions"
    day = (timezone.localdate() + timedelta(days=2)).isoformat()
    created = as_owner.post(url, {"date": day, "is_closed": False, "opens": "10:00", "closes": "13:00"}, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = as_owner.post(url, {"date": day, "is_closed": False, "opens": "13:00", "closes": "10:00"}, content_type="application/json")
    assert "closes" in assert_error(bad, 422, "invalid")
    assert as_owner.delete(f"{url}/{created.json()['id']}").status_code == 204
    assert not HoursException.objects.exists()


# --- staff ----------------------------------------------------------------------------


def test_owner_manages_the_team(as_owner, shop, owner):
    newcomer = UserFactory()
    added = as_owner.post(f"{API}/{shop.slug}/staff", {"email": newcomer.email}, content_type="application/json")
    assert added.status_code == 201, added.content
    membership_id = added.json()["id"]
    assert {member["email"] for member in as_owner.get(f"{API}/{shop.slug}/staff").json()} == {owner.email, newcomer.email}

    promoted = as_owner.patch(f"{API}/{shop.slug}/staff/{membership_id}", {"role": "owner"}, content_type="application/json")
    assert promoted.json()["role"] == "owner"
    assert as_owner.delete(f"{API}/{shop.slug}/staff/{membership_id}").status_code == 204


def test_the_last_owner_cannot_be_demoted(as_owner, shop, owner):
    own = ShopMembership.objects.get(shop=shop, user=owner)
    response = as_owner.patch(f"{API}/{shop.slug}/staff/{own.pk}", {"role": "staff"}, content_type="application/json")
    assert_error(response, 409, "last_owner")
    own.refresh_from_db()
    assert own.role == StaffRole.OWNER


def test_staff_see_the_team_but_cannot_change_it_and_strangers_see_nothing(as_staff, as_stranger, shop, owner):
    assert as_staff.get(f"{API}/{shop.slug}/staff").status_code == 200
    own = ShopMembership.objects.get(shop=shop, user=owner)
    assert_error(as_staff.patch(f"{API}/{shop.slug}/staff/{own.pk}", {"role": "staff"}, content_type="application/json"), 403, "forbidden")
    assert_error(as_staff.post(f"{API}/{shop.slug}/staff", {"email": "x@example.com"}, content_type="application/json"), 403, "forbidden")
    assert_error(as_stranger.get(f"{API}/{shop.slug}/staff"), 403, "forbidden")


def test_adding_an_unknown_email_is_a_field_error(as_owner, shop):
    response = as_owner.post(f"{API}/{shop.slug}/staff", {"email": "ghost@example.com"}, content_type="application/json")
    assert "email" in assert_error(response, 422, "invalid")
    assert shop.memberships.count() == 1


def test_session_callers_need_the_csrf_token(shop, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.patch(f"{API}/{shop.slug}", {"name": "No token"}, content_type="application/json")
    assert response.status_code in (401, 403)
    shop.refresh_from_db()
    assert shop.name != "No token"
