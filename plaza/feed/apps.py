from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "plaza.feed"
    label = "feed"
