from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "plaza.notifications"
    label = "notifications"
