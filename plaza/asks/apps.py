from django.apps import AppConfig


class AsksConfig(AppConfig):
    name = "plaza.asks"
    label = "asks"
