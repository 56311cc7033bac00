"""Merchant catalog pages, mounted at /merchant/<shop_slug>/catalog/."""

from django.urls import path

from plaza.catalog import views
from plaza.shops import converters  # noqa: F401  (registers <row_id:…>)

app_name = "catalog"

product = "<row_id:product_id>/"

urlpatterns = [
    path("", views.product_list, name="products"),
    path("new/", views.product_create, name="product_create"),
    path(product, views.product_edit, name="product_edit"),
    path(product + "delete/", views.product_delete, name="product_delete"),
    path(product + "images/", views.image_upload, name="image_upload"),
    path(product + "images/<row_id:image_id>/move/", views.image_move, name="image_move"),
    path(product + "images/<row_id:image_id>/delete/", views.image_delete, name="image_delete"),
    path("import/", views.import_start, name="import"),
    path("import/<row_id:job_id>/", views.import_job, name="import_job"),
    path("export.csv", views.export_csv, name="export"),
]
