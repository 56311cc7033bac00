"""GET /api/v1/search/products and /api/v1/search/shops: the search page's filters as JSON."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from plaza.core.api import ErrorOut, anyone
from plaza.core.errors import InvalidInput
from plaza.search import selectors
from plaza.search.forms import MAX_QUERY_LENGTH
from plaza.search.selectors import MAX_DISTANCE_KM, MAX_OFFSET, MAX_PAGE_SIZE, MAX_PRICE, PAGE_SIZE, SearchFilters, Sort
from plaza.shops.models import ShopKind
from plaza.storefront import presenters
from plaza.storefront.geo import Position, default_position

router = Router(tags=["search"])

SortParam = Literal["relevance", "distance", "price", "-price"]


class SearchParams(Schema):
    q: str = Field("", max_length=MAX_QUERY_LENGTH, description="Words to match; every word must match (as a prefix).")
    category: str = Field("", max_length=160, description="Category slug (its sub-categories included).")
    lat: float | None = Field(None, ge=-90, le=90, description="Shopper's latitude; default: the demo town.")
    lng: float | None = Field(None, ge=-180, le=180, description="Shopper's longitude; give both or neither.")
    distance_km: float | None = Field(None, gt=0, le=MAX_DISTANCE_KM, description="Only within this distance.")
    open_now: bool = False
    sort: SortParam = Sort.RELEVANCE
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def check(self) -> None:
        """Rules across fields, reported on the field to fix (InvalidInput: 422)."""
        if (self.lat is None) != (self.lng is None):
            missing = "lng" if self.lng is None else "lat"
            raise InvalidInput("Give both lat and lng, or neither.", fields={missing: ["give both lat and lng"]})

    def position(self) -> Position:
        if self.lat is None or self.lng is None:
            return default_position()
        return Position(self.lat, self.lng, "given position")


class ProductSearchParams(SearchParams):
    min_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2)
    max_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE, max_digits=12, decimal_places=2)
    in_stock: bool = Field(False, description="Only products with units available nearby (within distance_km, default 10 km).")

    def check(self) -> None:
        super().check()
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise InvalidInput("max_price must be at least min_price.", fields={"max_price": ["at least min_price"]})


class ShopSearchParams(SearchParams):
    kind: Literal[tuple(ShopKind.values)] | None = Field(None, description="Shop kind.")  # type: ignore[valid-type]


class ShopRef(Schema):
    slug: str
    name: str


class ProductHitOut(Schema):
    id: int
    title: str
    handle: str
    url: str
    shop: ShopRef
    price_from: Decimal
    currency: str
    category: str | None
    image: str | None
    distance_km: float | None


class CategoryFacetOut(Schema):
    slug: str
    name: str
    count: int


class PriceBandOut(Schema):
    label: str
    min_price: Decimal
    max_price: Decimal | None
    count: int


class ProductFacetsOut(Schema):
    categories: list[CategoryFacetOut]
    price_bands: list[PriceBandOut]


class ProductSearchOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ProductHitOut]
    facets: ProductFacetsOut


class ShopHitOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    url: str
    distance_km: float | None
    open_now: bool | None
    status: str | None


class KindFacetOut(Schema):
    kind: str
    label: str
    count: int


class ShopFacetsOut(Schema):
    kinds: list[KindFacetOut]


class ShopSearchOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[ShopHitOut]
    facets: ShopFacetsOut


def _filters(params: SearchParams, at: datetime, **extra) -> SearchFilters:
    params.check()
    return SearchFilters(
        position=params.position(),
        at=at,
        q=params.q,
        category=params.category,
        distance_km=params.distance_km,
        open_now=params.open_now,
        sort=params.sort,
        **extra,
    )


def _rounded(km: float | None) -> float | None:
    return None if km is None else round(km, 2)


@router.get(
    "/products",
    auth=anyone,
    response={200: ProductSearchOut, 401: ErrorOut, 422: ErrorOut},
    summary="Search published products near a position",
)
def search_products(request, params: Query[ProductSearchParams]):
    filters = _filters(
        params, timezone.now(), min_price=params.min_price, max_price=params.max_price, in_stock=params.in_stock
    )
    results = selectors.search_products(filters, offset=params.offset, limit=params.limit)
    return {
        "count": results.count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [
            {
                "id": hit.product.pk,
                "title": hit.product.title,
                "handle": hit.product.handle,
                "url": request.build_absolute_uri(reverse("storefront:product", args=[hit.product.shop.slug, hit.product.handle])),
                "shop": {"slug": hit.product.shop.slug, "name": hit.product.shop.name},
                "price_from": hit.product.min_price,
                "currency": hit.product.shop.currency,
                "category": hit.product.category.slug if hit.product.category else None,
                "image": _image(request, hit.product),
                "distance_km": _rounded(hit.distance_km),
            }
            for hit in results.hits
        ],
        "facets": {
            "categories": [{"slug": f.value, "name": f.label, "count": f.count} for f in results.categories],
            "price_bands": [
                {"label": f.label, "min_price": f.min_price, "max_price": f.max_price, "count": f.count}
                for f in results.price_bands
            ],
        },
    }


def _image(request, product) -> str | None:
    url = presenters.image_url(next(iter(product.ordered_images), None))
    return request.build_absolute_uri(url) if url else None


@router.get(
    "/shops",
    auth=anyone,
    response={200: ShopSearchOut, 401: ErrorOut, 422: ErrorOut},
    summary="Search active shops near a position",
)
def search_shops(request, params: Query[ShopSearchParams]):
    filters = _filters(params, timezone.now(), shop_kind=params.kind or "")
    results = selectors.search_shops(filters, offset=params.offset, limit=params.limit)
    return {
        "count": results.count,
        "limit": params.limit,
        "offset": params.offset,
        "items": [
            {
                "id": hit.shop.pk,
                "slug": hit.shop.slug,
                "name": hit.shop.name,
                "kind": hit.shop.kind,
                "url": request.build_absolute_uri(reverse("storefront:shop", args=[hit.shop.slug])),
                "distance_km": _rounded(hit.distance_km),
                "open_now": hit.status.is_open if hit.status else None,
                "status": hit.status.label if hit.status else None,
            }
            for hit in results.hits
        ],
        "facets": {"kinds": [{"kind": f.value, "label": f.label, "count": f.count} for f in results.kinds]},
    }
