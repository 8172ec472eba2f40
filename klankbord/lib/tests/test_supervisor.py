"""`klankbord run` waits for its processes in a small script: it stops them all, and says why."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from klankbord.lib import supervisor


def pids_in(path: Path) -> list[int]:
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A stopped child that nobody waited for yet is a zombie: gone for our purposes.
    return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"


def recording_sleeper(pids: Path) -> list[str]:
    code = (
        f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(120)"
    )
    return [sys.executable, "-c", code]


def start(processes: dict[str, list[str]]) -> subprocess.Popen[str]:
    argv = supervisor.command(processes, banner="Klankbord runs.")
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until(condition: Callable[[], bool], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_sigterm_stops_every_process_and_exits_cleanly(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    proc = start({"web": recording_sleeper(pids), "worker": recording_sleeper(pids)})
    assert wait_until(lambda: len(pids_in(pids)) == 2)

    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=30)

    assert proc.returncode == 0
    assert "Klankbord runs." in output and "Stopped." in output
    assert not any(alive(pid) for pid in pids_in(pids))


def test_when_one_process_stops_the_others_are_stopped_and_the_status_says_so(
    tmp_path: Path,
) -> None:
    pids = tmp_path / "pids"
    proc = start({"web": recording_sleeper(pids), "worker": [sys.executable, "-c", "exit(3)"]})

    output, _ = proc.communicate(timeout=60)

    assert proc.returncode == 1
    assert "worker stopped unexpectedly; stopping the rest." in output
    assert not any(alive(pid) for pid in pids_in(pids))


def test_the_supervisor_loads_neither_django_nor_klankbord() -> None:
    # Either one loaded would make the waiting process as large as a worker.
    script = supervisor.command({})[2]
    code = (
        f"import runpy, sys; runpy.run_path({script!r}); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'klankbord'}))"
    )
    result = subprocess.run(
        [sys.executable, "-P", "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
