"""/api/v1/shops/: the public shop directory and the merchant's shop management."""

from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, anyone, signed_in
from plaza.core.errors import NotFound
from plaza.shops import selectors, services
from plaza.shops.models import HoursException, Location, Shop, ShopKind, ShopMembership, StaffRole
from plaza.core.pagination import BoundedPagination
from plaza.shops.permissions import ShopAction, authorize, membership_for

router = Router(tags=["shops"])

FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
READ_FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- schemas --------------------------------------------------------------------------


class ShopOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    description: str
    logo_url: str | None
    currency: str

    @staticmethod
    def resolve_logo_url(shop: Shop) -> str | None:
        return shop.logo.url if shop.logo else None


class MyShopOut(ShopOut):
    role: str = Field(alias="member_role")


class IntervalOut(Schema):
    opens: time
    closes: time


class DayOut(Schema):
    weekday: int
    name: str
    intervals: list[IntervalOut]

    @staticmethod
    def resolve_intervals(day: selectors.DaySchedule) -> list[dict]:
        return [{"opens": opens, "closes": closes} for opens, closes in day.intervals]


class ExceptionOut(Schema):
    id: int
    date: date
    is_closed: bool
    opens: time | None
    closes: time | None
    note: str


class PickupOut(Schema):
    enabled: bool
    preparation_minutes: int


class DeliveryOut(Schema):
    enabled: bool
    radius_km: Decimal
    fee: Decimal


class ShippingOut(Schema):
    enabled: bool
    fee: Decimal


class ShopFulfilmentOut(Schema):
    currency: str
    pickup: PickupOut
    delivery: DeliveryOut
    shipping: ShippingOut


class LocationOut(Schema):
    id: int
    name: str
    address: str
    city: str
    postcode: str
    phone: str
    latitude: float
    longitude: float
    open_now: bool
    next_change: str | None
    hours: list[DayOut]
    exceptions: list[ExceptionOut]
    fulfilment: ShopFulfilmentOut


class ShopDetailOut(ShopOut):
    email: str
    phone: str
    website: str
    tax_rate_percent: Decimal
    locations: list[LocationOut] = Field(alias="location_views")


class ShopIn(Schema):
    name: str = Field(..., max_length=120)
    kind: ShopKind = ShopKind.OTHER
    description: str = Field("", max_length=5000)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    website: str = Field("", max_length=200)
    currency: str = Field(settings.PLAZA_DEFAULT_CURRENCY, pattern=r"^[A-Z]{3}$")
    tax_rate_percent: Decimal = Field(Decimal("0"), ge=0, le=100, decimal_places=2)


class ShopPatch(Schema):
    name: str | None = Field(None, max_length=120)
    kind: ShopKind | None = None
    description: str | None = Field(None, max_length=5000)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    website: str | None = Field(None, max_length=200)
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    tax_rate_percent: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)


class LocationPatch(Schema):
    name: str | None = Field(None, max_length=120)
    address: str | None = Field(None, max_length=255)
    city: str | None = Field(None, max_length=120)
    postcode: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=40)
    latitude: float | None = None
    longitude: float | None = None
    pickup_enabled: bool | None = None
    pickup_preparation_minutes: int | None = None
    delivery_enabled: bool | None = None
    delivery_radius_km: Decimal | None = None
    delivery_fee: Decimal | None = None
    shipping_enabled: bool | None = None
    shipping_fee: Decimal | None = None


class LocationIn(LocationPatch):
    name: str = Field(..., max_length=120)
    address: str = Field(..., max_length=255)
    latitude: float
    longitude: float


class IntervalIn(Schema):
    weekday: int = Field(..., description="0 = Monday … 6 = Sunday")
    opens: time
    closes: time = Field(..., description="After `opens` on the same day; 00:00 means midnight (00:00–00:00 is all day)")


class HoursIn(Schema):
    hours: list[IntervalIn] = Field(..., max_length=7 * services.MAX_INTERVALS_PER_DAY)


class ExceptionIn(Schema):
    date: date
    is_closed: bool = True
    opens: time | None = None
    closes: time | None = None
    note: str = Field("", max_length=120)


class StaffOut(Schema):
    id: int
    user_id: int
    email: str = Field(alias="user.email")
    display_name: str = Field(alias="user.display_name")
    role: str


class StaffIn(Schema):
    email: str = Field(..., max_length=254)
    role: StaffRole = StaffRole.STAFF


