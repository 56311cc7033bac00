"""/api/v1/inventory/: a shop's stock per location, manual changes and the movement log."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from plaza.core.api import ErrorOut, signed_in
from plaza.core.errors import InvalidInput, NotFound
from plaza.inventory import selectors, services
from plaza.inventory.models import MovementReason, Stock
from plaza.shops.models import Shop
from plaza.core.pagination import BoundedPagination
from plaza.shops.selectors import shop_by_slug
from plaza.shops.permissions import ShopAction, authorize

router = Router(tags=["inventory"], auth=signed_in)

FAILURES = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
MAX_DB_ID = 2**63 - 1


class StockOut(Schema):
    id: int
    variant_id: int
    sku: str = Field(alias="variant.sku")
    product_title: str = Field(alias="variant.product.title")
    variant_title: str = Field(alias="variant.title")
    location_id: int
    location_name: str = Field(alias="location.name")
    quantity: int
    reserved: int
    available: int
    low_stock_threshold: int
    is_low: bool


class MovementOut(Schema):
    id: int
    created_at: datetime
    variant_id: int = Field(alias="stock.variant_id")
    sku: str = Field(alias="stock.variant.sku")
    product_title: str = Field(alias="stock.variant.product.title")
    location_id: int = Field(alias="stock.location_id")
    delta: int
    quantity_after: int
    reason: str
    note: str
    actor_email: str | None
    order_number: str | None

    @staticmethod
    def resolve_actor_email(movement) -> str | None:
        return movement.actor.email if movement.actor else None

    @staticmethod
    def resolve_order_number(movement) -> str | None:
        return movement.order.number if movement.order else None


class StockFilters(Schema):
    location_id: int | None = Field(None, ge=1, le=MAX_DB_ID)
    low: bool = Field(False, description="Only rows at or below their low-stock threshold")
    q: str = Field("", max_length=100, description="Product title or SKU contains")


class MovementFilters(Schema):
    location_id: int | None = Field(None, ge=1, le=MAX_DB_ID)
    variant_id: int | None = Field(None, ge=1, le=MAX_DB_ID)


class AdjustIn(Schema):
    variant_id: int = Field(..., ge=1, le=MAX_DB_ID)
    location_id: int = Field(..., ge=1, le=MAX_DB_ID)
    delta: int = Field(..., description="Units to add (positive) or remove (negative)")
    reason: MovementReason
    note: str = Field("", max_length=255)


class CountIn(Schema):
    variant_id: int = Field(..., ge=1, le=MAX_DB_ID)
    location_id: int = Field(..., ge=1, le=MAX_DB_ID)
    quantity: int = Field(..., ge=0)
    note: str = Field("", max_length=255)


def _shop(request: HttpRequest, slug: str, action: ShopAction) -> Shop:
    shop = shop_by_slug(slug)
    if shop is None:
        raise NotFound("No such shop.")
    authorize(request.auth, shop, action)
    return shop


def _variant_and_location(shop: Shop, variant_id: int, location_id: int):
    variant = selectors.shop_variant(shop, variant_id)
    location = selectors.shop_location(shop, location_id)
    errors = {}
    if variant is None:
        errors["variant_id"] = ["No such variant in this shop."]
    if location is None:
        errors["location_id"] = ["No such location in this shop."]
    if errors:
        raise InvalidInput("Pick a variant and a location of this shop.", fields=errors)
    return variant, location


def _row(shop: Shop, variant, location) -> Stock:
    return selectors.stock_for_shop(shop).get(variant=variant, location=location)


@router.get("/shops/{slug}/stock", response={200: list[StockOut], **FAILURES}, summary="A shop's stock")
@paginate(BoundedPagination)
def list_stock(request: HttpRequest, slug: str, filters: StockFilters = Query(...)):
    shop = _shop(request, slug, ShopAction.VIEW)
    return selectors.search_stock(shop, location_id=filters.location_id, low_only=filters.low, query=filters.q)


@router.post("/shops/{slug}/adjust", response={200: StockOut, **FAILURES}, summary="Add or remove units")
def adjust(request: HttpRequest, slug: str, payload: AdjustIn):
    shop = _shop(request, slug, ShopAction.MANAGE_STOCK)
    variant, location = _variant_and_location(shop, payload.variant_id, payload.location_id)
    services.adjust_stock(
        variant=variant,
        location=location,
        delta=payload.delta,
        reason=payload.reason,
        note=payload.note,
        actor=request.auth,
    )
    return _row(shop, variant, location)


@router.post("/shops/{slug}/count", response={200: StockOut, **FAILURES}, summary="Set the units counted on hand")
def count(request: HttpRequest, slug: str, payload: CountIn):
    shop = _shop(request, slug, ShopAction.MANAGE_STOCK)
    variant, location = _variant_and_location(shop, payload.variant_id, payload.location_id)
    services.set_stock_quantity(
        variant=variant, location=location, quantity=payload.quantity, note=payload.note, actor=request.auth
    )
    return _row(shop, variant, location)


@router.get("/shops/{slug}/movements", response={200: list[MovementOut], **FAILURES}, summary="The stock movement log")
@paginate(BoundedPagination)
def movements(request: HttpRequest, slug: str, filters: MovementFilters = Query(...)):
    shop = _shop(request, slug, ShopAction.VIEW)
    return selectors.movement_log(shop, location_id=filters.location_id, variant_id=filters.variant_id)
