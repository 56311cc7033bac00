from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "plaza.orders"
    label = "orders"
