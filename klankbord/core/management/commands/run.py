import os
import signal
import subprocess
import sys
import time
from types import FrameType

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from klankbord.core.demo import database_is_empty, demo_seed
from klankbord.core.management.commands.demo import print_login
from klankbord.core.management.commands.worker import celery_argv


class Command(BaseCommand):
    help = (
        "Start everything on this machine: the web server, a background worker and the beat "
        "scheduler. Migrates the database first and creates the demo on an empty one. "
        "Ctrl-C stops it all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address and port to serve.")
        parser.add_argument("--web-workers", type=int, default=2, help="Web server processes.")
        parser.add_argument("--no-demo", action="store_true", help="Do not create the demo.")

    def handle(self, *args: object, **options: object) -> None:
        console = Console()
        site_url = site_url_for(str(options["bind"]))
        if not settings.SITE_URL_IS_SET:
            # E-mails sent by the worker link to the address this machine serves on.
            os.environ["SITE_URL"] = settings.SITE_URL = site_url
        with console.status("Preparing the database and static files…"):
            call_command("migrate", interactive=False, verbosity=0)
            call_command("compiletranslations", verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
        if not options["no_demo"] and database_is_empty():
            print_login(demo_seed(), settings.SITE_URL)
        processes = {
            "web": [
                sys.executable,
                "-m",
                "gunicorn",
                "klankbord.wsgi",
                "--bind",
                str(options["bind"]),
                "--workers",
                str(options["web_workers"]),
                "--access-logfile",
                "-",
            ],
            # Warnings only: a tick every few seconds would bury what matters.
            "worker": celery_argv("worker", "--loglevel", "WARNING", "--concurrency", "2"),
            "beat": celery_argv(
                "beat",
                "--loglevel",
                "WARNING",
                "--schedule",
                settings.CELERY_BEAT_SCHEDULE_FILENAME,
            ),
        }
        # Own sessions, so Ctrl-C reaches only us and we stop the children in order.
        running = {
            name: subprocess.Popen(argv, start_new_session=True) for name, argv in processes.items()
        }
        console.print(f"[bold]Klankbord runs on {site_url}/[/] — Ctrl-C stops it.")
        if not settings.DEBUG and not settings.SITE_URL_IS_SET:
            console.print(
                "[yellow]SITE_URL is not set: e-mailed links point to this address. Set it to "
                "the address people use.[/]"
            )
        stopping = False

        def stop(signum: int, frame: FrameType | None) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            exited = [name for name, proc in running.items() if proc.poll() is not None]
            if exited:
                console.print(
                    f"[red]{', '.join(exited)} stopped unexpectedly; stopping the rest.[/]"
                )
                break
            time.sleep(0.5)
        self._stop_all(running, console)

    @staticmethod
    def _stop_all(running: dict[str, subprocess.Popen[bytes]], console: Console) -> None:
        console.print("Stopping…")
        for proc in running.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        for name, proc in running.items():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                console.print(f"{name} did not stop in time; killing it.")
                proc.kill()
        console.print("Stopped.")


def site_url_for(bind: str) -> str:
    """The address a browser on this machine opens for a gunicorn --bind value."""
    if bind.startswith(("unix:", "fd://")):
        return settings.SITE_URL  # behind a proxy: only SITE_URL knows the address
    host, _sep, port = bind.rpartition(":")
    if host in ("", "0.0.0.0"):  # noqa: S104  (every interface: this machine answers too)
        host = "127.0.0.1"
    elif host in ("[::]", "::"):
        host = "[::1]"
    return f"http://{host}:{port}" if port else f"http://{bind}"
