from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "besace.profiles"
    label = "profiles"
