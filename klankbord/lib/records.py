"""Read records from a file people exported from some other tool, one line at a time.

A line that cannot be read (bytes that are not text in the file's encoding, a CSV field larger
than the csv module allows, JSON nested too deeply) becomes a `Record` with a `problem` and the
reading goes on: one bad line never costs the rest of the file.

    detect(head)            the codec and its name, from a byte order mark (or a UTF-16 guess)
    text_lines(stream)      (encoding name, numbered lines, each decoded on its own)
    csv_records(lines)      one Record per CSV row; the first row names the columns
    json_records(lines)     one Record per JSON Lines object
"""

import codecs
import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

SNIFF_CHARS = 4096
REPLACEMENT = "\ufffd"
# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BYTE_ORDER_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
]


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    problem: str = ""


@dataclass(frozen=True)
class Record:
    line: int
    fields: dict[str, Any]
    problem: str = ""


def detect(head: bytes) -> tuple[str, str]:
    """(codec, name to show) for a file starting with these bytes; UTF-8 unless marked."""
    for mark, codec, name in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return codec, name
    # UTF-16 without a mark: text in Latin letters has a zero byte in every other position.
    pairs = len(head) // 2
    if pairs >= 2:
        if head[1::2].count(0) > pairs * 0.6 and head[0::2].count(0) < pairs * 0.1:
            return "utf-16-le", "UTF-16"
        if head[0::2].count(0) > pairs * 0.6 and head[1::2].count(0) < pairs * 0.1:
            return "utf-16-be", "UTF-16"
    return "utf-8", "UTF-8"


def text_lines(stream: IO[bytes]) -> tuple[str, Iterator[Line]]:
    """The encoding's name and the file's lines; a line that is not valid text has a problem."""
    head = _head(stream)
    codec, name = detect(head)
    if codec in ("utf-8", "utf-8-sig"):
        return name, _utf8_lines(stream, skip_mark=codec == "utf-8-sig")
    return name, _wide_lines(stream, codec, name)


def _head(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return bytes(peek(SNIFF_CHARS)[:SNIFF_CHARS])
    position = stream.tell()
    head = stream.read(SNIFF_CHARS)
    stream.seek(position)
    return head


def _utf8_lines(stream: IO[bytes], *, skip_mark: bool) -> Iterator[Line]:
    # Each line is decoded on its own, so one bad byte costs one line, not the file.
    for number, raw in enumerate(stream, start=1):
        if number == 1 and skip_mark:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        try:
            yield Line(number, raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            yield Line(number, raw.decode("utf-8", errors="replace"), _not_text(error))


def _not_text(error: UnicodeDecodeError) -> str:
    return _(
        "byte %(byte)s at position %(position)s is not UTF-8, the encoding this file is read "
        "in; save the file as UTF-8 (not Windows-1252 or Latin-1) and import this line again"
    ) % {"byte": f"0x{error.object[error.start]:02X}", "position": error.start + 1}


def _wide_lines(stream: IO[bytes], codec: str, name: str) -> Iterator[Line]:
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    pending = ""
    number = 0
    for chunk in iter(lambda: stream.read(65536), b""):
        # Split at newlines only, as for UTF-8: CSV fields may hold other line separators.
        *complete, pending = (pending + decoder.decode(chunk)).split("\n")
        for text in complete:
            number += 1
            yield _wide_line(number, text + "\n", name)
    pending += decoder.decode(b"", final=True)
    if pending:
        yield _wide_line(number + 1, pending, name)


def _wide_line(number: int, text: str, name: str) -> Line:
    if REPLACEMENT not in text:
        return Line(number, text)
    problem = _(
        "some characters are not %(encoding)s, the encoding this file is read in; save the "
        "file again and import this line again"
    ) % {"encoding": name}
    return Line(number, text, problem)


def csv_records(
    lines: Iterable[Line], *, columns: Callable[[list[str]], list[str]] | None = None
) -> Iterator[Record]:
    """Each row as {column: value}, numbered by the line it starts on; the header is not one.

    `columns` may rename the header's names, or raise when the names will not do.
    """
    problems: dict[int, str] = {}
    lines = iter(lines)
    first = list(itertools.islice(lines, 20))
    sample = _sample([line.text for line in first])

    def texts() -> Iterator[str]:
        for line in itertools.chain(first, lines):
            if line.problem:
                problems[line.number] = line.problem
            yield line.text

    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(texts(), dialect=dialect)
    header = _header(reader)
    if columns is not None:
        header = columns(header)
    if not header:
        return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Record(start, {}, _csv_problem(error))
            start = reader.line_num + 1
            continue
        end = reader.line_num
        bad = [problems.pop(n) for n in range(start, end + 1) if n in problems]
        if bad:
            yield Record(start, {}, bad[0])
        elif any(value.strip() for value in row):
            yield Record(start, dict(zip(header, row, strict=False)))
        start = end + 1


def _sample(texts: list[str]) -> str:
    """Whole lines only: a cut line (a huge field) would mislead the sniffer."""
    sample = ""
    for text in texts:
        if len(sample) + len(text) > SNIFF_CHARS:
            break
        sample += text
    return (sample or texts[0][:SNIFF_CHARS]) if texts else ""


def _header(reader: Any) -> list[str]:
    try:
        return [name.strip() for name in next(reader)]
    except (StopIteration, csv.Error):
        return []


def _csv_problem(error: csv.Error) -> str:
    if "field larger than field limit" in str(error):
        return _("a field is longer than %(limit)s characters") % {"limit": csv.field_size_limit()}
    return _("not valid CSV (%(reason)s)") % {"reason": str(error)}


def json_records(lines: Iterable[Line]) -> Iterator[Record]:
    """Each line one JSON object; blank lines are passed over."""
    for line in lines:
        if line.problem:
            yield Record(line.number, {}, line.problem)
            continue
        if not line.text.strip():
            continue
        try:
            record = json.loads(line.text)
        except RecursionError:
            yield Record(line.number, {}, _("nested too deeply to read"))
            continue
        except ValueError:
            yield Record(line.number, {}, _("not valid JSON"))
            continue
        if not isinstance(record, dict):
            yield Record(line.number, {}, _("not a JSON object"))
            continue
        yield Record(line.number, record)
