"""Every change to a shop: profile, logo, locations, opening hours, fulfilment and staff.

Each service authorizes the acting user, validates everything before writing (bad input
raises InvalidInput with all field messages at once and writes nothing) and records an
outbox event where another app may want to react.
"""

import math
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

import h3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from plaza.accounts.models import User
from plaza.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from plaza.core.outbox import record_event
from plaza.core.images import resized_image
from plaza.shops.models import (
    HoursException,
    Location,
    OpeningHours,
    Shop,
    ShopKind,
    ShopMembership,
    StaffRole,
    closes_after_opening,
    closes_before,
)
from plaza.shops.permissions import ShopAction, authorize

H3_RESOLUTION = 7
SLUG_ATTEMPTS = 5
LOGO_MAX_SIDE = 512
MAX_INTERVALS_PER_DAY = 6
CLOSES_BEFORE_OPENING = "Closing time must be after opening time on the same day (00:00 closes at midnight)."
MAX_PREPARATION_MINUTES = 7 * 24 * 60
MAX_FEE = Decimal("99999999.99")
MAX_DELIVERY_RADIUS_KM = Decimal("1000.00")
CURRENCY_PATTERN = re.compile(r"[A-Z]{3}")
# Slugs that would shadow fixed URLs such as /api/v1/shops/mine.
RESERVED_SLUGS = frozenset({"mine", "new"})

Cleaner = Callable[[Any], Any]


# --- field cleaning -------------------------------------------------------------------


def _text(max_length: int, *, required: bool = False) -> Cleaner:
    def clean(value):
        value = "" if value is None else str(value).strip()
        if "\x00" in value:
            raise ValueError("Contains a character that is not allowed.")
        if required and not value:
            raise ValueError("This field is required.")
        if len(value) > max_length:
            raise ValueError(f"Use at most {max_length} characters.")
        return value

    return clean


def _email(value):
    value = _text(254)(value)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("Enter a valid e-mail address.") from None
    return value


def _website(value):
    value = _text(200)(value)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValueError("Enter a full web address starting with https://.") from None
    return value


def _kind(value):
    if value not in ShopKind.values:
        raise ValueError("Choose one of the listed kinds of shop.")
    return value


def _currency(value):
    value = "" if value is None else str(value).strip()
    if not CURRENCY_PATTERN.fullmatch(value):
        raise ValueError("Use a three-letter ISO 4217 code in capitals, e.g. EUR.")
    return value


def _decimal(*, minimum: Decimal, maximum: Decimal) -> Cleaner:
    def clean(value):
        if isinstance(value, bool) or value is None or value == "":
            raise ValueError("Enter a number.")
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("Enter a number.") from None
        if not number.is_finite():
            raise ValueError("Enter a number.")
        if number < minimum:
            raise ValueError(f"Must be {minimum} or more.")
        if number > maximum:
            raise ValueError(f"Must be {maximum} or less.")
        if number != number.quantize(Decimal("0.01")):
            raise ValueError("Use at most two decimal places.")
        return number.quantize(Decimal("0.01"))

    return clean


def _integer(*, minimum: int, maximum: int) -> Cleaner:
    def clean(value):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("Enter a whole number.")
        if not minimum <= value <= maximum:
            raise ValueError(f"Must be between {minimum} and {maximum}.")
        return value

    return clean


def _coordinate(limit: int) -> Cleaner:
    def clean(value):
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError("Enter a number.")
        number = float(value)
        if not math.isfinite(number) or not -limit <= number <= limit:
            raise ValueError(f"Must be between -{limit} and {limit}.")
        return number

    return clean


def _boolean(value):
    if not isinstance(value, bool):
        raise ValueError("Must be true or false.")
    return value


SHOP_FIELDS: dict[str, Cleaner] = {
    "name": _text(120, required=True),
    "kind": _kind,
    "description": _text(5000),
    "email": _email,
    "phone": _text(40),
    "website": _website,
    "currency": _currency,
    "tax_rate_percent": _decimal(minimum=Decimal("0"), maximum=Decimal("100")),
}

LOCATION_FIELDS: dict[str, Cleaner] = {
    "name": _text(120, required=True),
    "address": _text(255, required=True),
    "city": _text(120),
    "postcode": _text(20),
    "phone": _text(40),
    "latitude": _coordinate(90),
    "longitude": _coordinate(180),
    "pickup_enabled": _boolean,
    "pickup_preparation_minutes": _integer(minimum=0, maximum=MAX_PREPARATION_MINUTES),
    "delivery_enabled": _boolean,
    "delivery_radius_km": _decimal(minimum=Decimal("0"), maximum=MAX_DELIVERY_RADIUS_KM),
    "delivery_fee": _decimal(minimum=Decimal("0"), maximum=MAX_FEE),
    "shipping_enabled": _boolean,
    "shipping_fee": _decimal(minimum=Decimal("0"), maximum=MAX_FEE),
}
REQUIRED_LOCATION_FIELDS = ("name", "address", "latitude", "longitude")


