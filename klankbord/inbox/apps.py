from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "klankbord.inbox"
    label = "inbox"

    def ready(self) -> None:
        from klankbord.inbox import receivers  # noqa: F401 - connects the signal handlers
