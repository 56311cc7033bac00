from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from plaza.core.errors import Conflict, Forbidden, InvalidInput
from plaza.shops import services
from plaza.shops.models import HoursException, Location, OpeningHours, Shop, ShopMembership, StaffRole
from tests.factories import MembershipFactory, UserFactory
from tests.shops.conftest import image_upload

pytestmark = pytest.mark.django_db


def test_creator_becomes_owner_and_the_slug_comes_from_the_name(pushed, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        shop = services.create_shop(user=user, name="Café du Marché", kind="food")
    assert shop.slug == "cafe-du-marche"
    assert ShopMembership.objects.get(shop=shop).role == StaffRole.OWNER
    assert [payload["shop_id"] for topic, payload in pushed if topic == "shop.created"] == [shop.pk]


def test_same_name_gets_a_distinct_slug_and_reserved_words_are_avoided():
    user = UserFactory()
    assert services.create_shop(user=user, name="Books").slug == "books"
    assert services.create_shop(user=user, name="Books").slug == "books-2"
    assert services.create_shop(user=user, name="Mine").slug == "mine-2"
    assert services.create_shop(user=user, name="東京").slug == "shop"


def test_invalid_shop_fields_are_all_reported_and_nothing_is_written():
    with pytest.raises(InvalidInput) as error:
        services.create_shop(
            user=UserFactory(), name="", currency="eur", tax_rate_percent="120", email="nope", website="javascript:x"
        )
    assert set(error.value.fields) == {"name", "currency", "tax_rate_percent", "email", "website"}
    assert not Shop.objects.exists()


def test_owner_updates_the_profile_but_staff_cannot():
    membership = MembershipFactory()
    shop = services.update_shop(
        user=membership.user, shop=membership.shop, description="Fresh bread", currency="CHF", tax_rate_percent="7.7"
    )
    shop.refresh_from_db()
    assert (shop.description, shop.currency, shop.tax_rate_percent) == ("Fresh bread", "CHF", Decimal("7.70"))
    staff = MembershipFactory(shop=shop, role=StaffRole.STAFF).user
    with pytest.raises(Forbidden):
        services.update_shop(user=staff, shop=shop, name="Taken over")
    shop.refresh_from_db()
    assert shop.name != "Taken over"


def test_logo_is_resized_to_at_most_512_pixels(shop, owner):
    services.set_shop_logo(user=owner, shop=shop, upload=image_upload(size=(2000, 1000)))
    shop.refresh_from_db()
    with Image.open(shop.logo.path) as logo:
        assert logo.size == (512, 256)


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: image_upload(image_format="BMP", name="logo.bmp"), id="bmp"),
        pytest.param(lambda: SimpleUploadedFile("logo.png", b"<svg></svg>", content_type="image/png"), id="not-an-image"),
    ],
)
def test_logo_that_is_not_an_accepted_image_is_refused(shop, owner, upload):
    with pytest.raises(InvalidInput) as error:
        services.set_shop_logo(user=owner, shop=shop, upload=upload())
    assert "logo" in error.value.fields
    shop.refresh_from_db()
    assert not shop.logo


def test_oversized_logo_is_refused(shop, owner, settings):
    settings.PLAZA_MAX_IMAGE_BYTES = 1000
    with pytest.raises(InvalidInput):
        services.set_shop_logo(user=owner, shop=shop, upload=image_upload(size=(600, 600), image_format="JPEG"))


def test_location_gets_an_h3_cell_and_bad_coordinates_are_refused(shop, owner):
    location = services.create_location(user=owner, shop=shop, name="Centre", address="1 Place", latitude=45.764, longitude=4.8357)
    assert location.h3_cell == "871f90209ffffff"
    with pytest.raises(InvalidInput) as error:
        services.create_location(user=owner, shop=shop, name="Pole", address="x", latitude=91, longitude=float("nan"))
    assert set(error.value.fields) == {"latitude", "longitude"}
    assert Location.objects.filter(shop=shop).count() == 1


def test_fulfilment_fees_must_not_be_negative_and_delivery_needs_a_radius(location, owner):
    with pytest.raises(InvalidInput) as error:
        services.update_location(user=owner, location=location, delivery_fee="-1", shipping_fee="2.999")
    assert set(error.value.fields) == {"delivery_fee", "shipping_fee"}
    with pytest.raises(InvalidInput):
        services.update_location(user=owner, location=location, delivery_enabled=True, delivery_radius_km="0")
    services.update_location(user=owner, location=location, pickup_preparation_minutes=45, shipping_fee="0")
    location.refresh_from_db()
    assert (location.pickup_preparation_minutes, location.shipping_fee) == (45, Decimal("0.00"))


def test_staff_cannot_change_locations(location, staff):
    with pytest.raises(Forbidden):
        services.update_location(user=staff, location=location, name="Mine now")
    with pytest.raises(Forbidden):
        services.delete_location(user=staff, location=location)


