from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "plaza.checkout"
    label = "checkout"

    def ready(self) -> None:
        from plaza.checkout import signals  # noqa: F401  (connects the login receiver)
