from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klankbord.core"
    label = "core"

    def ready(self) -> None:
        from klankbord.core import checks  # noqa: F401  (registers the deploy checks)