def test_weekly_hours_are_replaced_as_a_whole(location, owner):
    OpeningHours.objects.create(location=location, weekday=6, opens=time(10), closes=time(12))
    services.replace_weekly_hours(
        user=owner,
        location=location,
        intervals=[
            {"weekday": 0, "opens": time(9), "closes": time(12)},
            {"weekday": 0, "opens": time(14), "closes": time(19)},
        ],
    )
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [
        (0, time(9), time(12)),
        (0, time(14), time(19)),
    ]


@pytest.mark.parametrize(
    "intervals, field",
    [
        ([{"weekday": 1, "opens": time(9), "closes": time(13)}, {"weekday": 1, "opens": time(12), "closes": time(18)}], "weekday.1"),
        ([{"weekday": 2, "opens": time(18), "closes": time(9)}], "hours.0.closes"),
        ([{"weekday": 7, "opens": time(9), "closes": time(10)}], "hours.0.weekday"),
        ([{"weekday": 3, "opens": time(0), "closes": time(0)}, {"weekday": 3, "opens": time(22), "closes": time(23)}], "weekday.3"),
        ([{"weekday": 4, "opens": time(18), "closes": time(0)}, {"weekday": 4, "opens": time(20), "closes": time(22)}], "weekday.4"),
    ],
    ids=["overlap", "closes-before-opens", "no-such-weekday", "overlaps-an-all-day-period", "overlaps-a-period-until-midnight"],
)
def test_invalid_hours_are_refused_and_the_old_week_is_kept(location, owner, intervals, field):
    OpeningHours.objects.create(location=location, weekday=0, opens=time(9), closes=time(17))
    with pytest.raises(InvalidInput) as error:
        services.replace_weekly_hours(user=owner, location=location, intervals=intervals)
    assert field in error.value.fields
    assert location.opening_hours.count() == 1


def test_a_period_may_run_until_midnight_or_all_day(location, owner):
    services.replace_weekly_hours(
        user=owner,
        location=location,
        intervals=[
            {"weekday": 4, "opens": time(10), "closes": time(14)},
            {"weekday": 4, "opens": time(18), "closes": time(0)},
            {"weekday": 5, "opens": time(0), "closes": time(0)},
        ],
    )
    assert list(location.opening_hours.values_list("weekday", "opens", "closes")) == [
        (4, time(10), time(14)),
        (4, time(18), time(0)),
        (5, time(0), time(0)),
    ]


def test_exception_replaces_the_one_already_set_for_that_day(location, owner):
    day = timezone.localdate() + timedelta(days=3)
    services.set_hours_exception(user=owner, location=location, on=day, note="Holiday")
    services.set_hours_exception(user=owner, location=location, on=day, is_closed=False, opens=time(10), closes=time(14))
    exception = HoursException.objects.get(location=location)
    assert (exception.is_closed, exception.opens, exception.closes) == (False, time(10), time(14))


def test_special_hours_need_valid_times_and_past_days_are_refused(location, owner):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput) as error:
        services.set_hours_exception(user=owner, location=location, on=tomorrow, is_closed=False, opens=time(15), closes=time(11))
    assert "closes" in error.value.fields
    with pytest.raises(InvalidInput) as error:
        services.set_hours_exception(user=owner, location=location, on=timezone.localdate() - timedelta(days=1))
    assert "date" in error.value.fields
    assert not HoursException.objects.exists()


def test_staff_are_added_by_email_and_the_last_owner_cannot_leave(shop, owner):
    colleague = UserFactory(email="Sam@Example.com")
    membership = services.add_staff(user=owner, shop=shop, email="sam@example.com")
    assert (membership.user, membership.role) == (colleague, StaffRole.STAFF)
    with pytest.raises(InvalidInput):
        services.add_staff(user=owner, shop=shop, email="sam@example.com")
    with pytest.raises(InvalidInput) as error:
        services.add_staff(user=owner, shop=shop, email="nobody@example.com")
    assert "email" in error.value.fields

    own_membership = ShopMembership.objects.get(shop=shop, user=owner)
    with pytest.raises(Conflict):
        services.change_staff_role(user=owner, membership=own_membership, role=StaffRole.STAFF)
    with pytest.raises(Conflict):
        services.remove_staff(user=owner, membership=own_membership)

    services.change_staff_role(user=owner, membership=membership, role=StaffRole.OWNER)
    services.remove_staff(user=owner, membership=own_membership)
    assert list(shop.memberships.values_list("user", "role")) == [(colleague.pk, StaffRole.OWNER)]


def test_staff_cannot_manage_the_team_but_can_leave(shop, staff, owner):
    with pytest.raises(Forbidden):
        services.add_staff(user=staff, shop=shop, email=owner.email, role=StaffRole.OWNER)
    owner_membership = ShopMembership.objects.get(shop=shop, user=owner)
    with pytest.raises(Forbidden):
        services.remove_staff(user=staff, membership=owner_membership)
    services.remove_staff(user=staff, membership=ShopMembership.objects.get(shop=shop, user=staff))
    assert not ShopMembership.objects.filter(user=staff).exists()
