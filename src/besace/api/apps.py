from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "besace.api"
    label = "api"

    def ready(self) -> None:
        from besace.api import signals  # noqa: F401 (connects the receivers)
