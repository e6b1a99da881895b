from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "besace.social"
    label = "social"

    def ready(self) -> None:
        from besace.social import receivers  # noqa: F401 -- records public awards and new badge classes
