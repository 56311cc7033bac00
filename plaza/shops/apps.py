from django.apps import AppConfig


class ShopsConfig(AppConfig):
    name = "plaza.shops"
    label = "shops"
