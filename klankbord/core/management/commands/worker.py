import os
import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klankbord.core.keys import encryption_keys_problem


def celery_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "--app", "klankbord", *args]


class Command(BaseCommand):
    help = (
        "Run a background worker: it publishes posts, reads sources and sends alerts. "
        "Run as many as you like, on as many machines as you like."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--concurrency", type=int, default=2, help="How many tasks to run at the same time."
        )

    def handle(self, *args: object, **options: object) -> None:
        # A worker with other keys than the rest would fail on every token it touches: refuse.
        if problem := encryption_keys_problem():
            raise CommandError(f"This worker does not start. {problem}")
        argv = celery_argv(
            "worker", "--loglevel", "INFO", "--concurrency", str(options["concurrency"])
        )
        os.execv(argv[0], argv)  # noqa: S606 -- become celery, so signals reach it directly
