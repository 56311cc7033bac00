from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "plaza.social"
    label = "social"
