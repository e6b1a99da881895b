from django.apps import AppConfig


class ConnectConfig(AppConfig):
    name = "besace.connect"
    label = "connect"

    def ready(self) -> None:
        from besace.connect import signals  # noqa: F401 (connects the receivers)
