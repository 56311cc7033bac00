from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "plaza.demo"
    label = "demo"
    verbose_name = "Demo town"
