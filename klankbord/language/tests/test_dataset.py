"""Checks on the labelled posts data set in ``klankbord/language/data/posts``.

Run as a script to print the label counts per split as a Markdown table for
the data set's README.
"""

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

POSTS = Path(__file__).resolve().parent.parent / "data" / "posts" / "posts.jsonl"

FIELDS = {"id", "text", "language", "variety", "sector", "sentiment", "intents", "split"}
LANGUAGES = {"nl", "fr", "en", "de"}
VARIETIES = {
    "nl": {"nl-BE", "nl-NL"},
    "fr": {"fr-BE"},
    "en": {"en"},
    "de": {"de"},
}
SENTIMENTS = ("positive", "neutral", "negative")
INTENTS = ("question", "lead", "complaint", "praise")
SPLITS = {"train": 0.70, "dev": 0.15, "test": 0.15}

MIN_RECORDS = 2000
MIN_INTENT_SHARE = {"question": 0.25, "lead": 0.12, "complaint": 0.18, "praise": 0.20}
MIN_PER_VARIETY = 300


@cache
def records() -> tuple[dict, ...]:
    with POSTS.open(encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f if line.strip())


def normalise(text: str) -> str:
    """Lower-case words only: digits, punctuation and emoji removed."""
    return " ".join(re.sub(r"[\W_\d]+", " ", text.lower()).split())


def test_every_record_is_valid() -> None:
    for r in records():
        assert set(r) == FIELDS, r.get("id")
        assert re.fullmatch(r"p\d{4,}", r["id"]), r["id"]
        assert isinstance(r["text"], str) and r["text"].strip(), r["id"]
        assert r["language"] in LANGUAGES, r["id"]
        assert r["variety"] in VARIETIES[r["language"]], r["id"]
        assert isinstance(r["sector"], str) and r["sector"].strip(), r["id"]
        assert r["sector"] == r["sector"].lower(), r["id"]
        assert r["sentiment"] in SENTIMENTS, r["id"]
        assert isinstance(r["intents"], list), r["id"]
        assert len(set(r["intents"])) == len(r["intents"]), r["id"]
        assert set(r["intents"]) <= set(INTENTS), r["id"]
        assert r["split"] in SPLITS, r["id"]


def test_ids_are_unique() -> None:
    ids = [r["id"] for r in records()]
    assert len(ids) == len(set(ids))


def test_enough_records() -> None:
    assert len(records()) >= MIN_RECORDS


def test_sentiment_balance() -> None:
    n = len(records())
    counts = Counter(r["sentiment"] for r in records())
    # Roughly 35 % positive, 35 % neutral, 30 % negative.
    assert 0.30 <= counts["positive"] / n <= 0.40, counts
    assert 0.30 <= counts["neutral"] / n <= 0.40, counts
    assert 0.25 <= counts["negative"] / n <= 0.35, counts


def test_intent_minimums() -> None:
    n = len(records())
    counts = Counter(i for r in records() for i in r["intents"])
    for intent, share in MIN_INTENT_SHARE.items():
        assert counts[intent] / n >= share, (intent, counts[intent], n)


def test_split_sizes() -> None:
    n = len(records())
    counts = Counter(r["split"] for r in records())
    for split, share in SPLITS.items():
        assert abs(counts[split] / n - share) <= 0.03, (split, counts[split], n)


def test_no_normalised_duplicates() -> None:
    seen: dict[str, str] = {}
    for r in records():
        key = normalise(r["text"])
        assert key, r["id"]
        assert key not in seen, (r["id"], seen.get(key))
        seen[key] = r["id"]


def test_each_split_has_every_label() -> None:
    for split in SPLITS:
        rows = [r for r in records() if r["split"] == split]
        assert {r["sentiment"] for r in rows} == set(SENTIMENTS), split
        assert {i for r in rows for i in r["intents"]} == set(INTENTS), split


def test_both_dutch_varieties() -> None:
    counts = Counter(r["variety"] for r in records())
    assert counts["nl-BE"] >= MIN_PER_VARIETY, counts
    assert counts["nl-NL"] >= MIN_PER_VARIETY, counts


def counts_table() -> str:
    """Label counts per split, as a Markdown table."""
    columns = [*SPLITS, "all"]
    rows: list[tuple[str, Counter]] = []

    def count(pred) -> Counter:
        c = Counter(r["split"] for r in records() if pred(r))
        c["all"] = sum(c.values())
        return c

    rows.append(("posts", count(lambda r: True)))
    for s in SENTIMENTS:
        rows.append((f"sentiment {s}", count(lambda r, s=s: r["sentiment"] == s)))
    for i in INTENTS:
        rows.append((f"intent {i}", count(lambda r, i=i: i in r["intents"])))
    rows.append(("no intent", count(lambda r: not r["intents"])))
    for v in ("nl-BE", "nl-NL", "fr-BE", "en", "de"):
        rows.append((f"variety {v}", count(lambda r, v=v: r["variety"] == v)))
    lines = [
        "| label | " + " | ".join(columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name, c in rows:
        lines.append(f"| {name} | " + " | ".join(f"{c[col]:,}" for col in columns) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(counts_table())
