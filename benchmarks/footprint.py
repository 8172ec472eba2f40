"""Footprint benchmark: memory and CPU of an idle `klankbord run` (web, worker and beat).

Starts `klankbord run` as `make run` does: production settings from a settings file of its own,
SQLite in a temporary data folder (never the developer's), the demo on the empty database. It
waits until the install is up and idle: the demo owner's dashboard served, a beat tick handled
by the worker, then --settle seconds for the tasks beat starts on its first tick. Then it samples
every process of the tree each second for --seconds and prints, per process and in total, the
resident memory (RSS; PSS counts memory shared between processes once) and the CPU time used
as a share of one core, against the targets: at most 600 MB RSS in total and 2 % of one core.
Exits with status 1 when a target is missed.

Run: .venv/bin/python benchmarks/footprint.py [--seconds 60] [--postgres]
--postgres measures the same on a fresh PostgreSQL database and a Redis database instead of
SQLite (servers from --postgres-url and --redis-url); their server processes are not part of the
tree, but the PostgreSQL connections Klankbord holds are printed.
"""

import argparse
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

ROOT = Path(__file__).resolve().parent.parent
TARGET_RSS_MB = 600
TARGET_CPU_PERCENT = 2.0
TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    pid: int
    role: str
    rss_kb: int
    pss_kb: int
    cpu_ticks: int


@dataclass
class Usage:
    role: str
    rss_kb: list[int] = field(default_factory=list)
    pss_kb: list[int] = field(default_factory=list)
    first_ticks: int | None = None
    last_ticks: int = 0


def proc_stat(pid: int) -> tuple[int, int]:
    """(parent pid, user + system CPU ticks) of a process."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()  # the name may hold spaces and parentheses
    return int(fields[1]), int(fields[11]) + int(fields[12])


def proc_kb(pid: int, path: str, key: str) -> int:
    for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def tree(root: int) -> list[int]:
    """The root and all its descendants, from the parent pids in /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent, _ = proc_stat(int(entry.name))
            except (OSError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def role_of(pid: int, root: int) -> str:
    argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    command = " ".join(part.decode(errors="replace") for part in argv)
    parent, _ = proc_stat(pid)
    if pid == root:
        return "klankbord run"
    if "gunicorn" in command:
        return "web (gunicorn master)" if parent == root else "web (gunicorn worker)"
    if "celery" in command and " worker" in command:
        return "worker (main)" if parent == root else "worker (pool child)"
    if "celery" in command and " beat" in command:
        return "beat"
    return f"other: {Path(argv[0].decode(errors='replace')).name}"


def sample(root: int) -> list[Sample]:
    samples = []
    for pid in tree(root):
        try:
            _, ticks = proc_stat(pid)
            samples.append(
                Sample(
                    pid=pid,
                    role=role_of(pid, root),
                    rss_kb=proc_kb(pid, "status", "VmRSS"),
                    pss_kb=proc_kb(pid, "smaps_rollup", "Pss"),
                    cpu_ticks=ticks,
                )
            )
        except (OSError, ValueError):
            continue  # it ended between the listing and the reading
    return samples


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh, empty database on the server of admin_url, dropped afterwards."""
    import psycopg

    name = f"klankbord_footprint_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def postgres_connections(database_url: str) -> list[int]:
    """Pids of the PostgreSQL server processes serving this database (Klankbord's connections)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [int(row[0]) for row in rows]


def settings_file(data_dir: Path, extra: dict[str, str]) -> Path:
    """A settings file as `klankbord init` writes one: production, fresh secrets."""
    from cryptography.fernet import Fernet

    path = data_dir / "klankbord.env"
    lines = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KLANKBORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        **extra,
    }
    path.write_text("".join(f"{key}={value}\n" for key, value in lines.items()))
    path.chmod(0o600)
    return path


def run_environment(data_dir: Path, env_file: Path) -> dict[str, str]:
    # Nothing from the developer's shell decides where data goes or which settings apply.
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY")
        and not key.startswith("KLANKBORD_")
    }
    return {
        **inherited,
        "KLANKBORD_ENV_FILE": str(env_file),
        "KLANKBORD_DATA_DIR": str(data_dir / "data"),
    }


def wait_until_idle(base_url: str, log: Path, env: dict[str, str], timeout: float) -> None:
    """Until the demo owner's dashboard was served and a worker handled a beat tick."""
    import httpx

    deadline = time.monotonic() + timeout
    login = None
    while login is None:
        login = demo_login(log.read_text(errors="replace"))
        check_deadline(deadline, "the demo login in the output", log)
        time.sleep(1)
    with httpx.Client(base_url=base_url, timeout=30, follow_redirects=True) as client:
        while True:
            try:
                health = client.get("/healthz").json()
            except (httpx.HTTPError, ValueError):
                health = {}
            if health.get("worker") == "ok" and health.get("beat") == "ok":
                break
            check_deadline(deadline, "worker and beat in /healthz", log)
            time.sleep(1)
        log_in(client, base_url, login, log)
    while not tick_handled(env):
        check_deadline(deadline, "a beat tick handled by the worker", log)
        time.sleep(1)


def log_in(client: "httpx.Client", base_url: str, login: tuple[str, str], log: Path) -> None:
    """Log in as the demo owner and load the dashboard; a few tries while the worker is busy."""
    for _attempt in range(3):
        page = client.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        form = {"csrfmiddlewaretoken": token[1], "username": login[0], "password": login[1]}
        dashboard = client.post("/login/", data=form, headers={"Referer": f"{base_url}/login/"})
        if dashboard.status_code == 200 and "/o/" in str(dashboard.url):
            return
        print(f"login answered {dashboard.status_code} at {dashboard.url}; trying again")
        errors = [line for line in log.read_text(errors="replace").splitlines() if "Error" in line]
        print("\n".join(errors[-5:]))
        time.sleep(5)
    print(log.read_text(errors="replace")[-3000:])
    raise SystemExit("the demo owner could not log in")


