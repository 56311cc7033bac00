from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "plaza.checkout"
    label = "checkout"