def _clean(changes: Mapping[str, Any], cleaners: dict[str, Cleaner], *, required: Iterable[str] = ()) -> dict:
    """Clean every field, collecting all messages before raising one InvalidInput."""
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - set(cleaners)
    for name in sorted(unknown):
        errors[name] = ["This field cannot be changed here."]
    for name in required:
        if changes.get(name) is None:
            errors[name] = ["This field is required."]
    cleaned = {}
    for name, value in changes.items():
        if name in cleaners and name not in errors:
            try:
                cleaned[name] = cleaners[name](value)
            except ValueError as error:
                errors[name] = [str(error)]
    if errors:
        raise InvalidInput("Some fields are not valid.", fields=errors)
    return cleaned


# --- shops ----------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120].strip("-") or "shop"
    taken = set(Shop.objects.filter(slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    if base not in taken:
        return base
    suffix = 2
    while f"{base}-{suffix}" in taken:
        suffix += 1
    return f"{base}-{suffix}"


def create_shop(*, user: User, **fields) -> Shop:
    """Create a shop whose first owner is ``user``; its slug is derived from the name."""
    if not getattr(user, "is_authenticated", False):
        raise Forbidden("Sign in to create a shop.")
    cleaned = _clean(fields, SHOP_FIELDS, required=("name",))
    # Two shops with the same name created at once race for the slug: the loser retries.
    for _ in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                shop = Shop.objects.create(slug=_unique_slug(cleaned["name"]), **cleaned)
                ShopMembership.objects.create(shop=shop, user=user, role=StaffRole.OWNER)
                record_event("shop.created", {"shop_id": shop.pk, "slug": shop.slug, "owner_id": user.pk})
                return shop
        except IntegrityError:
            continue
    raise Conflict("Could not reserve an address for the shop; please try again.")


@transaction.atomic
def update_shop(*, user: User, shop: Shop, **changes) -> Shop:
    """Change the shop's profile, contact details, currency or tax rate. The slug stays."""
    authorize(user, shop, ShopAction.MANAGE_SHOP)
    cleaned = _clean(changes, SHOP_FIELDS)
    if not cleaned:
        return shop
    for name, value in cleaned.items():
        setattr(shop, name, value)
    shop.save(update_fields=[*cleaned, "updated_at"])
    record_event("shop.updated", {"shop_id": shop.pk, "fields": sorted(cleaned)})
    return shop


def set_shop_logo(*, user: User, shop: Shop, upload) -> Shop:
    """Store a copy of the uploaded image, at most 512 pixels a side, as the shop's logo."""
    authorize(user, shop, ShopAction.MANAGE_SHOP)
    logo = resized_image(upload, field="logo", max_side=LOGO_MAX_SIDE, name_stem=shop.slug)
    previous = shop.logo.name
    with transaction.atomic():
        shop.logo.save(logo.name, logo, save=False)
        shop.save(update_fields=["logo", "updated_at"])
        record_event("shop.updated", {"shop_id": shop.pk, "fields": ["logo"]})
    if previous and previous != shop.logo.name:
        shop.logo.storage.delete(previous)
    return shop


# --- locations ------------------------------------------------------------------------


def _location_changed(location: Location, change: str) -> None:
    # A shop's pages show its locations and hours, and are cached under the shop's version
    # (selectors.shop_locations): a change here is a change of the shop.
    Shop.objects.filter(pk=location.shop_id).update(updated_at=timezone.now())
    record_event("location.changed", {"shop_id": location.shop_id, "location_id": location.pk, "change": change})


def _check_delivery(fields: dict, location: Location) -> None:
    """Local delivery needs a radius; ``fields`` are the cleaned changes to ``location``."""
    enabled = fields.get("delivery_enabled", location.delivery_enabled)
    radius = fields.get("delivery_radius_km", location.delivery_radius_km)
    if enabled and radius <= 0:
        raise InvalidInput(
            "Local delivery needs a radius.", fields={"delivery_radius_km": ["Must be more than 0 for local delivery."]}
        )


@transaction.atomic
def create_location(*, user: User, shop: Shop, **fields) -> Location:
    """Add a place of the shop; fulfilment fields not given keep their defaults."""
    authorize(user, shop, ShopAction.MANAGE_SHOP)
    cleaned = _clean(fields, LOCATION_FIELDS, required=REQUIRED_LOCATION_FIELDS)
    location = Location(shop=shop, **cleaned)
    _check_delivery(cleaned, location)
    location.h3_cell = h3.latlng_to_cell(location.latitude, location.longitude, H3_RESOLUTION)
    location.save()
    _location_changed(location, "created")
    return location


@transaction.atomic
def update_location(*, user: User, location: Location, **changes) -> Location:
    """Change a location's address, position or fulfilment settings."""
    authorize(user, location.shop, ShopAction.MANAGE_SHOP)
    cleaned = _clean(changes, LOCATION_FIELDS)
    _check_delivery(cleaned, location)
    for name, value in cleaned.items():
        setattr(location, name, value)
    location.h3_cell = h3.latlng_to_cell(location.latitude, location.longitude, H3_RESOLUTION)
    location.save()
    _location_changed(location, "updated")
    return location


@transaction.atomic
def delete_location(*, user: User, location: Location) -> None:
    """Remove a location and its stock rows; refused while orders refer to it."""
    authorize(user, location.shop, ShopAction.MANAGE_SHOP)
    _location_changed(location, "deleted")
    try:
        location.delete()
    except ProtectedError:
        raise Conflict(
            "This location has orders or reserved stock, so it cannot be deleted.", code="location_in_use"
        ) from None


# --- opening hours --------------------------------------------------------------------


def _clock(value, field: str, errors: dict[str, list[str]]) -> time | None:
    if not isinstance(value, time):
        errors.setdefault(field, []).append("Enter a time such as 09:00.")
        return None
    if value.tzinfo is not None:
        errors.setdefault(field, []).append("Give a local time without a time zone.")
        return None
    return value


def _clean_intervals(intervals: Iterable[Mapping[str, Any]]) -> list[tuple[int, time, time]]:
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[int, time, time]] = []
    for index, interval in enumerate(intervals):
        prefix = f"hours.{index}"
        weekday = interval.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault(f"{prefix}.weekday", []).append("Use 0 (Monday) to 6 (Sunday).")
        opens = _clock(interval.get("opens"), f"{prefix}.opens", errors)
        closes = _clock(interval.get("closes"), f"{prefix}.closes", errors)
        if opens and closes and not closes_after_opening(opens, closes):
            errors.setdefault(f"{prefix}.closes", []).append(CLOSES_BEFORE_OPENING)
        if f"{prefix}.weekday" not in errors and opens and closes:
            cleaned.append((weekday, opens, closes))
    if errors:
        raise InvalidInput("Some opening hours are not valid.", fields=errors)
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, opens, closes in cleaned:
        by_day.setdefault(weekday, []).append((opens, closes))
    for weekday, day in by_day.items():
        if len(day) > MAX_INTERVALS_PER_DAY:
            errors[f"weekday.{weekday}"] = [f"At most {MAX_INTERVALS_PER_DAY} opening periods a day."]
        day.sort()
        for (_, previous_closes), (next_opens, _) in zip(day, day[1:]):
            if not closes_before(previous_closes, next_opens):
                errors.setdefault(f"weekday.{weekday}", []).append(
                    f"Opening periods overlap around {next_opens:%H:%M}."
                )
    if errors:
        raise InvalidInput("Some opening hours overlap.", fields=errors)
    return cleaned


@transaction.atomic
def replace_weekly_hours(*, user: User, location: Location, intervals: Iterable[Mapping[str, Any]]) -> list[OpeningHours]:
    """Replace the location's whole week with ``intervals`` ({weekday, opens, closes}).

    A day may have several intervals (a lunch break); they must not overlap, and each
    closes after it opens on the same day. A weekday without intervals is closed.
    """
    authorize(user, location.shop, ShopAction.MANAGE_SHOP)
    cleaned = _clean_intervals(intervals)
    location.opening_hours.all().delete()
    hours = OpeningHours.objects.bulk_create(
        OpeningHours(location=location, weekday=weekday, opens=opens, closes=closes) for weekday, opens, closes in cleaned
    )
    _location_changed(location, "hours")
    return hours


@transaction.atomic
def set_hours_exception(
    *,
    user: User,
    location: Location,
    on: date,
    is_closed: bool = True,
    opens: time | None = None,
    closes: time | None = None,
    note: str = "",
) -> HoursException:
    """Close the location on the day ``on``, or open it only from ``opens`` to ``closes``.

    Replaces an exception already set for that date.
    """
    authorize(user, location.shop, ShopAction.MANAGE_SHOP)
    errors: dict[str, list[str]] = {}
    if not isinstance(on, date) or isinstance(on, datetime):
        errors["date"] = ["Enter a date such as 2025-12-25."]
    elif on < timezone.localdate():
        errors["date"] = ["Pick today or a later date."]
    if not isinstance(is_closed, bool):
        errors["is_closed"] = ["Must be true or false."]
    try:
        note = _text(120)(note)
    except ValueError as error:
        errors["note"] = [str(error)]
    if is_closed is False:
        opens = _clock(opens, "opens", errors)
        closes = _clock(closes, "closes", errors)
        if opens and closes and not closes_after_opening(opens, closes):
            errors.setdefault("closes", []).append(CLOSES_BEFORE_OPENING)
    else:
        opens = closes = None
    if errors:
        raise InvalidInput("The exception is not valid.", fields=errors)
    exception, _ = HoursException.objects.update_or_create(
        location=location, date=on, defaults={"is_closed": is_closed, "opens": opens, "closes": closes, "note": note}
    )
    _location_changed(location, "hours")
    return exception


@transaction.atomic
def delete_hours_exception(*, user: User, exception: HoursException) -> None:
    location = exception.location
    authorize(user, location.shop, ShopAction.MANAGE_SHOP)
    exception.delete()
    _location_changed(location, "hours")


# --- staff ----------------------------------------------------------------------------


def _role(value) -> str:
    if value not in StaffRole.values:
        raise InvalidInput("Choose a role.", fields={"role": ["Use owner or staff."]})
    return value


def _lock_shop(shop: Shop) -> None:
    """Serialise staff changes of one shop, so two of them cannot remove the last owner."""
    Shop.objects.select_for_update().filter(pk=shop.pk).first()


def _refuse_if_last_owner(membership: ShopMembership) -> None:
    other_owners = ShopMembership.objects.filter(shop_id=membership.shop_id, role=StaffRole.OWNER).exclude(
        pk=membership.pk
    )
    if membership.role == StaffRole.OWNER and not other_owners.exists():
        raise Conflict("A shop needs at least one owner: make someone else an owner first.", code="last_owner")


def _staff_changed(membership: ShopMembership, change: str) -> None:
    record_event(
        "shop.staff_changed",
        {"shop_id": membership.shop_id, "user_id": membership.user_id, "role": membership.role, "change": change},
    )


@transaction.atomic
def add_staff(*, user: User, shop: Shop, email: str, role: str = StaffRole.STAFF) -> ShopMembership:
    """Give the person with this e-mail address a role in the shop."""
    role = _role(role)
    _lock_shop(shop)
    authorize(user, shop, ShopAction.MANAGE_STAFF)
    try:
        address = _email(email)
    except ValueError as error:
        raise InvalidInput(str(error), fields={"email": [str(error)]}) from None
    person = User.objects.filter(email__iexact=address, is_active=True).first() if address else None
    if person is None:
        raise InvalidInput("Nobody on Plaza uses that e-mail address.", fields={"email": ["No account with this e-mail."]})
    if ShopMembership.objects.filter(shop=shop, user=person).exists():
        raise InvalidInput("This person is already on the team.", fields={"email": ["Already a member of this shop."]})
    membership = ShopMembership.objects.create(shop=shop, user=person, role=role)
    _staff_changed(membership, "added")
    return membership


@transaction.atomic
def change_staff_role(*, user: User, membership: ShopMembership, role: str) -> ShopMembership:
    role = _role(role)
    _lock_shop(membership.shop)
    # Authorize under the lock: an owner demoted a moment ago can no longer act.
    authorize(user, membership.shop, ShopAction.MANAGE_STAFF)
    try:
        membership.refresh_from_db()
    except ShopMembership.DoesNotExist:
        raise NotFound("This person is no longer on the team.") from None
    if role == membership.role:
        return membership
    _refuse_if_last_owner(membership)
    membership.role = role
    membership.save(update_fields=["role"])
    _staff_changed(membership, "role")
    return membership


@transaction.atomic
def remove_staff(*, user: User, membership: ShopMembership) -> None:
    """Remove someone from the team. Anyone may leave; only owners remove others."""
    _lock_shop(membership.shop)
    if membership.user_id != getattr(user, "pk", None):
        authorize(user, membership.shop, ShopAction.MANAGE_STAFF)
    try:
        membership.refresh_from_db()
    except ShopMembership.DoesNotExist:
        raise NotFound("This person is no longer on the team.") from None
    _refuse_if_last_owner(membership)
    membership.delete()
    _staff_changed(membership, "removed")