def demo_login(output: str) -> tuple[str, str] | None:
    email = re.search(r"E-mail\s+(\S+@\S+)", output)
    password = re.search(r"Password\s+(\S+)", output)
    return (email[1], password[1]) if email and password else None


def tick_handled(env: dict[str, str]) -> bool:
    script = (
        "import django; django.setup();"
        "from klankbord.core.models import Heartbeat;"
        "print(Heartbeat.objects.filter(name='tick').exists())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "klankbord.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() == "True"


def check_deadline(deadline: float, waiting_for: str, log: Path) -> None:
    if time.monotonic() > deadline:
        print(log.read_text(errors="replace")[-3000:])
        raise SystemExit(f"gave up waiting for {waiting_for}")


def measure(root: int, seconds: float) -> dict[int, Usage]:
    usage: dict[int, Usage] = {}
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for s in sample(root):
            seen = usage.setdefault(s.pid, Usage(role=s.role))
            seen.rss_kb.append(s.rss_kb)
            seen.pss_kb.append(s.pss_kb)
            if seen.first_ticks is None:
                seen.first_ticks = s.cpu_ticks
            seen.last_ticks = s.cpu_ticks
        time.sleep(1)
    return usage


def report(usage: dict[int, Usage], seconds: float, samples: int) -> bool:
    print(f"\n{'process':<24}{'pid':>8}{'RSS MB':>9}{'PSS MB':>9}{'CPU %':>8}")
    total_rss = total_pss = total_ticks = 0.0
    for pid, use in sorted(usage.items(), key=lambda item: item[1].role):
        rss = max(use.rss_kb) / 1024
        pss = max(use.pss_kb) / 1024
        ticks = use.last_ticks - (use.first_ticks or 0)
        # A process seen in only part of the samples (started or ended) counts as it was.
        total_rss += sum(use.rss_kb) / samples / 1024
        total_pss += sum(use.pss_kb) / samples / 1024
        total_ticks += ticks
        percent = 100 * ticks / TICKS_PER_SECOND / seconds
        print(f"{use.role:<24}{pid:>8}{rss:>9.1f}{pss:>9.1f}{percent:>8.2f}")
    cpu = 100 * total_ticks / TICKS_PER_SECOND / seconds
    print(f"{'total (mean)':<32}{total_rss:>9.1f}{total_pss:>9.1f}{cpu:>8.2f}")
    rss_ok = total_rss <= TARGET_RSS_MB
    cpu_ok = cpu <= TARGET_CPU_PERCENT
    print(
        f"\nresident memory {total_rss:.0f} MB (target ≤ {TARGET_RSS_MB}): "
        f"{'met' if rss_ok else 'MISSED'}"
    )
    print(
        f"CPU {cpu:.2f} % of one core over {seconds:.0f} s (target ≤ {TARGET_CPU_PERCENT}): "
        f"{'met' if cpu_ok else 'MISSED'}"
    )
    return rss_ok and cpu_ok


def print_connections(pids: list[int]) -> None:
    rss = sum(proc_kb(pid, "status", "VmRSS") for pid in pids) / 1024
    pss = sum(proc_kb(pid, "smaps_rollup", "Pss") for pid in pids) / 1024
    print(
        f"PostgreSQL: {len(pids)} connections of Klankbord, {rss:.1f} MB RSS, {pss:.1f} MB PSS "
        "(not in the total; the server's own processes neither)"
    )


def stop(proc: subprocess.Popen[bytes]) -> None:
    leftovers = tree(proc.pid)
    proc.send_signal(signal.SIGTERM)  # `klankbord run` stops web, worker and beat in order
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()
    for pid in leftovers:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60, help="how long to sample")
    parser.add_argument("--settle", type=float, default=30, help="idle seconds before sampling")
    parser.add_argument("--timeout", type=float, default=300, help="most seconds to start up")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL and Redis")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="klankbord-footprint-") as temp:
        if args.postgres:
            with postgres_database(args.postgres_url) as database_url:
                ok = run(
                    args,
                    Path(temp),
                    {"DATABASE_URL": database_url, "CELERY_BROKER_URL": args.redis_url},
                )
        else:
            ok = run(args, Path(temp), {})
    sys.exit(0 if ok else 1)


def run(args: argparse.Namespace, temp: Path, extra: dict[str, str]) -> bool:
    env = run_environment(temp, settings_file(temp, extra))
    port = free_port()
    log = temp / "run.log"
    kind = "PostgreSQL + Redis" if extra else "SQLite"
    print(f"starting `klankbord run` on 127.0.0.1:{port} ({kind})…")
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "klankbord", "run", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_idle(f"http://127.0.0.1:{port}", log, env, args.timeout)
        print(
            f"up in {time.monotonic() - started:.0f} s (dashboard served, beat tick handled); "
            f"settling {args.settle:.0f} s, then sampling {args.seconds:.0f} s…"
        )
        time.sleep(args.settle)
        usage = measure(proc.pid, args.seconds)
        ok = report(usage, args.seconds, max(len(u.rss_kb) for u in usage.values()))
        if extra:
            print_connections(postgres_connections(extra["DATABASE_URL"]))
        return ok
    finally:
        stop(proc)
        print(
            f"load average during the run: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores"
        )


if __name__ == "__main__":
    main()
