from django.contrib import admin

from plaza.core.admin_base import ReadOnlyAdmin
from plaza.lists.models import ShoppingList


@admin.register(ShoppingList)
class ShoppingListAdmin(ReadOnlyAdmin):
    list_display = ("title", "owner", "circle", "circle_role", "updated_at")
    list_filter = ("circle_role",)
    search_fields = ("title", "owner__display_name")
    list_select_related = ("owner", "circle")
