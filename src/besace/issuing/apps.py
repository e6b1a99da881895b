from django.apps import AppConfig


class IssuingConfig(AppConfig):
    name = "besace.issuing"
    label = "issuing"
