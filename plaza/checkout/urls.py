from django.urls import path

from plaza.checkout import views

app_name = "checkout"

urlpatterns = [
    path("", views.cart_page, name="cart"),
    path("add/", views.add, name="add"),
    path("lines/<int:line_id>/", views.update_line, name="update_line"),
    path("lines/<int:line_id>/remove/", views.remove_line, name="remove_line"),
    path("checkout/<slug:shop_slug>/", views.checkout, name="checkout"),
    path("checkout/<slug:shop_slug>/slots/", views.slot_options, name="slot_options"),
    path("pay/<uuid:order_token>/", views.pay, name="pay"),
]