class StaffPatch(Schema):
    role: StaffRole


class ShopFilters(Schema):
    kind: ShopKind | None = None


# --- helpers --------------------------------------------------------------------------


def _location_out(location: Location, shop: Shop, now) -> dict:
    change = selectors.next_change(location, now)
    return {
        "id": location.pk,
        "name": location.name,
        "address": location.address,
        "city": location.city,
        "postcode": location.postcode,
        "phone": location.phone,
        "latitude": location.latitude,
        "longitude": location.longitude,
        "open_now": selectors.is_open(location, now),
        "next_change": change.label if change else None,
        "hours": selectors.week_schedule(location),
        "exceptions": selectors.upcoming_exceptions(location),
        "fulfilment": {
            "currency": shop.currency,
            "pickup": {"enabled": location.pickup_enabled, "preparation_minutes": location.pickup_preparation_minutes},
            "delivery": {
                "enabled": location.delivery_enabled,
                "radius_km": location.delivery_radius_km,
                "fee": location.delivery_fee,
            },
            "shipping": {"enabled": location.shipping_enabled, "fee": location.shipping_fee},
        },
    }


def _shop_detail_out(shop: Shop) -> Shop:
    """``shop`` (from selectors.shop_detail) with each location's hours and status worked out."""
    now = timezone.now()
    shop.location_views = [_location_out(location, shop, now) for location in shop.locations.all()]
    return shop


def _shop(slug: str) -> Shop:
    shop = selectors.shop_by_slug(slug)
    if shop is None:
        raise NotFound("No such shop.")
    return shop


def _location(shop: Shop, location_id: int) -> Location:
    location = Location.objects.select_related("shop").filter(shop=shop, pk=location_id).first()
    if location is None:
        raise NotFound("No such location in this shop.")
    return location


def _detail_response(shop: Shop):
    return _shop_detail_out(selectors.shop_detail(shop.slug))


def _location_response(shop: Shop, location_id: int):
    return _location_out(selectors.location_with_hours(location_id, shop=shop), shop, timezone.now())


# --- public ---------------------------------------------------------------------------


@router.get("/", response={200: list[ShopOut], 422: ErrorOut}, auth=anyone, summary="List shops")
@paginate(BoundedPagination)
def list_shops(request: HttpRequest, filters: ShopFilters = Query(...)):
    return selectors.public_shops(kind=filters.kind)


@router.get("/mine", response={200: list[MyShopOut], 401: ErrorOut}, auth=signed_in, summary="Shops I work for")
def my_shops(request: HttpRequest):
    return selectors.shops_of_user(request.auth)


@router.get("/{slug}", response={200: ShopDetailOut, 404: ErrorOut}, auth=anyone, summary="A shop with its locations")
def shop_detail(request: HttpRequest, slug: str):
    shop = selectors.shop_detail(slug)
    if shop is None or not (shop.is_active or membership_for(request.auth, shop)):
        raise NotFound("No such shop.")
    return _shop_detail_out(shop)


# --- the merchant's shop --------------------------------------------------------------


@router.post("/", response={201: ShopDetailOut, **FAILURES}, auth=signed_in, summary="Create a shop")
def create_shop(request: HttpRequest, payload: ShopIn):
    shop = services.create_shop(user=request.auth, **payload.dict())
    return 201, _detail_response(shop)


@router.patch("/{slug}", response={200: ShopDetailOut, **FAILURES}, auth=signed_in, summary="Update a shop")
def update_shop(request: HttpRequest, slug: str, payload: ShopPatch):
    shop = services.update_shop(user=request.auth, shop=_shop(slug), **payload.dict(exclude_unset=True))
    return _detail_response(shop)


@router.post("/{slug}/logo", response={200: ShopDetailOut, **FAILURES}, auth=signed_in, summary="Upload the logo")
def upload_logo(request: HttpRequest, slug: str, logo: File[UploadedFile]):
    shop = services.set_shop_logo(user=request.auth, shop=_shop(slug), upload=logo)
    return _detail_response(shop)


@router.post("/{slug}/locations", response={201: LocationOut, **FAILURES}, auth=signed_in, summary="Add a location")
def create_location(request: HttpRequest, slug: str, payload: LocationIn):
    shop = _shop(slug)
    location = services.create_location(user=request.auth, shop=shop, **payload.dict(exclude_unset=True))
    return 201, _location_response(shop, location.pk)


