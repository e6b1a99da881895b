from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "besace.accounts"
    label = "accounts"
