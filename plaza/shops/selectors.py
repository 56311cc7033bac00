"""Reads for shop pages and the API, and opening-hours logic.

Opening hours are wall-clock times in the town's time zone (settings.TIME_ZONE): a shop
that opens at 9:00 opens at 9:00 local time in winter and in summer. An interval never
crosses midnight; one that closes at 00:00 runs until midnight (see ``models.MIDNIGHT``).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from plaza.orders.models import Order, OrderStatus
from plaza.shops.models import (
    MIDNIGHT,
    HoursException,
    Location,
    OpeningHours,
    Shop,
    ShopMembership,
    Weekday,
    closes_before,
)

SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]{1,140}")
# How far ahead next_change looks for an opening (covers a long holiday closure).
NEXT_CHANGE_HORIZON_DAYS = 21


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(at: datetime | None) -> datetime:
    at = at or timezone.now()
    if timezone.is_naive(at):
        return at.replace(tzinfo=local_zone())
    return at.astimezone(local_zone())


def _exceptions_by_date(location: Location) -> dict[date, HoursException]:
    return {exception.date: exception for exception in location.hours_exceptions.all()}


def _weekly_by_day(location: Location) -> dict[int, list[tuple[time, time]]]:
    days: dict[int, list[tuple[time, time]]] = {}
    for hours in location.opening_hours.all():
        days.setdefault(hours.weekday, []).append((hours.opens, hours.closes))
    for intervals in days.values():
        intervals.sort()
    return days


def _intervals_on(day: date, weekly: dict[int, list[tuple[time, time]]], exceptions: dict[date, HoursException]):
    exception = exceptions.get(day)
    if exception is None:
        return weekly.get(day.weekday(), [])
    if exception.is_closed or exception.opens is None or exception.closes is None:
        return []
    return [(exception.opens, exception.closes)]


def is_open(location: Location, at: datetime | None = None) -> bool:
    """Whether ``location`` is open at ``at`` (default: now).

    Uses prefetched ``opening_hours`` and ``hours_exceptions`` when the caller loaded them.
    """
    local = _local(at)
    clock = local.time().replace(tzinfo=None)
    intervals = _intervals_on(local.date(), _weekly_by_day(location), _exceptions_by_date(location))
    return any(opens <= clock and not closes_before(closes, clock) for opens, closes in intervals)


def open_location_ids(at: datetime | None = None) -> set[int]:
    """Ids of every location open at ``at`` (default: now), in two queries whatever the data."""
    local = _local(at)
    day, clock = local.date(), local.time().replace(tzinfo=None)
    still_open = Q(opens__lte=clock) & (Q(closes__gt=clock) | Q(closes=MIDNIGHT))
    by_weekly_hours = OpeningHours.objects.filter(still_open, weekday=day.weekday()).exclude(
        Exists(HoursException.objects.filter(location_id=OuterRef("location_id"), date=day))
    )
    by_exception = HoursException.objects.filter(still_open, date=day, is_closed=False)
    return set(by_weekly_hours.values_list("location_id", flat=True)) | set(
        by_exception.values_list("location_id", flat=True)
    )


@dataclass(frozen=True)
class HoursChange:
    """The next time a location opens or closes, and how to say it."""

    opens: bool
    at: datetime
    label: str


def _clock_label(moment: time) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def closing_label(closes: time) -> str:
    return "24:00" if closes == MIDNIGHT else _clock_label(closes)


def until_label(moment: datetime) -> str:
    """"midnight" or "19:00": when an open location next closes."""
    return "midnight" if moment.time() == MIDNIGHT else f"{moment:%H:%M}"


def _change_label(opens: bool, moment: datetime, now: datetime) -> str:
    verb = "Opens" if opens else "Closes"
    if not opens and moment.time() == MIDNIGHT:
        # Midnight ends the day before it: "Closes at midnight", not "Closes tomorrow at 0:00".
        days_ahead = (moment.date() - timedelta(days=1) - now.date()).days
        clock = "at midnight"
    else:
        days_ahead = (moment.date() - now.date()).days
        clock = f"at {_clock_label(moment.time())}"
    if days_ahead == 0:
        when = ""
    elif days_ahead == 1:
        when = " tomorrow"
    elif days_ahead < 7:
        when = f" {moment:%A}"
    else:
        when = f" on {moment.day} {moment:%b}"
    return f"{verb}{when} {clock}"


def next_change(location: Location, at: datetime | None = None) -> HoursChange | None:
    """When the location next opens (if closed) or closes (if open), or None if it does not
    within the horizon (closed for good, or open around the clock).

    Back-to-back intervals (12:00–14:00 then 14:00–19:00, or 18:00–24:00 then 00:00–02:00)
    count as one opening.
    """
    now = _local(at)
    zone = local_zone()
    weekly, exceptions = _weekly_by_day(location), _exceptions_by_date(location)
    horizon = datetime.combine(now.date() + timedelta(days=NEXT_CHANGE_HORIZON_DAYS + 1), MIDNIGHT, tzinfo=zone)
    periods: list[tuple[datetime, datetime]] = []
    for offset in range(NEXT_CHANGE_HORIZON_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        for opens, closes in _intervals_on(day, weekly, exceptions):
            start = datetime.combine(day, opens, tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1) if closes == MIDNIGHT else day, closes, tzinfo=zone)
            if periods and start <= periods[-1][1]:
                periods[-1] = (periods[-1][0], max(end, periods[-1][1]))
            else:
                periods.append((start, end))
    for start, end in periods:
        if start <= now < end:
            if end >= horizon:
                return None
            return HoursChange(opens=False, at=end, label=_change_label(False, end, now))
        if start > now:
            return HoursChange(opens=True, at=start, label=_change_label(True, start, now))
    return None


@dataclass(frozen=True)
class DaySchedule:
    weekday: int
    name: str
    intervals: list[tuple[time, time]]

    @property
    def label(self) -> str:
        if not self.intervals:
            return "Closed"
        return ", ".join(f"{_clock_label(opens)}–{closing_label(closes)}" for opens, closes in self.intervals)


def week_schedule(location: Location) -> list[DaySchedule]:
    """Monday to Sunday, each with its opening intervals in order (empty: closed)."""
    weekly = _weekly_by_day(location)
    return [DaySchedule(day.value, day.label, weekly.get(day.value, [])) for day in Weekday]


def upcoming_exceptions(location: Location, today: date | None = None) -> list[HoursException]:
    today = today or timezone.localdate()
    return [exception for exception in location.hours_exceptions.all() if exception.date >= today]


def hours_prefetches(today: date) -> tuple:
    """What reads of a location's hours need: its weekly hours and its exceptions from today on."""
    return ("opening_hours", Prefetch("hours_exceptions", queryset=HoursException.objects.filter(date__gte=today)))


