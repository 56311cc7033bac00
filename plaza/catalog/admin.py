from django.contrib import admin

from plaza.catalog.models import ImportJob, Product, Variant
from plaza.core.admin_base import ReadOnlyAdmin, ReadOnlyInline


class VariantInline(ReadOnlyInline):
    model = Variant
    fields = ("sku", "option1", "option2", "option3", "price", "barcode")
    readonly_fields = fields


@admin.register(Product)
class ProductAdmin(ReadOnlyAdmin):
    list_display = ("title", "shop", "status", "min_price", "updated_at")
    list_filter = ("status",)
    search_fields = ("title", "handle", "shop__name", "variants__sku")
    list_select_related = ("shop",)
    inlines = [VariantInline]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("pk", "shop", "status", "created_count", "updated_count", "failed_count", "created_at")
    list_filter = ("status",)
    search_fields = ("shop__name",)
    list_select_related = ("shop",)
