from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "besace.accounts"
    label = "accounts"

    def ready(self) -> None:
        from besace.accounts import receivers  # noqa: F401 -- connects the allauth signal receivers
