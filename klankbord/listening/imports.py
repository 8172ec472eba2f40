"""Import mentions from a CSV or JSON Lines file: exports from tools Klankbord cannot reach.

Each record needs a `text`; `id`, `url`, `author`, `author_name`, `title`, `date` (ISO 8601) and
`network` are optional. A bad record is reported with its line number and skipped; the good
ones are kept. A field cut to its maximum length is reported too. Records go through the same
pipeline as polled mentions, in batches.
"""

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from klankbord.lib import records
from klankbord.lib.links import safe_url
from klankbord.listening import cleaning, pipeline
from klankbord.listening.models import Source
from klankbord.listening.services import refresh_statistics
from klankbord.orgs.models import Organisation

BATCH = 500
BIG_IMPORT = 10_000
# What a mention keeps of each field; longer values are cut, and the line says so.
LIMITS = {"title": 500, "author": 300, "author_name": 300, "network": 30, "id": 500}


@dataclass
class ImportResult:
    read: int = 0
    stored: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # skipped lines
    notes: list[tuple[int, str]] = field(default_factory=list)  # kept, but cut
    encoding: str = ""
    unstored: int = 0  # read, but not stored when the import was stopped
    last_line: int = 0


def import_source(organisation: Organisation) -> Source:
    source, _created = Source.objects.get_or_create(
        organisation=organisation,
        kind=Source.Kind.IMPORT,
        defaults={"name": _("Imported files")},
    )
    return source


def import_file(
    organisation: Organisation,
    stream: IO[bytes],
    filename: str,
    *,
    result: ImportResult | None = None,
    progress: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Store every good record; `result` fills as it goes, so a stopped import still tells.

    `progress` is called after each stored batch.
    """
    source = import_source(organisation)
    result = result if result is not None else ImportResult()
    batch: list[tuple[int, str, pipeline.Item]] = []
    try:
        for line, record in _records(stream, filename, result):
            item = _item(record, line, result)
            if item is None:
                continue
            batch.append((line, item.text, item))
            if len(batch) == BATCH:
                _store(source, batch, result)
                batch = []
                if progress:
                    progress(result)
        if batch:
            _store(source, batch, result)
    except BaseException:
        result.unstored = len(batch)  # a batch is stored whole or not at all
        raise
    if result.stored >= BIG_IMPORT:
        refresh_statistics()  # a big import changes the table enough to mislead the planner
    return result


@transaction.atomic
def _store(
    source: Source, batch: list[tuple[int, str, pipeline.Item]], result: ImportResult
) -> None:
    done = pipeline.run(source, [item for _line, _raw, item in batch])
    result.stored += len(done.stored)
    for reason, count in done.drops.items():
        result.dropped[reason] = result.dropped.get(reason, 0) + count
    for line, raw, item in batch:
        if not item.dropped and _was_cut(raw, item.text):
            _note(result, line, "text", cleaning.MAX_LENGTH)


def _was_cut(raw: str, cleaned: str) -> bool:
    return cleaned.endswith(cleaning.ELLIPSIS) and not raw.rstrip().endswith(cleaning.ELLIPSIS)


def _records(
    stream: IO[bytes], filename: str, result: ImportResult
) -> Iterator[tuple[int, dict[str, Any]]]:
    result.encoding, lines = records.text_lines(stream)
    is_csv = filename.lower().endswith(".csv")
    for record in records.csv_records(lines) if is_csv else records.json_records(lines):
        result.read += 1
        result.last_line = record.line
        if record.problem:
            _error(result, record.line, record.problem)
            continue
        yield record.line, {str(k).strip().lower(): v for k, v in record.fields.items() if k}


def _item(record: dict[str, Any], line: int, result: ImportResult) -> pipeline.Item | None:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        _error(result, line, _("no text"))
        return None
    try:
        published = _date(record.get("date") or record.get("published_at"))
    except ValueError:
        _error(result, line, _("the date is not a date (use 2026-11-23 or 2026-11-23T14:30)"))
        return None
    for name, limit in LIMITS.items():
        if len(str(record.get(name) or "").strip()) > limit:
            _note(result, line, name, limit)
    author = str(record.get("author") or record.get("author_handle") or "")
    remote_id = str(record.get("id") or "") or _content_id(text, author, published)
    return pipeline.Item(
        network=str(record.get("network") or "import")[:30],
        remote_id=remote_id,
        text=text,
        url=safe_url(record.get("url")),
        author_handle=author,
        author_name=str(record.get("author_name") or ""),
        title=str(record.get("title") or ""),
        published_at=published,
        kind="import",
    )


def _date(value: Any) -> datetime | None:
    """None when absent; ValueError when unreadable."""
    if not value:
        return None
    parsed = parse_datetime(str(value)) or datetime.fromisoformat(str(value).strip())
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _content_id(text: str, author: str, published: Any) -> str:
    # Files without ids: the same text by the same author at the same time is the same item.
    return hashlib.sha256(f"{author}\0{published}\0{text}".encode()).hexdigest()[:40]


def _error(result: ImportResult, line: int, message: str) -> None:
    result.errors.append((line, message))


def _note(result: ImportResult, line: int, name: str, limit: int) -> None:
    message = _("“%(field)s” is longer than %(limit)s characters and was cut to that length")
    result.notes.append((line, message % {"field": name, "limit": limit}))
