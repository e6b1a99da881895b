from django.apps import AppConfig


class BackpackConfig(AppConfig):
    name = "besace.backpack"
    label = "backpack"
