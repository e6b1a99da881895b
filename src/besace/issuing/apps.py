from django.apps import AppConfig


class IssuingConfig(AppConfig):
    name = "besace.issuing"
    label = "issuing"

    def ready(self) -> None:
        from besace.issuing import public_cache  # noqa: F401 - connects its signal receivers
