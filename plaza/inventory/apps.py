from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "plaza.inventory"
    label = "inventory"
