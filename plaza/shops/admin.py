from django.contrib import admin

from plaza.core.admin_base import ReadOnlyAdmin, ReadOnlyInline
from plaza.shops.models import Location, Shop, ShopMembership


class LocationInline(ReadOnlyInline):
    model = Location
    fields = ("name", "address", "city", "postcode", "pickup_enabled", "delivery_enabled")
    readonly_fields = fields


class MembershipInline(ReadOnlyInline):
    model = ShopMembership
    fields = ("user", "role", "created_at")
    readonly_fields = fields


@admin.register(Shop)
class ShopAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "kind", "is_active", "currency", "created_at")
    list_filter = ("is_active", "kind")
    search_fields = ("name", "slug", "email")
    inlines = [LocationInline, MembershipInline]


@admin.register(Location)
class LocationAdmin(ReadOnlyAdmin):
    list_display = ("name", "shop", "city", "pickup_enabled", "delivery_enabled")
    list_filter = ("pickup_enabled", "delivery_enabled")
    search_fields = ("name", "address", "city", "postcode", "shop__name")
    list_select_related = ("shop",)
