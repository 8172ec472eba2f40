"""What commands share: finding the organisation named by --org, opening the file they read."""

from pathlib import Path
from typing import IO

from django.core.management.base import CommandError

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
