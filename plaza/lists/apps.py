from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "plaza.lists"
    label = "lists"
