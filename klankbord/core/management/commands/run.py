import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from klankbord.core.demo import database_is_empty, demo_seed
from klankbord.core.management.commands.demo import print_login
from klankbord.core.management.commands.worker import celery_argv
from klankbord.lib import supervisor


class Command(BaseCommand):
    help = (
        "Start everything on this machine: the web server and a background worker with the beat "
        "scheduler. Migrates the database first and creates the demo on an empty one. "
        "Ctrl-C stops it all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="Address and port to serve.")
        parser.add_argument(
            "--web-workers", type=int, default=1, help="Web server processes (each one more copy)."
        )
        parser.add_argument(
            "--web-threads", type=int, default=4, help="Requests each web process serves at once."
        )
        parser.add_argument(
            "--concurrency", type=int, default=2, help="Background tasks run at the same time."
        )
        parser.add_argument(
            "--worker-pool",
            choices=["threads", "prefork"],
            default="threads",
            help="threads: one worker process (least memory); prefork: a process per task "
            "(more memory, uses every core for heavy language work).",
        )
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
        if not settings.DEBUG and not settings.SITE_URL_IS_SET:
            console.print(
                "[yellow]SITE_URL is not set: e-mailed links point to this address. Set it to "
                "the address people use.[/]"
            )
        argv = supervisor.command(
            run_processes(options), banner=f"Klankbord runs on {site_url}/ — Ctrl-C stops it."
        )
        sys.stdout.flush()
        sys.stderr.flush()
        # Become the small supervisor: this process has Django and the migrations loaded.
        os.execv(argv[0], argv)  # noqa: S606


def run_processes(options: dict[str, object]) -> dict[str, list[str]]:
    """The processes of one machine: web, and a worker that also runs beat."""
    return {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            "klankbord.wsgi",
            "--bind",
            str(options["bind"]),
            "--workers",
            str(options["web_workers"]),
            "--threads",
            str(options["web_threads"]),
            "--access-logfile",
            "-",
        ],
        # Warnings only: a tick every few seconds would bury what matters. Beat runs as a
        # thread of this worker: a process of its own would cost as much memory as the worker.
        "worker": celery_argv(
            "worker",
            "--loglevel",
            "WARNING",
            "--pool",
            str(options["worker_pool"]),
            "--concurrency",
            str(options["concurrency"]),
            "--beat-thread",
        ),
    }


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