def _locations_with_hours(today: date) -> Prefetch:
    return Prefetch("locations", queryset=Location.objects.prefetch_related(*hours_prefetches(today)))


# A shop's locations with their hours are read by every page of its products and by every
# checkout, and change only through services that move ``Shop.updated_at``
# (services._location_changed): each process keeps them under that version and the day
# (exceptions are read from today on), so they are never stale. The TTL only bounds memory.
SHOP_LOCATIONS_TTL_S = 3600


def shop_locations(shop: Shop, at: datetime | None = None) -> list[Location]:
    """The shop's locations with their hours (see :func:`hours_prefetches`), in id order."""
    day = _local(at).date()
    key = f"shops:locations:{shop.pk}:{shop.updated_at.timestamp()}:{day.isoformat()}"
    locations = caches["local"].get(key)
    if locations is None:
        locations = list(Location.objects.filter(shop_id=shop.pk).order_by("pk").prefetch_related(*hours_prefetches(day)))
        caches["local"].set(key, locations, SHOP_LOCATIONS_TTL_S)
    return locations


def public_shops(*, kind: str | None = None) -> QuerySet[Shop]:
    shops = Shop.objects.filter(is_active=True).order_by("name", "id")
    if kind:
        shops = shops.filter(kind=kind)
    return shops


def _is_slug(slug: str) -> bool:
    # Anything else (a NUL byte, say) cannot name a shop and would upset PostgreSQL.
    return bool(SLUG_PATTERN.fullmatch(slug))


def shop_by_slug(slug: str) -> Shop | None:
    return Shop.objects.filter(slug=slug).first() if _is_slug(slug) else None


def shop_detail(slug: str, *, today: date | None = None) -> Shop | None:
    """A shop with its locations, their weekly hours and upcoming exceptions, in 4 queries."""
    if not _is_slug(slug):
        return None
    today = today or timezone.localdate()
    return Shop.objects.prefetch_related(_locations_with_hours(today)).filter(slug=slug).first()


def location_with_hours(location_id: int, *, shop: Shop, today: date | None = None) -> Location | None:
    today = today or timezone.localdate()
    return Location.objects.filter(shop=shop, pk=location_id).prefetch_related(*hours_prefetches(today)).first()


def shops_of_user(user) -> QuerySet[Shop]:
    """The shops ``user`` is a member of, each annotated with ``member_role``."""
    if not getattr(user, "is_authenticated", False):
        return Shop.objects.none()
    role = ShopMembership.objects.filter(shop=OuterRef("pk"), user=user).values("role")[:1]
    return Shop.objects.filter(memberships__user=user).annotate(member_role=role).order_by("name", "id")


def team_of_shop(shop: Shop) -> QuerySet[ShopMembership]:
    return shop.memberships.select_related("user").order_by("role", "user__email")


def order_counts_by_status(shop: Shop) -> list[tuple[str, int]]:
    """(status label, number of orders) for each status the shop has orders in, in lifecycle order."""
    counts = dict(Order.objects.filter(shop=shop).values_list("status").annotate(total=Count("id")).order_by())
    return [(status.label, counts[status.value]) for status in OrderStatus if counts.get(status.value)]
