from django.apps import AppConfig


class StorefrontConfig(AppConfig):
    name = "plaza.storefront"
    label = "storefront"
    verbose_name = "Storefront (what shoppers browse)"
