from django.apps import AppConfig


class DevmailConfig(AppConfig):
    name = "besace.devmail"
    label = "devmail"
