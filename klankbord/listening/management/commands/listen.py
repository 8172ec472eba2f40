"""`klankbord listen import FILE --org SLUG`: bring mentions in from an exported file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from klankbord.core.management.options import file_to_read, organisation_named
from klankbord.listening.imports import import_file


class Command(BaseCommand):
    help = "Listening from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="import a CSV or JSON Lines file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--org", required=True, help="the organisation's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_named(options["org"])
        path: Path = options["file"]
        stream = file_to_read(path)
        # The command line speaks English, like Klankbord's other commands.
        with stream, translation.override("en"):
            result = import_file(organisation, stream, path.name)
        for line, message in result.errors:
            self.stderr.write(f"line {line}: {message}; skipped")
        dropped = ", ".join(f"{reason} {count}" for reason, count in sorted(result.dropped.items()))
        self.stdout.write(
            f"{result.read} records read, {result.stored} mentions stored"
            + (f", dropped: {dropped}" if dropped else "")
            + (f", {len(result.errors)} bad records skipped" if result.errors else "")
        )
