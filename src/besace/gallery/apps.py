from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "besace.gallery"
    label = "gallery"

    def ready(self) -> None:
        from besace.gallery import receivers  # noqa: F401 - connects the index to backpack and profile saves
