"""`klankbord listen import FILE --org SLUG`: bring mentions in from an exported file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from klankbord.core.management.options import (
    file_to_read,
    organisation_named,
    position,
    progress_bar,
    summary_on_exit,
)
from klankbord.listening.imports import ImportResult, import_file


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
        result = ImportResult()
        # The command line speaks English, like Klankbord's other commands.
        with (
            stream,
            translation.override("en"),
            summary_on_exit(lambda stopped: self._summary(result, stopped)),
            progress_bar(f"Importing {path.name}", path.stat().st_size) as advance,
        ):
            import_file(
                organisation,
                stream,
                path.name,
                result=result,
                progress=lambda _result: advance(position(stream)),
            )

    def _summary(self, result: ImportResult, stopped: str) -> None:
        for line, message in result.errors:
            self.stderr.write(f"line {line}: {message}; skipped")
        for line, message in result.notes:
            self.stderr.write(f"line {line}: {message}")
        dropped = ", ".join(f"{reason} {count}" for reason, count in sorted(result.dropped.items()))
        self.stdout.write(
            f"{result.read} records read, {result.stored} mentions stored"
            + (f", dropped: {dropped}" if dropped else "")
            + (f", {len(result.errors)} bad records skipped" if result.errors else "")
            + (f", {len(result.notes)} fields cut" if result.notes else "")
            + (f" (read as {result.encoding})" if result.encoding not in ("", "UTF-8") else "")
        )
        if stopped:
            self.stdout.write(
                f"Stopped at line {result.last_line}: {stopped}. "
                f"{result.unstored} records read last were not stored. Import the same file "
                "again to finish: mentions already stored are recognised and not stored twice."
            )
