from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "plaza.web"
    label = "web"
