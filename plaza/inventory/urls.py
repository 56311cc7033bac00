"""Stock pages, mounted at /merchant/<shop_slug>/stock/."""

from django.urls import path

from plaza.inventory import views
from plaza.shops import converters  # noqa: F401  (registers <row_id:…>)

app_name = "inventory"

urlpatterns = [
    path("", views.stock_table, name="stock"),
    path("<row_id:stock_id>/adjust/", views.adjust, name="adjust"),
    path("<row_id:stock_id>/count/", views.count, name="count"),
    path("movements/", views.movement_log, name="movements"),
]
