"""Plan a month at once: posts from a CSV file (date, time, text, channels, pillar), each
checked and scheduled as the composer would; a bad line is reported with its number and the
good lines are kept. A line that cannot be read (bytes that are not text, a field too large)
is reported the same way."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klankbord.channels.models import Channel
from klankbord.lib import records
from klankbord.lib.dates import NonexistentTime, aware_from_local
from klankbord.orgs.models import Membership
from klankbord.publishing import selectors, services

MAX_BYTES = 1024 * 1024
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
    encoding: str = ""
    last_line: int = 0  # the last line dealt with, planned or reported


class BulkFileError(ValueError):
    """The file as a whole cannot be read; nothing was scheduled."""


def bulk_schedule(
    membership: Membership,
    stream: IO[bytes],
    *,
    result: BulkResult | None = None,
    progress: Callable[[BulkResult], None] | None = None,
) -> BulkResult:
    """Schedule every good line; contributors' posts wait for approval as in the composer.

    `result` fills as it goes, so a stopped run still tells what was planned; `progress` is
    called after each line.
    """
    content = stream.read(MAX_BYTES + 1)
    if len(content) > MAX_BYTES:
        raise BulkFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    result = result if result is not None else BulkResult()
    result.encoding, lines = records.text_lines(io.BytesIO(content))
    rows = records.csv_records(lines, columns=_columns)
    channels = selectors.publishable_channels(membership.organisation)
    for count, record in enumerate(rows, start=1):
        if count > MAX_ROWS:
            result.errors.append((record.line, _("More than 500 posts: the rest was not read.")))
            break
        try:
            if record.problem:
                raise ValidationError(record.problem)
            _schedule_line(membership, channels, record.fields)
        except ValidationError as error:
            result.errors.append((record.line, " ".join(str(m) for m in error.messages)))
        else:
            result.scheduled += 1
        result.last_line = record.line
        if progress:
            progress(result)
    return result


def _columns(header: list[str]) -> list[str]:
    """The columns named in English; the file must name at least date, time and text."""
    names = [COLUMNS.get(name.lower(), name.lower()) for name in header]
    if not {"date", "time", "text"} <= set(names):
        raise BulkFileError(
            _(
                "The first line must name the columns: date, time and text; channels and "
                "pillar may follow."
            )
        )
    return names


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
