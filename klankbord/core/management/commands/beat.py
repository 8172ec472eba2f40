import os

from django.conf import settings
from django.core.management.base import BaseCommand

from klankbord.core.management.commands.worker import celery_argv


class Command(BaseCommand):
    help = (
        "Run the beat scheduler: it starts periodic work every few seconds. "
        "Run exactly one beat for the whole installation."
    )

    def handle(self, *args: object, **options: object) -> None:
        argv = celery_argv(
            "beat", "--loglevel", "INFO", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME
        )
        os.execv(argv[0], argv)  # noqa: S606 -- become celery, so signals reach it directly
