"""/healthz: JSON for monitoring, with the database and the background processes."""

from datetime import timedelta
from typing import Any

from django.db.utils import OperationalError
from django.test import Client
from django.utils import timezone

from klankbord.core.models import Heartbeat


def test_without_heartbeats_worker_and_beat_are_stopped(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "stopped",
        "beat": "stopped",
    }


def test_fresh_heartbeats_report_ok(db: None, client: Client) -> None:
    now = timezone.now()
    Heartbeat.objects.create(name="worker:x", kind="worker", seen_at=now)
    Heartbeat.objects.create(name="beat", kind="beat", seen_at=now - timedelta(seconds=5))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "beat": "ok",
    }


def test_stale_heartbeats_report_stopped(db: None, client: Client, settings: Any) -> None:
    old = timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS + 1)
    Heartbeat.objects.create(name="worker:x", kind="worker", seen_at=old)
    Heartbeat.objects.create(name="beat", kind="beat", seen_at=old)
    body = client.get("/healthz").json()
    assert (body["worker"], body["beat"]) == ("stopped", "stopped")


def test_one_live_worker_among_dead_ones_is_enough(db: None, client: Client) -> None:
    now = timezone.now()
    Heartbeat.objects.create(name="worker:old", kind="worker", seen_at=now - timedelta(hours=1))
    Heartbeat.objects.create(name="worker:new", kind="worker", seen_at=now)
    body = client.get("/healthz").json()
    assert (body["worker"], body["beat"]) == ("ok", "stopped")


def test_it_needs_no_login_and_is_not_cached(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_a_broken_database_is_a_503(db: None, client: Client, monkeypatch: Any) -> None:
    class BrokenConnection:
        def cursor(self) -> None:
            raise OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr("klankbord.core.views.connection", BrokenConnection())
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "broker": "ok",
        "worker": "stopped",
        "beat": "stopped",
    }


def test_a_broker_that_does_not_answer_is_a_503_that_names_it(
    db: None, client: Client, settings: Any
) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("error", "ok", "error")
