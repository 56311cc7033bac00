from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "plaza.catalog"
    label = "catalog"
