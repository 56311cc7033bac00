"""Shopper-side order pages: /orders/…"""

from django.urls import path

from plaza.orders import views

app_name = "orders"

urlpatterns = [
    path("", views.my_orders, name="mine"),
    path("<uuid:token>/", views.order_page, name="detail"),
    path("<uuid:token>/status/", views.order_status, name="status"),
    path("<uuid:token>/receipt/", views.receipt, name="receipt"),
    path("<uuid:token>/cancel/", views.cancel_order, name="cancel"),
]
