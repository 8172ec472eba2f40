"""Import mentions from a CSV or JSON Lines file: exports from tools Klankbord cannot reach.

Each record needs a `text`; `id`, `url`, `author`, `author_name`, `title`, `date` (ISO 8601) and
`network` are optional. A bad record is reported with its line number and skipped; the good
ones are kept. Records go through the same pipeline as polled mentions, in batches.
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from klankbord.listening import pipeline
from klankbord.listening.models import Source
from klankbord.listening.services import refresh_statistics
from klankbord.orgs.models import Organisation

BATCH = 500
BIG_IMPORT = 10_000


@dataclass
class ImportResult:
    read: int = 0
    stored: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)


def import_source(organisation: Organisation) -> Source:
    source, _created = Source.objects.get_or_create(
        organisation=organisation,
        kind=Source.Kind.IMPORT,
        defaults={"name": _("Imported files")},
    )
    return source


def import_file(organisation: Organisation, stream: IO[bytes], filename: str) -> ImportResult:
    source = import_source(organisation)
    result = ImportResult()
    batch: list[pipeline.Item] = []
    for line, record in _records(stream, filename, result):
        item = _item(record, line, result)
        if item is None:
            continue
        batch.append(item)
        if len(batch) == BATCH:
            _store(source, batch, result)
            batch = []
    if batch:
        _store(source, batch, result)
    if result.stored >= BIG_IMPORT:
        refresh_statistics()  # a big import changes the table enough to mislead the planner
    return result


@transaction.atomic
def _store(source: Source, items: list[pipeline.Item], result: ImportResult) -> None:
    done = pipeline.run(source, items)
    result.stored += len(done.stored)
    for reason, count in done.drops.items():
        result.dropped[reason] = result.dropped.get(reason, 0) + count


def _records(
    stream: IO[bytes], filename: str, result: ImportResult
) -> Iterator[tuple[int, dict[str, Any]]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    if filename.lower().endswith(".csv"):
        yield from _csv_records(text, result)
    else:
        yield from _json_records(text, result)


def _csv_records(text: IO[str], result: ImportResult) -> Iterator[tuple[int, dict[str, Any]]]:
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text, dialect=dialect)
    for record in reader:
        result.read += 1
        yield reader.line_num, {str(k).strip().lower(): v for k, v in record.items() if k}


def _json_records(text: IO[str], result: ImportResult) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(text, start=1):
        if not line.strip():
            continue
        result.read += 1
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            _error(result, number, _("not valid JSON"))
            continue
        if not isinstance(record, dict):
            _error(result, number, _("not a JSON object"))
            continue
        yield number, {str(k).lower(): v for k, v in record.items()}


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
    author = str(record.get("author") or record.get("author_handle") or "")
    remote_id = str(record.get("id") or "") or _content_id(text, author, published)
    return pipeline.Item(
        network=str(record.get("network") or "import")[:30],
        remote_id=remote_id,
        text=text,
        url=_url(record.get("url")),
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


def _url(value: Any) -> str:
    url = str(value or "").strip()
    return url if url.startswith(("http://", "https://")) else ""


def _content_id(text: str, author: str, published: Any) -> str:
    # Files without ids: the same text by the same author at the same time is the same item.
    return hashlib.sha256(f"{author}\0{published}\0{text}".encode()).hexdigest()[:40]


def _error(result: ImportResult, line: int, message: str) -> None:
    result.errors.append((line, message))
