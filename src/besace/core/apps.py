from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "besace.core"
    label = "core"

    def ready(self):
        from besace.core import replica  # noqa: F401 (connects the tasks' read routing)
