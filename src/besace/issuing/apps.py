from django.apps import AppConfig


class IssuingConfig(AppConfig):
    name = "besace.issuing"
    label = "issuing"

    def ready(self) -> None:
        from besace.issuing import checks, public_cache  # noqa: F401 - register checks, connect receivers
