from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from klankbord.core.models import Heartbeat


@dataclass(frozen=True)
class BackgroundStatus:
    worker_seen_at: datetime | None
    beat_seen_at: datetime | None
    tick_done_at: datetime | None
    workers: list[Heartbeat]

    @staticmethod
    def fresh(moment: datetime | None) -> bool:
        limit = timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS)
        return moment is not None and timezone.now() - moment < limit

    @property
    def worker_alive(self) -> bool:
        return self.fresh(self.worker_seen_at)

    @property
    def beat_alive(self) -> bool:
        return self.fresh(self.beat_seen_at)

    @property
    def healthy(self) -> bool:
        return self.worker_alive and self.beat_alive


def background_status() -> BackgroundStatus:
    beats = list(Heartbeat.objects.all())
    workers = [hb for hb in beats if hb.name.startswith("worker:")]
    by_name = {hb.name: hb.seen_at for hb in beats}
    return BackgroundStatus(
        worker_seen_at=max((hb.seen_at for hb in workers), default=None),
        beat_seen_at=by_name.get("beat"),
        tick_done_at=by_name.get("tick"),
        workers=workers,
    )


def broker_reachable(timeout: int = 2) -> bool:
    """Whether the broker answers within `timeout` seconds (a connection and one count)."""
    from kombu import Connection

    import klankbord.celery  # noqa: F401  (registers the database broker's transport)

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
            with conn.channel() as channel:
                if hasattr(channel, "_size"):  # virtual transports connect lazily: ask once
                    channel._size("celery")
        return True
    except Exception:  # noqa: BLE001
        return False


def queue_depth(queue: str = "celery") -> int | None:
    """Messages waiting in the broker, or None when the broker cannot be reached."""
    from klankbord.celery import app

    try:
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1)
            with conn.channel() as channel:
                # kombu's virtual transports (Redis, SQLAlchemy) count without declaring;
                # a passive declare would fail on Redis, which drops an empty queue's key.
                if hasattr(channel, "_size"):
                    return int(channel._size(queue))
                declared = channel.queue_declare(queue=queue, passive=True)  # type: ignore[attr-defined]
                return int(declared.message_count)
    except Exception:  # noqa: BLE001
        return None
