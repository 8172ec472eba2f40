from datetime import timedelta

import pytest
from django.utils import timezone

from klankbord.core.models import Heartbeat
from klankbord.core.selectors import background_status
from klankbord.core.tasks import beat_tick

pytestmark = pytest.mark.django_db


def test_a_tick_records_that_a_worker_handled_it() -> None:
    beat_tick()
    assert background_status().tick_done_at is not None


def test_a_tick_forgets_workers_silent_for_a_day_but_keeps_recent_ones() -> None:
    now = timezone.now()
    Heartbeat.objects.create(name="worker:old@host", kind="worker", seen_at=now - timedelta(days=2))
    Heartbeat.objects.create(name="worker:new@host", kind="worker", seen_at=now)
    beat_tick()
    names = set(Heartbeat.objects.values_list("name", flat=True))
    assert "worker:old@host" not in names
    assert "worker:new@host" in names


def test_background_work_counts_as_stopped_without_a_recent_worker_and_beat() -> None:
    assert not background_status().healthy
    now = timezone.now()
    Heartbeat.objects.create(name="worker:a@host", kind="worker", seen_at=now)
    Heartbeat.objects.create(name="beat", kind="beat", seen_at=now - timedelta(minutes=10))
    status = background_status()
    assert status.worker_alive
    assert not status.beat_alive
    assert not status.healthy
