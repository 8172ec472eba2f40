"""`klankbord run` on one small machine: one web process with threads, one worker that beats."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from klankbord.core.management.commands.run import Command, run_processes
from klankbord.core.models import Heartbeat
from klankbord.core.selectors import background_status
from klankbord.core.tests.test_worker import start, stop, wait_for


def defaults(*args: str) -> dict[str, object]:
    return vars(Command().create_parser("klankbord", "run").parse_args(args))


def test_run_starts_one_web_process_with_threads_and_one_worker_that_also_beats() -> None:
    processes = run_processes(defaults())

    assert set(processes) == {"web", "worker"}  # no beat process of its own
    web = " ".join(processes["web"])
    assert "--workers 1 " in web and "--threads 4 " in web
    worker = " ".join(processes["worker"])
    assert "--pool threads --concurrency 2 " in worker and worker.endswith("--beat-thread")


def test_run_trades_memory_for_throughput_when_asked() -> None:
    processes = run_processes(
        defaults("--web-workers", "3", "--worker-pool", "prefork", "--concurrency", "4")
    )

    assert "--workers 3 " in " ".join(processes["web"])
    assert "--pool prefork --concurrency 4 " in " ".join(processes["worker"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_with_the_beat_thread_ticks_by_itself(tmp_path: Path) -> None:
    worker: subprocess.Popen[bytes] = start(
        "worker",
        "--pool",
        "threads",
        "--concurrency",
        "2",
        "--beat-thread",
        "--schedule-filename",
        str(tmp_path / "beat-schedule"),
        "--loglevel",
        "INFO",
        tmp_path=tmp_path,
    )
    try:
        # Beat's tick went through the broker back to this worker: the whole chain in one.
        assert wait_for(lambda: background_status().beat_alive, 60), (
            tmp_path / "worker.log"
        ).read_text()[-3000:]
        assert wait_for(lambda: Heartbeat.objects.filter(name="tick").exists(), 30)
        assert background_status().worker_alive
    finally:
        stop(worker)
    assert worker.returncode == 0


def test_the_sqlite_page_cache_of_each_connection_follows_the_setting(tmp_path: Path) -> None:
    code = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA cache_size'); "
        "print(cursor.fetchone()[0])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klankbord.settings",
        "KLANKBORD_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "KLANKBORD_SQLITE_CACHE_MB": "16",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == str(-16 * 1024)  # negative: kibibytes, not pages
