"""Start processes and keep them together: when one stops, or on Ctrl-C or SIGTERM, stop them all.

Runs as a plain script, without Django (`python -P supervisor.py SPEC`; `command` builds that),
so the process that waits for web and worker holds a few megabytes, not a loaded Django.
"""

import json
import signal
import subprocess
import sys
import time
from types import FrameType

STOP_SECONDS = 20


def command(processes: dict[str, list[str]], banner: str = "") -> list[str]:
    """The argv that supervises these processes (name → argv) and prints banner once started."""
    spec = json.dumps({"processes": processes, "banner": banner})
    # -P: this file's folder (which holds lib/http.py) must not shadow the standard library.
    return [sys.executable, "-P", __file__, spec]


def supervise(processes: dict[str, list[str]], banner: str = "") -> int:
    """Run until a signal (status 0) or until one process stops on its own (status 1)."""
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Own sessions, so Ctrl-C reaches only us and we stop the children in order.
    running = {
        name: subprocess.Popen(argv, start_new_session=True) for name, argv in processes.items()
    }
    if banner:
        print(banner, flush=True)
    status = 0
    while not stopping:
        exited = [name for name, proc in running.items() if proc.poll() is not None]
        if exited:
            print(f"{', '.join(exited)} stopped unexpectedly; stopping the rest.", flush=True)
            status = 1
            break
        time.sleep(0.5)
    stop_all(running)
    return status


def stop_all(running: dict[str, "subprocess.Popen[bytes]"]) -> None:
    print("Stopping…", flush=True)
    for proc in running.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for name, proc in running.items():
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{name} did not stop in time; killing it.", flush=True)
            proc.kill()
            proc.wait()
    print("Stopped.", flush=True)


if __name__ == "__main__":
    spec = json.loads(sys.argv[1])
    sys.exit(supervise(spec["processes"], spec["banner"]))
