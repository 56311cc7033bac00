"""How a shop can hand over an order: pick-up slots, the delivery area, shipping.

Pick-up slots are 15-minute windows inside the location's opening hours (weekly hours
and dated exceptions, via :func:`plaza.shops.selectors.is_open`), starting once the
shop has had its preparation time, for the next three days.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from plaza.orders.models import FulfilmentMethod
from plaza.shops.models import Location, Shop
from plaza.shops.selectors import is_open, local_zone
from plaza.storefront.geo import distance_km

SLOT = timedelta(minutes=15)
SLOT_DAYS = 3
# is_open treats closing time as closed; the slot's last instant must still be open.
_SLOT_LAST_INSTANT = SLOT - timedelta(microseconds=1)


OFFER_GRACE = timedelta(minutes=10)


def _next_slot_start(moment: datetime) -> datetime:
    utc = moment.astimezone(UTC)
    floor = utc.replace(minute=utc.minute - utc.minute % 15, second=0, microsecond=0)
    return floor if floor == utc else floor + SLOT


def _slot_is_open(location: Location, start: datetime) -> bool:
    return is_open(location, start) and is_open(location, start + _SLOT_LAST_INSTANT)


def _horizon(now: datetime) -> datetime:
    local_now = now.astimezone(local_zone())
    return datetime.combine(local_now.date() + timedelta(days=SLOT_DAYS), time.min, tzinfo=local_zone())


def _earliest(location: Location, now: datetime) -> datetime:
    return now + timedelta(minutes=location.pickup_preparation_minutes)


def pickup_slots(location: Location, now: datetime | None = None) -> list[datetime]:
    """Start times (local time zone) of the pick-up slots a shopper may choose."""
    if not location.pickup_enabled:
        return []
    now = now or timezone.now()
    horizon = _horizon(now)
    slots = []
    start = _next_slot_start(_earliest(location, now))
    while start < horizon:
        if _slot_is_open(location, start):
            slots.append(start.astimezone(local_zone()))
        start += SLOT
    return slots


def pickup_slot_error(location: Location, slot: datetime, now: datetime | None = None) -> str:
    """Why ``slot`` cannot be chosen at ``location``, or "" if it can.

    A slot offered when the checkout page was drawn stays acceptable for OFFER_GRACE,
    so a shopper who takes a few minutes over the form is not refused the first slot.
    """
    now = now or timezone.now()
    if slot <= now:
        return "That time has passed; choose a later one."
    if slot < _earliest(location, now) - OFFER_GRACE:
        return f"The shop needs {location.pickup_preparation_minutes} minutes to prepare your order; choose a later time."
    if slot >= _horizon(now):
        return f"Choose a time within the next {SLOT_DAYS} days."
    if _next_slot_start(slot) != slot or not _slot_is_open(location, slot):
        return "The shop is closed then; choose one of the offered times."
    return ""


def delivering_locations(locations: list[Location], latitude: float, longitude: float) -> list[Location]:
    """Locations that deliver to the point, nearest first (great-circle distance)."""
    in_range = []
    for location in locations:
        if not location.delivery_enabled:
            continue
        km = distance_km(location.latitude, location.longitude, latitude, longitude)
        if km <= float(location.delivery_radius_km):
            in_range.append((km, location.pk, location))
    return [location for _, _, location in sorted(in_range)]


@dataclass(frozen=True)
class MethodOffer:
    method: str
    label: str
    # The fee, or the lowest fee when locations differ.
    fee: Decimal


def offered_methods(locations: list[Location]) -> list[MethodOffer]:
    offers = []
    pickup = [location for location in locations if location.pickup_enabled]
    delivery = [location.delivery_fee for location in locations if location.delivery_enabled]
    shipping = [location.shipping_fee for location in locations if location.shipping_enabled]
    if pickup:
        offers.append(MethodOffer(FulfilmentMethod.PICKUP, FulfilmentMethod.PICKUP.label, Decimal("0.00")))
    if delivery:
        offers.append(MethodOffer(FulfilmentMethod.DELIVERY, FulfilmentMethod.DELIVERY.label, min(delivery)))
    if shipping:
        offers.append(MethodOffer(FulfilmentMethod.SHIPPING, FulfilmentMethod.SHIPPING.label, min(shipping)))
    return offers
