from django.db.models import F, Q, QuerySet

from plaza.catalog.models import Variant
from plaza.inventory.models import Stock, StockMovement
from plaza.shops.models import Location


def stock_for_shop(shop) -> QuerySet[Stock]:
    return (
        Stock.objects.filter(location__shop=shop)
        .select_related("variant__product", "location")
        .order_by("variant__product__title", "variant__position", "location__name")
    )


def low_stock_for_shop(shop) -> QuerySet[Stock]:
    return stock_for_shop(shop).filter(quantity__lte=F("reserved") + F("low_stock_threshold"))


def movements_for_shop(shop) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(stock__location__shop=shop).select_related(
        "stock__variant__product", "stock__location", "actor", "order"
    )


def movement_log(shop, *, location_id: int | None = None, variant_id: int | None = None) -> QuerySet[StockMovement]:
    log = movements_for_shop(shop)
    if location_id is not None:
        log = log.filter(stock__location_id=location_id)
    if variant_id is not None:
        log = log.filter(stock__variant_id=variant_id)
    return log


def availability_by_location(variant_ids) -> dict[int, dict[int, int]]:
    """{variant_id: {location_id: units available}} in one query."""
    result: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity, reserved in Stock.objects.filter(variant_id__in=list(variant_ids)).values_list(
        "variant_id", "location_id", "quantity", "reserved"
    ):
        result.setdefault(variant_id, {})[location_id] = quantity - reserved
    return result


def search_stock(shop, *, location_id: int | None = None, low_only: bool = False, query: str = "") -> QuerySet[Stock]:
    """The shop's stock rows for the stock page: by location, low only, product title or SKU."""
    rows = low_stock_for_shop(shop) if low_only else stock_for_shop(shop)
    if location_id is not None:
        rows = rows.filter(location_id=location_id)
    # PostgreSQL refuses NUL characters in a query; nobody types them on purpose.
    query = query.replace("\x00", "").strip()
    if query:
        rows = rows.filter(Q(variant__product__title__icontains=query) | Q(variant__sku__icontains=query))
    return rows


def stock_row(shop, stock_id: int) -> Stock | None:
    return stock_for_shop(shop).filter(pk=stock_id).first()


def shop_variant(shop, variant_id: int) -> Variant | None:
    return Variant.objects.select_related("product").filter(pk=variant_id, product__shop=shop).first()


def shop_location(shop, location_id: int) -> Location | None:
    return Location.objects.filter(pk=location_id, shop=shop).first()
