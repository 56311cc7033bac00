"""Merchant-side order pages: /merchant/<shop_slug>/orders/…"""

from django.urls import path  # noqa: F401

app_name = "merchant_orders"

urlpatterns: list = []
