from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "klankbord.core"
    label = "core"

    def ready(self) -> None:
        from celery.signals import task_failure
        from django.core.signals import request_started

        from klankbord.core import (
            checks,  # noqa: F401  (registers the deploy checks)
            metrics,
        )
        from klankbord.lib import logs
        from klankbord.listening.pipeline import mentions_stored

        # Each request starts without the ids of the one before (the middleware sets its own).
        request_started.connect(logs.clear_request, weak=False)
        task_failure.connect(metrics.task_failed, weak=False)
        mentions_stored.connect(metrics.mentions_counted, weak=False)
