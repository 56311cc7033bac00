from django.contrib import admin

from plaza.checkout.models import Cart, CartLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    raw_id_fields = ["variant"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["token", "user", "created_at", "updated_at"]
    search_fields = ["token", "user__email"]
    raw_id_fields = ["user"]
    inlines = [CartLineInline]
