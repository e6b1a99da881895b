from django.apps import AppConfig


class VerifyConfig(AppConfig):
    name = "besace.verify"
    label = "verify"
