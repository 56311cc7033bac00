"""Merchant pages: /merchant/ and /merchant/<shop_slug>/…"""

from django.urls import path

from plaza.shops import converters  # noqa: F401  (registers <row_id:…>)
from plaza.shops import views

app_name = "shops"

shop = "<slug:shop_slug>/"
location = shop + "locations/<row_id:location_id>/"

urlpatterns = [
    path("", views.my_shops, name="home"),
    path(shop, views.dashboard, name="dashboard"),
    path(shop + "settings/", views.shop_settings, name="settings"),
    path(shop + "settings/logo/", views.upload_logo, name="logo"),
    path(shop + "locations/", views.locations, name="locations"),
    path(shop + "locations/new/", views.new_location, name="location_new"),
    path(location, views.location_page, name="location"),
    path(location + "details/", views.location_details, name="location_details"),
    path(location + "fulfilment/", views.location_fulfilment, name="location_fulfilment"),
    path(location + "hours/", views.location_hours, name="location_hours"),
    path(location + "exceptions/", views.add_exception, name="exception_add"),
    path(location + "exceptions/<row_id:exception_id>/delete/", views.delete_exception, name="exception_delete"),
    path(location + "delete/", views.delete_location, name="location_delete"),
    path(shop + "staff/", views.staff, name="staff"),
    path(shop + "staff/<row_id:membership_id>/role/", views.change_role, name="staff_role"),
    path(shop + "staff/<row_id:membership_id>/remove/", views.remove_member, name="staff_remove"),
]
