"""A real Celery worker and beat process, talking to the test database and the real broker."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from klankbord.core.models import Heartbeat
from klankbord.core.selectors import background_status, queue_depth
from klankbord.core.tasks import beat_tick
from klankbord.test import World

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]


def database_url_for_children() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start(*celery_args: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_children(),
        "HEARTBEAT_INTERVAL_SECONDS": "1",
    }
    argv = [sys.executable, "-m", "celery", "--app", "klankbord", *celery_args]
    log = (tmp_path / f"{celery_args[0]}.log").open("wb")
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = start("worker", "--concurrency", "1", "--loglevel", "INFO", tmp_path=tmp_path)
    yield process
    stop(process)
    print((tmp_path / "worker.log").read_text()[-3000:])


def test_a_running_worker_is_seen_and_handles_a_tick(
    worker: subprocess.Popen[bytes], world: World
) -> None:
    assert wait_for(lambda: background_status().worker_alive), "no worker heartbeat"
    beat_tick.delay()
    assert wait_for(lambda: Heartbeat.objects.filter(name="tick").exists()), "tick not handled"
    assert wait_for(lambda: queue_depth() == 0)


@override_settings(HEARTBEAT_STALE_SECONDS=3)
def test_the_banner_appears_once_the_worker_stops(
    worker: subprocess.Popen[bytes], world: World
) -> None:
    client = Client()
    client.force_login(world.alice)
    dashboard = f"/o/{world.org.slug}/"
    assert wait_for(lambda: background_status().worker_alive)
    Heartbeat.objects.create(name="beat", kind="beat", seen_at=background_status().worker_seen_at)
    assert wait_for(lambda: 'id="background-banner"' not in client.get(dashboard).text, 10)

    stop(worker)
    assert wait_for(lambda: not background_status().worker_alive, 15)
    page = client.get(dashboard).text
    assert 'id="background-banner"' in page
    assert client.get("/healthz").json()["worker"] == "stopped"


def test_beat_records_its_ticks(tmp_path: Path, db: None) -> None:
    schedule = tmp_path / "beat-schedule"
    beat = start("beat", "--loglevel", "INFO", "--schedule", str(schedule), tmp_path=tmp_path)
    try:
        assert wait_for(lambda: background_status().beat_alive, 30), (
            tmp_path / "beat.log"
        ).read_text()[-3000:]
    finally:
        stop(beat)
