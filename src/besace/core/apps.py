from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "besace.core"
    label = "core"
