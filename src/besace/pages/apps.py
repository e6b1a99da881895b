from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "besace.pages"
    label = "pages"
