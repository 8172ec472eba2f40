"""Signs of life from background processes, so the UI can say when background work stopped."""

from typing import Any

from celery import bootsteps
from celery.signals import beat_init, before_task_publish
from django.conf import settings

BEAT_TICK_TASK = "klankbord.core.tasks.beat_tick"


def heartbeat_record(*, name: str, kind: str) -> None:
    from django.utils import timezone

    from klankbord.core.models import Heartbeat

    Heartbeat.objects.update_or_create(
        name=name, defaults={"kind": kind, "seen_at": timezone.now()}
    )


class WorkerHeartbeatStep(bootsteps.StartStopStep):
    """Records the worker's heartbeat every few seconds from the worker's own timer."""

    requires = ("celery.worker.components:Timer",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.tref: Any = None

    def start(self, parent: Any) -> None:
        name = f"worker:{parent.hostname}"
        self._beat(name)
        self.tref = parent.timer.call_repeatedly(
            settings.HEARTBEAT_INTERVAL_SECONDS, self._beat, (name,), priority=10
        )

    def stop(self, parent: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def _beat(self, name: str) -> None:
        from django.db import close_old_connections

        try:
            # No request cycle closes this thread's connection, so drop a broken one here.
            close_old_connections()
            heartbeat_record(name=name, kind="worker")
        except Exception:
            # A busy or unreachable database must not kill the worker; the next beat retries.
            import logging

            logging.getLogger(__name__).exception("could not record worker heartbeat")


_IN_BEAT_PROCESS = {"value": False}


@beat_init.connect
def mark_beat_process(**kwargs: Any) -> None:
    _IN_BEAT_PROCESS["value"] = True


@before_task_publish.connect
def record_beat_tick(sender: str | None = None, **kwargs: Any) -> None:
    # Beat publishing its tick proves beat is alive; a tick sent by hand proves nothing.
    if sender == BEAT_TICK_TASK and _IN_BEAT_PROCESS["value"]:
        from django.db import close_old_connections

        close_old_connections()
        heartbeat_record(name="beat", kind="beat")
