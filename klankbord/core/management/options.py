"""What commands share: finding the organisation named by --org, opening the file they read,
showing progress while they read it and saying how far they got when they stop."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from django.core.management.base import CommandError
from rich.console import Console
from rich.progress import Progress

from klankbord.orgs.models import Organisation


def organisation_named(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"No organisation with slug {slug!r}.")
    return organisation


def organisation_option(slug: str | None) -> Organisation | None:
    """For an optional --org: None when it is not given."""
    return organisation_named(slug) if slug else None


def file_to_read(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


@contextmanager
def progress_bar(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal; yields a function to set the progress."""
    console = Console(stderr=True)
    with Progress(
        console=console,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda completed: progress.update(task, completed=completed)


@contextmanager
def summary_on_exit(summary: Callable[[str], None]) -> Iterator[None]:
    """Say what was done however the command ends; Ctrl-C stops it with exit status 130.

    `summary` gets "" when the work finished, else why it stopped.
    """
    try:
        yield
    except KeyboardInterrupt:
        summary("interrupted (Ctrl-C)")
        raise CommandError("Stopped before the end of the file.", returncode=130) from None
    except CommandError as error:
        summary(str(error))
        raise
    except Exception as error:
        summary(f"stopped by an error: {error!r}")
        raise
    summary("")


def position(stream: IO[bytes]) -> int:
    """How far into the file a reader is; 0 for a pipe."""
    try:
        return stream.tell()
    except OSError:
        return 0
