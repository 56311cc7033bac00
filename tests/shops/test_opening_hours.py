"""Opening hours in the town's time zone (Europe/Paris in tests): weekly hours, a lunch
break, dated exceptions (closed, special hours), and the "opens at / closes at" line."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from plaza.shops import selectors
from plaza.shops.models import MIDNIGHT, HoursException, OpeningHours
from tests.factories import LocationFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# 2030-01-07 is a Monday.
MONDAY = date(2030, 1, 7)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def bakery():
    """Open Monday 8:00–12:30 and 14:00–19:00 (a lunch break), Tuesday 8:00–19:00."""
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=0, opens=time(8), closes=time(12, 30))
    OpeningHoursFactory(location=location, weekday=0, opens=time(14), closes=time(19))
    OpeningHoursFactory(location=location, weekday=1, opens=time(8), closes=time(19))
    return location


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(MONDAY, 7, 59), False),
        (at(MONDAY, 8), True),
        (at(MONDAY, 12, 29), True),
        (at(MONDAY, 12, 30), False),
        (at(MONDAY, 13), False),
        (at(MONDAY, 14), True),
        (at(MONDAY, 19), False),
        (at(date(2030, 1, 9), 10), False),
    ],
    ids=["before-opening", "opening", "before-lunch", "lunch-starts", "lunch", "after-lunch", "closing", "closed-day"],
)
def test_weekly_hours_with_a_lunch_break(bakery, moment, expected):
    assert selectors.is_open(bakery, moment) is expected
    assert (bakery.pk in selectors.open_location_ids(moment)) is expected


def test_hours_are_read_in_the_towns_time_zone(bakery):
    nine_in_paris_as_utc = datetime(2030, 1, 7, 8, 0, tzinfo=ZoneInfo("UTC"))
    seven_in_paris_as_utc = datetime(2030, 1, 7, 6, 30, tzinfo=ZoneInfo("UTC"))
    assert selectors.is_open(bakery, nine_in_paris_as_utc)
    assert not selectors.is_open(bakery, seven_in_paris_as_utc)
    assert bakery.pk in selectors.open_location_ids(nine_in_paris_as_utc)


def test_an_exception_closes_a_normally_open_day(bakery):
    HoursException.objects.create(location=bakery, date=MONDAY, is_closed=True, note="Bank holiday")
    assert not selectors.is_open(bakery, at(MONDAY, 10))
    assert bakery.pk not in selectors.open_location_ids(at(MONDAY, 10))
    assert selectors.is_open(bakery, at(date(2030, 1, 8), 10))


def test_special_hours_replace_the_weekly_hours_of_that_day(bakery):
    HoursException.objects.create(location=bakery, date=MONDAY, is_closed=False, opens=time(10), closes=time(13))
    assert not selectors.is_open(bakery, at(MONDAY, 9))
    assert selectors.is_open(bakery, at(MONDAY, 12, 45))
    assert bakery.pk in selectors.open_location_ids(at(MONDAY, 12, 45))
    assert not selectors.is_open(bakery, at(MONDAY, 15))
    assert bakery.pk not in selectors.open_location_ids(at(MONDAY, 15))


def test_special_hours_open_a_normally_closed_day(bakery):
    sunday = date(2030, 1, 13)
    HoursException.objects.create(location=bakery, date=sunday, is_closed=False, opens=time(9), closes=time(12))
    assert bakery.pk in selectors.open_location_ids(at(sunday, 10))
    assert selectors.is_open(bakery, at(sunday, 10))


def test_open_location_ids_takes_the_same_number_of_queries_whatever_the_data(bakery):
    with CaptureQueriesContext(connection) as few:
        selectors.open_location_ids(at(MONDAY, 10))
    for _ in range(5):
        location = LocationFactory()
        OpeningHoursFactory(location=location, weekday=0, opens=time(9), closes=time(17))
        HoursException.objects.create(location=location, date=MONDAY, is_closed=False, opens=time(9), closes=time(11))
    with CaptureQueriesContext(connection) as many:
        assert len(selectors.open_location_ids(at(MONDAY, 10))) == 6
    assert len(many) == len(few) == 2


@pytest.mark.parametrize(
    "moment, label",
    [
        (at(MONDAY, 7), "Opens at 8:00"),
        (at(MONDAY, 9), "Closes at 12:30"),
        (at(MONDAY, 13), "Opens at 14:00"),
        (at(MONDAY, 20), "Opens tomorrow at 8:00"),
        (at(date(2030, 1, 8), 20), "Opens Monday at 8:00"),
    ],
)
def test_next_change_says_when_the_location_opens_or_closes(bakery, moment, label):
    assert selectors.next_change(bakery, moment).label == label


def test_back_to_back_intervals_close_at_the_end_of_the_last_one():
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=0, opens=time(9), closes=time(12))
    OpeningHoursFactory(location=location, weekday=0, opens=time(12), closes=time(18))
    change = selectors.next_change(location, at(MONDAY, 10))
    assert (change.opens, change.at) == (False, at(MONDAY, 18))


def test_next_change_skips_a_holiday_and_is_none_without_hours(bakery):
    HoursException.objects.create(location=bakery, date=date(2030, 1, 8), is_closed=True)
    assert selectors.next_change(bakery, at(MONDAY, 20)).label == "Opens on 14 Jan at 8:00"
    assert selectors.next_change(LocationFactory(), at(MONDAY, 20)) is None


def test_week_schedule_lists_every_day(bakery):
    week = selectors.week_schedule(bakery)
    assert [day.name for day in week][:2] == ["Monday", "Tuesday"]
    assert week[0].label == "8:00–12:30, 14:00–19:00"
    assert week[2].label == "Closed"


def test_shop_detail_loads_hours_without_a_query_per_location(bakery):
    for _ in range(3):
        OpeningHoursFactory(location=LocationFactory(shop=bakery.shop), weekday=2)
    with CaptureQueriesContext(connection) as queries:
        shop = selectors.shop_detail(bakery.shop.slug, today=MONDAY)
        for location in shop.locations.all():
            selectors.is_open(location, at(MONDAY, 10))
            selectors.next_change(location, at(MONDAY, 10))
            selectors.week_schedule(location)
    assert len(queries) == 4


@pytest.fixture
def late_bar():
    """Open Monday 18:00 until midnight, Tuesday 00:00–02:00 (the same night) and 18:00–midnight."""
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=0, opens=time(18), closes=MIDNIGHT)
    OpeningHoursFactory(location=location, weekday=1, opens=MIDNIGHT, closes=time(2))
    OpeningHoursFactory(location=location, weekday=1, opens=time(18), closes=MIDNIGHT)
    return location


@pytest.mark.parametrize(
    "moment, expected",
    [
        (at(MONDAY, 17, 59), False),
        (at(MONDAY, 23, 59), True),
        (at(MONDAY, 23, 59) + timedelta(seconds=59), True),
        (at(date(2030, 1, 8), 0), True),
        (at(date(2030, 1, 8), 2), False),
        (at(date(2030, 1, 8), 23, 30), True),
        (at(date(2030, 1, 9), 0, 30), False),
    ],
    ids=["before-opening", "last-minute", "last-second", "after-midnight", "closed-at-two", "tuesday-night", "no-wednesday"],
)
def test_a_period_closing_at_midnight_is_open_until_the_end_of_the_day(late_bar, moment, expected):
    assert selectors.is_open(late_bar, moment) is expected
    assert (late_bar.pk in selectors.open_location_ids(moment)) is expected


@pytest.mark.parametrize(
    "moment, label, until",
    [
        (at(MONDAY, 20), "Closes tomorrow at 2:00", at(date(2030, 1, 8), 2)),
        (at(date(2030, 1, 8), 20), "Closes at midnight", at(date(2030, 1, 9), 0)),
        (at(date(2030, 1, 8), 12), "Opens at 18:00", at(date(2030, 1, 8), 18)),
    ],
)
def test_the_night_counts_as_one_opening_and_midnight_is_named(late_bar, moment, label, until):
    change = selectors.next_change(late_bar, moment)
    assert (change.label, change.at) == (label, until)


def test_closing_at_midnight_tomorrow_is_said_so():
    location = LocationFactory()
    OpeningHoursFactory(location=location, weekday=0, opens=time(20), closes=MIDNIGHT)
    OpeningHoursFactory(location=location, weekday=1, opens=MIDNIGHT, closes=MIDNIGHT)
    assert selectors.next_change(location, at(MONDAY, 19)).label == "Opens at 20:00"
    assert selectors.next_change(location, at(MONDAY, 21)).label == "Closes tomorrow at midnight"


def test_special_hours_may_run_until_midnight(bakery):
    HoursException.objects.create(location=bakery, date=MONDAY, is_closed=False, opens=time(10), closes=MIDNIGHT)
    assert selectors.is_open(bakery, at(MONDAY, 23, 59))
    assert bakery.pk in selectors.open_location_ids(at(MONDAY, 23, 59))
    assert selectors.next_change(bakery, at(MONDAY, 22)).label == "Closes at midnight"


def test_a_location_open_around_the_clock_never_closes():
    location = LocationFactory()
    for weekday in range(7):
        OpeningHoursFactory(location=location, weekday=weekday, opens=MIDNIGHT, closes=MIDNIGHT)
    assert selectors.is_open(location, at(MONDAY, 23, 59))
    assert selectors.next_change(location, at(MONDAY, 23, 59)) is None
    assert selectors.week_schedule(location)[0].label == "0:00–24:00"


def test_the_database_refuses_a_period_that_closes_before_it_opens():
    location = LocationFactory()
    OpeningHours.objects.create(location=location, weekday=0, opens=time(18), closes=MIDNIGHT)
    with pytest.raises(IntegrityError), transaction.atomic():
        OpeningHours.objects.create(location=location, weekday=1, opens=time(18), closes=time(9))