@router.get("/{slug}/locations/{location_id}", response={200: LocationOut, **READ_FAILURES}, auth=signed_in)
def get_location(request: HttpRequest, slug: str, location_id: int):
    shop = _shop(slug)
    authorize(request.auth, shop, ShopAction.VIEW)
    return _location_response(shop, _location(shop, location_id).pk)


@router.patch("/{slug}/locations/{location_id}", response={200: LocationOut, **FAILURES}, auth=signed_in)
def update_location(request: HttpRequest, slug: str, location_id: int, payload: LocationPatch):
    shop = _shop(slug)
    location = _location(shop, location_id)
    services.update_location(user=request.auth, location=location, **payload.dict(exclude_unset=True))
    return _location_response(shop, location.pk)


@router.delete("/{slug}/locations/{location_id}", response={204: None, **FAILURES}, auth=signed_in)
def delete_location(request: HttpRequest, slug: str, location_id: int):
    shop = _shop(slug)
    services.delete_location(user=request.auth, location=_location(shop, location_id))
    return 204, None


@router.put(
    "/{slug}/locations/{location_id}/hours",
    response={200: LocationOut, **FAILURES},
    auth=signed_in,
    summary="Replace the weekly opening hours",
)
def replace_hours(request: HttpRequest, slug: str, location_id: int, payload: HoursIn):
    shop = _shop(slug)
    location = _location(shop, location_id)
    services.replace_weekly_hours(
        user=request.auth, location=location, intervals=[interval.dict() for interval in payload.hours]
    )
    return _location_response(shop, location.pk)


@router.post(
    "/{slug}/locations/{location_id}/exceptions",
    response={201: ExceptionOut, **FAILURES},
    auth=signed_in,
    summary="Close or set special hours on a date",
)
def set_exception(request: HttpRequest, slug: str, location_id: int, payload: ExceptionIn):
    location = _location(_shop(slug), location_id)
    exception = services.set_hours_exception(
        user=request.auth,
        location=location,
        on=payload.date,
        is_closed=payload.is_closed,
        opens=payload.opens,
        closes=payload.closes,
        note=payload.note,
    )
    return 201, exception


@router.delete("/{slug}/locations/{location_id}/exceptions/{exception_id}", response={204: None, **FAILURES}, auth=signed_in)
def delete_exception(request: HttpRequest, slug: str, location_id: int, exception_id: int):
    location = _location(_shop(slug), location_id)
    authorize(request.auth, location.shop, ShopAction.VIEW)
    exception = HoursException.objects.filter(location=location, pk=exception_id).select_related("location__shop").first()
    if exception is None:
        raise NotFound("No such exception.")
    services.delete_hours_exception(user=request.auth, exception=exception)
    return 204, None


# --- staff ----------------------------------------------------------------------------


def _membership(shop: Shop, membership_id: int) -> ShopMembership:
    membership = ShopMembership.objects.select_related("shop", "user").filter(shop=shop, pk=membership_id).first()
    if membership is None:
        raise NotFound("No such team member.")
    return membership


@router.get("/{slug}/staff", response={200: list[StaffOut], **READ_FAILURES}, auth=signed_in, summary="The team")
def list_staff(request: HttpRequest, slug: str):
    shop = _shop(slug)
    authorize(request.auth, shop, ShopAction.VIEW)
    return selectors.team_of_shop(shop)


@router.post("/{slug}/staff", response={201: StaffOut, **FAILURES}, auth=signed_in, summary="Add a team member")
def add_staff(request: HttpRequest, slug: str, payload: StaffIn):
    membership = services.add_staff(user=request.auth, shop=_shop(slug), email=payload.email, role=payload.role)
    return 201, membership


@router.patch("/{slug}/staff/{membership_id}", response={200: StaffOut, **FAILURES}, auth=signed_in)
def change_staff_role(request: HttpRequest, slug: str, membership_id: int, payload: StaffPatch):
    shop = _shop(slug)
    authorize(request.auth, shop, ShopAction.VIEW)
    return services.change_staff_role(user=request.auth, membership=_membership(shop, membership_id), role=payload.role)


@router.delete("/{slug}/staff/{membership_id}", response={204: None, **FAILURES}, auth=signed_in)
def remove_staff(request: HttpRequest, slug: str, membership_id: int):
    shop = _shop(slug)
    authorize(request.auth, shop, ShopAction.VIEW)
    services.remove_staff(user=request.auth, membership=_membership(shop, membership_id))
    return 204, None
