from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "klankbord.analytics"
    label = "analytics"

    def ready(self) -> None:
        from klankbord.analytics import receivers

        receivers.connect()
