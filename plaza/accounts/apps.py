from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "plaza.accounts"
    label = "accounts"
