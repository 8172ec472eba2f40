"""`klankbord classify [FILE|-]`: JSON Lines in; out the same lines with each reading added.

The work is in klankbord/understanding/classify.py; without --org, `klankbord classify` runs it
without starting Django (it starts faster), and this command is what runs with --org.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from klankbord.core.management.options import organisation_option
from klankbord.language.understand import AUTO, tiers, understand
from klankbord.understanding import services
from klankbord.understanding.classify import ACCURATE_MISSING, Stop, classify


class Command(BaseCommand):
    help = "Add language, sentiment, sentiment_score, intents and places to JSON Lines posts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default="-", help="JSON Lines file, or - for stdin")
        parser.add_argument("--tier", choices=["fast", "accurate", AUTO], default=AUTO)
        parser.add_argument("--org", help="use this organisation's retrained heads")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_option(options["org"])
        tier = options["tier"]
        if tier != AUTO and tier not in tiers():
            raise CommandError(ACCURATE_MISSING)

        def read(texts: list[str]) -> list[Any]:
            if organisation:
                return services.read(organisation, texts, tier)
            return understand(texts, tier=tier)

        # The command line speaks English, like Klankbord's other commands.
        with translation.override("en"):
            try:
                classify(options["file"], read, self.stdout, self.stderr)  # type: ignore[arg-type]
            except Stop as error:
                raise CommandError(str(error), returncode=error.returncode) from None
