from django.db.models import F, QuerySet

from plaza.inventory.models import Stock, StockMovement


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


def availability_by_location(variant_ids) -> dict[int, dict[int, int]]:
    """{variant_id: {location_id: units available}} in one query."""
    result: dict[int, dict[int, int]] = {}
    for variant_id, location_id, quantity, reserved in Stock.objects.filter(variant_id__in=list(variant_ids)).values_list(
        "variant_id", "location_id", "quantity", "reserved"
    ):
        result.setdefault(variant_id, {})[location_id] = quantity - reserved
    return result
