from django.contrib import admin

from plaza.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from plaza.orders.models import Order, OrderLine, OrderStatusChange


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product_title", "variant_title", "sku", "unit_price", "quantity", "line_total")
    readonly_fields = fields


class StatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    """Orders move only through their services (stock, payment and events stay in step)."""

    list_display = ("number", "shop", "status", "fulfilment_method", "total", "currency", "created_at")
    list_filter = ("status", "fulfilment_method")
    search_fields = ("number", "email", "customer_name", "shop__name")
    list_select_related = ("shop",)
    date_hierarchy = "created_at"
    exclude = ("pickup_code", "idempotency_key", "idempotency_scope", "idempotency_fingerprint")
    inlines = [OrderLineInline, StatusChangeInline]
