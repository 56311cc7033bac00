"""Shopper-side order pages: /orders/…"""

from django.urls import path  # noqa: F401

app_name = "orders"

urlpatterns: list = []
