"""Plan a month at once: posts from a CSV file (date, time, text, channels, pillar), each
checked and scheduled as the composer would; a bad line is reported with its number and the
good lines are kept."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klankbord.channels.models import Channel
from klankbord.lib.dates import NonexistentTime, aware_from_local
from klankbord.orgs.models import Membership
from klankbord.publishing import selectors, services

MAX_BYTES = 1_000_000
MAX_ROWS = 500
# Column names as people write them in Dutch, French or English.
COLUMNS = {
    "date": "date", "datum": "date",
    "time": "time", "tijd": "time", "uur": "time", "heure": "time",
    "text": "text", "tekst": "text", "texte": "text",
    "channels": "channels", "kanalen": "channels", "canaux": "channels",
    "pillar": "pillar", "pijler": "pillar", "pilier": "pillar",
}  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
TIME_FORMATS = ("%H:%M", "%H.%M", "%H:%M:%S")


@dataclass
class BulkResult:
    scheduled: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)


class BulkFileError(ValueError):
    """The file as a whole cannot be read; nothing was scheduled."""


def bulk_schedule(membership: Membership, stream: IO[bytes]) -> BulkResult:
    """Schedule every good line; contributors' posts wait for approval as in the composer."""
    content = stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise BulkFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    reader = _reader(content.decode("utf-8-sig", errors="replace"))
    channels = selectors.publishable_channels(membership.organisation)
    result = BulkResult()
    for number, row in enumerate(reader, start=2):  # line 1 holds the column names
        if number - 1 > MAX_ROWS:
            result.errors.append((number, _("More than 500 posts: the rest was not read.")))
            break
        if not any((value or "").strip() for value in row.values()):
            continue
        try:
            _schedule_line(membership, channels, row)
        except ValidationError as error:
            result.errors.append((number, " ".join(str(m) for m in error.messages)))
        else:
            result.scheduled += 1
    return result


def _reader(text: str) -> csv.DictReader:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    names = [(name or "").strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = [COLUMNS.get(name, name) for name in names]
    if not {"date", "time", "text"} <= set(reader.fieldnames):
        raise BulkFileError(
            _(
                "The first line must name the columns: date, time and text; channels and "
                "pillar may follow."
            )
        )
    return reader


@transaction.atomic
def _schedule_line(membership: Membership, channels: list[Channel], row: dict[str, str]) -> None:
    organisation = membership.organisation
    at = _moment(row.get("date") or "", row.get("time") or "", organisation.timezone)
    post = services.post_create(
        organisation=organisation,
        author=membership.user,
        text=(row.get("text") or "").strip(),
        channels=_channels(channels, row.get("channels") or ""),
        pillar=(row.get("pillar") or "").strip(),
    )
    services.post_schedule(post=post, at=at, by=membership)


def _moment(day_text: str, time_text: str, zone: str) -> datetime:
    day = _parse(day_text, DATE_FORMATS, _("The date is not a date (use 2026-12-24)."))
    moment = _parse(time_text, TIME_FORMATS, _("The time is not a time (use 09:30)."))
    try:
        return aware_from_local(datetime.combine(day.date(), moment.time()), zone)
    except NonexistentTime as error:
        message = _("That time does not exist that day: the clocks go forward.")
        raise ValidationError(message) from error


def _parse(text: str, formats: tuple[str, ...], message: str) -> datetime:
    for pattern in formats:
        try:
            return datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
    raise ValidationError(message)


def _channels(available: list[Channel], wanted: str) -> list[Channel]:
    """Empty: every channel that can publish; else handles or networks separated by ; or |."""
    names = [name.strip().lower().lstrip("@") for name in wanted.replace("|", ";").split(";")]
    names = [name for name in names if name]
    if not names:
        return available
    chosen = []
    for name in names:
        found = [c for c in available if name in (c.network, c.handle.lower().lstrip("@"))]
        if not found:
            raise ValidationError(
                _("“%(name)s” is not a connected channel that can publish.") % {"name": name}
            )
        chosen += [c for c in found if c not in chosen]
    return chosen
