from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "besace.help"
    label = "help"
