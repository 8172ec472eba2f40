"""`klankbord collectresults`: read the counts of the posts that are due, once."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from klankbord.analytics.collect import run


class Command(BaseCommand):
    help = (
        "Ask the networks for the likes, shares, replies and quotes of the published posts that "
        "are due for a check. The background work does this every 10 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # The command line speaks English, like Klankbord's other commands.
        with translation.override("en"):
            checked = run()
        self.stdout.write(f"{checked} post{'' if checked == 1 else 's'} checked.")
