"""`klankbord publish import FILE --org SLUG --as EMAIL`: plan many posts from a CSV file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from klankbord.core.management.options import (
    file_to_read,
    organisation_named,
    progress_bar,
    summary_on_exit,
)
from klankbord.orgs.models import Membership
from klankbord.publishing.bulk import BulkFileError, BulkResult, bulk_schedule


class Command(BaseCommand):
    help = "Publishing from the command line."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="plan the posts of a CSV file")
        importing.add_argument("file", type=Path)
        importing.add_argument("--org", required=True, help="the organisation's slug")
        importing.add_argument(
            "--as", dest="email", required=True, help="the member who writes the posts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = organisation_named(options["org"])
        membership = Membership.objects.filter(
            organisation=organisation, user__email__iexact=options["email"]
        ).first()
        if membership is None:
            raise CommandError(f"{options['email']} is not a member of {organisation.slug}.")
        path: Path = options["file"]
        stream = file_to_read(path)
        lines = path.read_bytes().count(b"\n") if path.stat().st_size < 10_000_000 else None
        result = BulkResult()
        # The command line speaks English, like Klankbord's other commands.
        with (
            stream,
            translation.override("en"),
            summary_on_exit(lambda stopped: self._summary(result, stopped)),
            progress_bar(f"Planning {path.name}", lines) as advance,
        ):
            try:
                bulk_schedule(
                    membership, stream, result=result, progress=lambda r: advance(r.last_line)
                )
            except BulkFileError as error:
                raise CommandError(str(error)) from error

    def _summary(self, result: BulkResult, stopped: str) -> None:
        for line, message in result.errors:
            self.stderr.write(f"line {line}: {message}; not planned")
        planned = f"{result.scheduled} post{'' if result.scheduled == 1 else 's'} planned"
        failed = len(result.errors)
        skipped = f", {failed} line{'' if failed == 1 else 's'} not planned" if failed else ""
        self.stdout.write(planned + skipped)
        if stopped:
            self.stdout.write(
                f"Stopped after line {result.last_line}: {stopped}. The lines after it were "
                "not planned; import only those again (the lines before it are dealt with)."
            )
