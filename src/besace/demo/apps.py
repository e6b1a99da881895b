from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "besace.demo"
    label = "demo"
