"""Merchant pages: create a shop, dashboard, settings, locations with hours, team."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from plaza.inventory.models import Stock
from plaza.orders.models import FulfilmentMethod, Order, OrderStatus
from plaza.shops.models import MIDNIGHT, HoursException, Location, OpeningHours, Shop, ShopMembership, StaffRole
from tests.factories import LocationFactory, StockFactory, UserFactory, VariantFactory
from tests.shops.conftest import image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_my_shops_asks_guests_to_log_in(client):
    response = client.get("/merchant/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_user_creates_a_shop_from_my_shops(client):
    user = UserFactory()
    client.force_login(user)
    assert "Create a shop" in client.get("/merchant/").content.decode()
    response = client.post("/merchant/", {"name": "Le Petit Atelier", "kind": "gifts"})
    assert response.status_code == 302
    shop = Shop.objects.get(slug="le-petit-atelier")
    assert response["Location"] == f"/merchant/{shop.slug}/"
    assert shop.memberships.get().user == user
    assert "Le Petit Atelier" in client.get("/merchant/").content.decode()


def test_creating_a_shop_without_a_name_shows_the_error_by_the_field(client):
    client.force_login(UserFactory())
    response = client.post("/merchant/", {"name": "", "kind": "gifts"})
    assert response.status_code == 422
    assert response.context["form"].errors["name"]
    assert not Shop.objects.exists()


def new_order(location, number: str) -> Order:
    return Order.objects.create(
        number=number,
        shop=location.shop,
        location=location,
        email="shopper@example.com",
        status=OrderStatus.NEW,
        fulfilment_method=FulfilmentMethod.PICKUP,
        currency="EUR",
        payment_provider="pay_at_pickup",
        idempotency_scope="tests",
        idempotency_key=number,
    )


def test_dashboard_shows_locations_low_stock_and_order_counts(owner_client, shop, location):
    OpeningHours.objects.create(location=location, weekday=timezone.localdate().weekday(), opens=time(0), closes=MIDNIGHT)
    StockFactory(variant=VariantFactory(product__shop=shop, product__title="Sourdough"), location=location, quantity=1)
    StockFactory(variant=VariantFactory(product__shop=shop, product__title="Baguette"), location=location, quantity=50)
    new_order(location, "PLZ-1")
    new_order(location, "PLZ-2")
    new_order(LocationFactory(), "PLZ-3")
    page = owner_client.get(f"/merchant/{shop.slug}/").content.decode()
    assert location.name in page
    assert "Sourdough" in page and "Baguette" not in page
    assert "New: <strong>2</strong>" in page
    for link in ("catalog/", "stock/", "orders/", "settings/", "locations/", "staff/"):
        assert f'href="/merchant/{shop.slug}/{link}"' in page


def test_dashboard_is_forbidden_to_non_members(client, shop, stranger):
    client.force_login(stranger)
    assert client.get(f"/merchant/{shop.slug}/").status_code == 403


def test_staff_see_the_dashboard_but_not_the_settings(staff_client, shop):
    assert staff_client.get(f"/merchant/{shop.slug}/").status_code == 200
    assert staff_client.get(f"/merchant/{shop.slug}/settings/").status_code == 403
    assert staff_client.post(f"/merchant/{shop.slug}/settings/", {"name": "Hijacked"}).status_code == 403
    assert staff_client.post(f"/merchant/{shop.slug}/locations/new/", {"name": "X"}).status_code == 403


def test_owner_saves_settings_and_sees_errors_next_to_fields(owner_client, shop):
    form = {"name": "Renamed", "kind": "books", "currency": "EUR", "tax_rate_percent": "5.5", "website": ""}
    assert owner_client.post(f"/merchant/{shop.slug}/settings/", form).status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.kind) == ("Renamed", "books")
    response = owner_client.post(f"/merchant/{shop.slug}/settings/", {**form, "currency": "eur", "website": "ftp://x"})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"currency", "website"}


def test_logo_upload_from_the_settings_page(owner_client, shop):
    assert owner_client.post(f"/merchant/{shop.slug}/settings/logo/", {"logo": image_upload()}).status_code == 302
    shop.refresh_from_db()
    assert shop.logo
    response = owner_client.post(f"/merchant/{shop.slug}/settings/logo/", {"logo": image_upload(image_format="BMP")})
    assert response.status_code == 422
    assert response.context["logo_form"].errors["logo"]


def test_owner_adds_a_location_then_sets_hours_with_a_lunch_break(owner_client, shop):
    response = owner_client.post(
        f"/merchant/{shop.slug}/locations/new/",
        {"name": "Croix-Rousse", "address": "5 Grande Rue", "latitude": "45.774", "longitude": "4.831"},
    )
    location = Location.objects.get(shop=shop)
    assert response["Location"] == f"/merchant/{shop.slug}/locations/{location.pk}/"
    hours = {"slots": "2", "d0_0_opens": "09:00", "d0_0_closes": "12:30", "d0_1_opens": "14:00", "d0_1_closes": "19:00"}
    assert owner_client.post(f"/merchant/{shop.slug}/locations/{location.pk}/hours/", hours).status_code == 302
    assert list(location.opening_hours.values_list("opens", "closes")) == [(time(9), time(12, 30)), (time(14), time(19))]
    week = owner_client.get(f"/merchant/{shop.slug}/locations/").content.decode()
    assert "9:00–12:30, 14:00–19:00" in week


def test_bad_location_input_is_shown_and_nothing_is_written(owner_client, shop):
    response = owner_client.post(
        f"/merchant/{shop.slug}/locations/new/", {"name": "Nowhere", "address": "x", "latitude": "95", "longitude": "4"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["latitude"]
    assert not Location.objects.exists()


def test_overlapping_or_half_filled_hours_are_refused_with_errors(owner_client, shop, location):
    url = f"/merchant/{shop.slug}/locations/{location.pk}/hours/"
    overlap = {"slots": "2", "d1_0_opens": "09:00", "d1_0_closes": "13:00", "d1_1_opens": "12:00", "d1_1_closes": "18:00"}
    response = owner_client.post(url, overlap)
    assert response.status_code == 422
    assert "overlap" in str(response.context["hours_form"].errors["d1_0_opens"])
    response = owner_client.post(url, {"slots": "2", "d2_0_opens": "09:00"})
    assert response.context["hours_form"].errors["d2_0_closes"]
    assert not OpeningHours.objects.filter(location=location).exists()


def test_exceptions_and_fulfilment_from_the_location_page(owner_client, shop, location):
    base = f"/merchant/{shop.slug}/locations/{location.pk}"
    day = timezone.localdate() + timedelta(days=5)
    owner_client.post(f"{base}/exceptions/", {"date": day.isoformat(), "is_closed": "on", "note": "Inventory"})
    exception = HoursException.objects.get(location=location)
    assert "Inventory" in owner_client.get(f"{base}/").content.decode()
    owner_client.post(f"{base}/exceptions/{exception.pk}/delete/")
    assert not HoursException.objects.exists()

    fulfilment = {
        "pickup_enabled": "on",
        "pickup_preparation_minutes": "20",
        "delivery_radius_km": "3",
        "delivery_fee": "-2",
        "shipping_fee": "5",
    }
    response = owner_client.post(f"{base}/fulfilment/", fulfilment)
    assert response.status_code == 422
    assert response.context["fulfilment_form"].errors["delivery_fee"]
    assert owner_client.post(f"{base}/fulfilment/", {**fulfilment, "delivery_fee": "2"}).status_code == 302
    location.refresh_from_db()
    assert (location.pickup_preparation_minutes, location.delivery_enabled, str(location.delivery_fee)) == (20, False, "2.00")


def test_another_shops_location_is_not_found(owner_client, shop):
    assert owner_client.get(f"/merchant/{shop.slug}/locations/{LocationFactory().pk}/").status_code == 404
    assert owner_client.get(f"/merchant/{shop.slug}/locations/{10**30}/").status_code == 404


def test_a_location_with_stock_is_deleted_with_its_stock(owner_client, shop, location):
    StockFactory(variant=VariantFactory(product__shop=shop), location=location)
    owner_client.post(f"/merchant/{shop.slug}/locations/{location.pk}/delete/")
    assert not Location.objects.filter(pk=location.pk).exists()
    assert not Stock.objects.exists()


def test_owner_manages_the_team_page(owner_client, shop, owner):
    newcomer = UserFactory()
    assert owner_client.post(f"/merchant/{shop.slug}/staff/", {"email": newcomer.email, "role": "staff"}).status_code == 302
    member = ShopMembership.objects.get(shop=shop, user=newcomer)
    owner_client.post(f"/merchant/{shop.slug}/staff/{member.pk}/role/", {"role": "owner"})
    member.refresh_from_db()
    assert member.role == StaffRole.OWNER
    response = owner_client.post(f"/merchant/{shop.slug}/staff/", {"email": "ghost@example.com", "role": "staff"})
    assert response.status_code == 422
    assert response.context["form"].errors["email"]


def test_the_last_owner_is_told_they_cannot_leave(owner_client, shop, owner):
    own = ShopMembership.objects.get(shop=shop, user=owner)
    response = owner_client.post(f"/merchant/{shop.slug}/staff/{own.pk}/remove/", follow=True)
    assert "at least one owner" in response.content.decode()
    assert ShopMembership.objects.filter(pk=own.pk).exists()


def test_staff_cannot_change_roles_or_remove_others(staff_client, shop, owner):
    own = ShopMembership.objects.get(shop=shop, user=owner)
    assert staff_client.post(f"/merchant/{shop.slug}/staff/{own.pk}/role/", {"role": "staff"}).status_code == 403
    assert staff_client.post(f"/merchant/{shop.slug}/staff/{own.pk}/remove/").status_code == 403
    own.refresh_from_db()
    assert own.role == StaffRole.OWNER


# --- weekly hours: more periods, open 24 hours, until midnight -------------------------


def hours_url(shop, location) -> str:
    return f"/merchant/{shop.slug}/locations/{location.pk}/hours/"


def test_add_a_period_shows_a_third_period_each_day_keeps_what_was_typed_and_saves_nothing(owner_client, shop, location):
    OpeningHours.objects.create(location=location, weekday=4, opens=time(10), closes=time(18))
    typed = {"slots": "2", "d0_0_opens": "09:00", "d0_0_closes": "12:30", "d0_1_opens": "14:00", "d0_1_closes": "19:00"}
    response = owner_client.post(hours_url(shop, location), {**typed, "d2_0_opens": "08:00", "add_period": "1"})
    assert response.status_code == 200
    form = response.context["hours_form"]
    assert form.slots == 3 and not form.is_bound
    page = response.content.decode()
    assert '<input type="hidden" name="slots" value="3">' in page
    for day in range(7):
        assert f'name="d{day}_2_opens"' in page and f'name="d{day}_2_closes"' in page
        assert f'name="d{day}_3_opens"' not in page
    for name, value in typed.items():
        if name != "slots":
            assert f'name="{name}" value="{value}"' in page
    # Half-typed is kept too, without an error yet: that is for saving.
    assert 'name="d2_0_opens" value="08:00"' in page
    assert "Give both" not in page
    assert "Each day now has 3 periods" in page
    # Nothing written: Friday as it was, nothing for Monday.
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [(4, time(10), time(18))]


def test_three_periods_on_one_day_are_saved_and_shown_again(owner_client, shop, location):
    hours = {
        "slots": "3",
        "d5_0_opens": "08:00",
        "d5_0_closes": "11:00",
        "d5_1_opens": "12:00",
        "d5_1_closes": "15:00",
        "d5_2_opens": "17:00",
        "d5_2_closes": "20:00",
    }
    response = owner_client.post(hours_url(shop, location), hours)
    assert response.status_code == 302
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [
        (5, time(8), time(11)),
        (5, time(12), time(15)),
        (5, time(17), time(20)),
    ]
    page = owner_client.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="slots" value="3">' in page
    assert 'name="d5_2_opens" value="17:00"' in page
    week = owner_client.get(f"/merchant/{shop.slug}/locations/").content.decode()
    assert "8:00–11:00, 12:00–15:00, 17:00–20:00" in week


def test_add_a_period_stops_at_the_services_maximum(owner_client, shop, location):
    from plaza.shops.services import MAX_INTERVALS_PER_DAY

    data = {"slots": "2"}
    for expected in range(3, MAX_INTERVALS_PER_DAY + 1):
        response = owner_client.post(hours_url(shop, location), {**data, "add_period": "1"})
        assert response.context["hours_form"].slots == expected
        data["slots"] = str(expected)
    page = response.content.decode()
    assert 'name="add_period"' not in page
    assert f"At most {MAX_INTERVALS_PER_DAY} periods a day." in page
    # Pressed anyway (a stale page): still the maximum, and said so.
    response = owner_client.post(hours_url(shop, location), {**data, "add_period": "1"})
    assert response.context["hours_form"].slots == MAX_INTERVALS_PER_DAY
    assert f"At most {MAX_INTERVALS_PER_DAY} opening periods a day." in response.content.decode()
    # A hand-made form with more slots is read as the maximum.
    response = owner_client.post(hours_url(shop, location), {"slots": "99", "add_period": "1"})
    assert response.context["hours_form"].slots == MAX_INTERVALS_PER_DAY
    # The maximum saves.
    full = {"slots": str(MAX_INTERVALS_PER_DAY)}
    for slot in range(MAX_INTERVALS_PER_DAY):
        full[f"d3_{slot}_opens"], full[f"d3_{slot}_closes"] = f"{8 + 2 * slot:02d}:00", f"{9 + 2 * slot:02d}:00"
    assert owner_client.post(hours_url(shop, location), full).status_code == 302
    assert location.opening_hours.filter(weekday=3).count() == MAX_INTERVALS_PER_DAY
    page = owner_client.get(f"/merchant/{shop.slug}/locations/{location.pk}/").content.decode()
    assert 'name="add_period"' not in page


def test_a_period_until_midnight_saves_and_shows_as_open_until_midnight(owner_client, shop, location):
    response = owner_client.post(hours_url(shop, location), {"slots": "2", "d6_0_opens": "22:00", "d6_0_closes": "00:00"})
    assert response.status_code == 302
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [(6, time(22), MIDNIGHT)]
    page = owner_client.get(response["Location"]).content.decode()
    assert 'name="d6_0_opens" value="22:00"' in page and 'name="d6_0_closes" value="00:00"' in page
    assert '<span class="hours-note">until midnight</span>' in page
    week = owner_client.get(f"/merchant/{shop.slug}/locations/").content.decode()
    assert "22:00–24:00" in week


def test_open_24_hours_fills_the_day_with_midnight_to_midnight_and_saves_nothing(owner_client, shop, location):
    typed = {"slots": "2", "d1_0_opens": "09:00", "d1_0_closes": "12:00", "d1_1_opens": "14:00", "d1_1_closes": "18:00"}
    wednesday = {"d2_0_opens": "10:00", "d2_0_closes": "16:00"}
    response = owner_client.post(hours_url(shop, location), {**typed, **wednesday, "all_day": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="d1_0_opens" value="00:00"' in page and 'name="d1_0_closes" value="00:00"' in page
    assert 'name="d1_1_opens" value=' not in page and 'name="d1_1_closes" value=' not in page
    assert 'name="d2_0_opens" value="10:00"' in page
    assert '<span class="hours-note">open 24 hours</span>' in page
    assert not location.opening_hours.exists()
    # Saving what came back stores the day as one period, midnight to midnight.
    saved = {"slots": "2", "d1_0_opens": "00:00", "d1_0_closes": "00:00", "d2_0_opens": "10:00", "d2_0_closes": "16:00"}
    assert owner_client.post(hours_url(shop, location), saved).status_code == 302
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [
        (1, MIDNIGHT, MIDNIGHT),
        (2, time(10), time(16)),
    ]
    # Not a weekday (a hand-made form): the form comes back as it was, and nothing is saved.
    response = owner_client.post(hours_url(shop, location), {"slots": "2", "all_day": "9"})
    assert response.status_code == 200
    assert location.opening_hours.count() == 2


def test_staff_cannot_use_the_hours_buttons(staff_client, shop, location):
    assert staff_client.post(hours_url(shop, location), {"slots": "2", "add_period": "1"}).status_code == 403
