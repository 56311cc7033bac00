from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "plaza.payments"
    label = "payments"
