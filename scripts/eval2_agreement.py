"""Agreement between the labellers of the second evaluation set (klankbord/language/data/eval2).

The sample: from each part, the 250 ids with the smallest sha256("kappa:" + id). A second
annotator labelled those 500 texts (language, sentiment, intents) without seeing the gold
labels; their labels are in ``second-labeller.jsonl``.

    python scripts/eval2_agreement.py texts OUT.jsonl   # write id + text of the sample, no labels
    python scripts/eval2_agreement.py kappa             # Cohen's kappa and raw agreement per label
    python scripts/eval2_agreement.py counts            # composition of both parts
    python scripts/eval2_agreement.py disagreements     # the posts where the labellers differ

Only the standard library.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from collections.abc import Hashable, Sequence
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "klankbord" / "language" / "data" / "eval2"
PARTS = ("part-a.jsonl", "part-b.jsonl")
SECOND = DATA / "second-labeller.jsonl"
PER_PART = 250
INTENTS = ("question", "lead", "complaint", "praise")


def read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def sample_key(post_id: str) -> str:
    return hashlib.sha256(f"kappa:{post_id}".encode()).hexdigest()


def sample() -> list[dict]:
    chosen: list[dict] = []
    for part in PARTS:
        records = read(DATA / part)
        chosen.extend(sorted(records, key=lambda r: sample_key(r["id"]))[:PER_PART])
    return chosen


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float:
    """Cohen's kappa of two labellings of the same items."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    count_first, count_second = Counter(first), Counter(second)
    expected = sum(count_first[c] * count_second[c] for c in count_first) / (n * n)
    if expected == 1:
        return 1.0
    return (observed - expected) / (1 - expected)


def paired() -> list[tuple[dict, dict]]:
    gold = {r["id"]: r for r in sample()}
    second = {r["id"]: r for r in read(SECOND)}
    missing = sorted(set(gold) - set(second))
    if missing:
        raise SystemExit(f"second labeller misses {len(missing)} ids, e.g. {missing[:5]}")
    return [(gold[i], second[i]) for i in sorted(gold)]


def labels(pairs: list[tuple[dict, dict]]) -> dict[str, tuple[list, list]]:
    table: dict[str, tuple[list, list]] = {
        "language": ([g["language"] for g, _ in pairs], [s["language"] for _, s in pairs]),
        "sentiment": ([g["sentiment"] for g, _ in pairs], [s["sentiment"] for _, s in pairs]),
    }
    for intent in INTENTS:
        table[f"intent {intent}"] = (
            [intent in g["intents"] for g, _ in pairs],
            [intent in s["intents"] for _, s in pairs],
        )
    table["intent set (exact)"] = (
        [tuple(sorted(g["intents"])) for g, _ in pairs],
        [tuple(sorted(s["intents"])) for _, s in pairs],
    )
    return table


def print_kappa() -> None:
    pairs = paired()
    part_a = [(g, s) for g, s in pairs if g["id"] < "e2000"]
    part_b = [(g, s) for g, s in pairs if g["id"] > "e2000"]
    per_part = [labels(part_a), labels(part_b)]
    print(f"{len(pairs)} posts ({len(part_a)} of part A, {len(part_b)} of part B)\n")
    print("| label | gold | second | agreement | Cohen's kappa | kappa part A | kappa part B |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (first, second) in labels(pairs).items():
        agree = sum(a == b for a, b in zip(first, second, strict=True)) / len(first)
        if name.startswith("intent ") and name != "intent set (exact)":
            counts = f"{sum(first)} | {sum(second)}"
        else:
            counts = " | "
        kappas = [cohen_kappa(first, second)] + [cohen_kappa(*part[name]) for part in per_part]
        shown = " | ".join(f"{k:.3f}" for k in kappas)
        print(f"| {name} | {counts} | {agree:.1%} | {shown} |")
    sentiment = Counter((g["sentiment"], s["sentiment"]) for g, s in pairs)
    classes = ("positive", "neutral", "negative")
    print("\nsentiment, gold (rows) against second labeller (columns)\n")
    print("| gold \\ second | " + " | ".join(classes) + " |")
    print("|---|" + "---:|" * len(classes))
    for row in classes:
        print(f"| {row} | " + " | ".join(str(sentiment[(row, col)]) for col in classes) + " |")


def print_disagreements() -> None:
    for gold, second in paired():
        diffs = []
        for field in ("language", "sentiment"):
            if gold[field] != second[field]:
                diffs.append(f"{field} {gold[field]}→{second[field]}")
        g, s = set(gold["intents"]), set(second["intents"])
        if g != s:
            diffs.append(f"intents {sorted(g)}→{sorted(s)}")
        if diffs:
            print(f"{gold['id']}  {'; '.join(diffs)}\n    {gold['text']}")


def print_counts() -> None:
    parts = [read(DATA / part) for part in PARTS]
    columns = [*parts, [r for records in parts for r in records]]
    rows: list[tuple[str, list[int]]] = [("posts", [len(c) for c in columns])]
    for field in ("variety", "sentiment"):
        values = Counter(r[field] for r in columns[-1])
        for value, _ in values.most_common():
            rows.append((f"{field} {value}", [sum(r[field] == value for r in c) for c in columns]))
    for intent in INTENTS:
        rows.append((f"intent {intent}", [sum(intent in r["intents"] for r in c) for c in columns]))
    rows.append(("no intent", [sum(not r["intents"] for r in c) for c in columns]))
    phenomena = Counter(p for r in columns[-1] for p in r["phenomena"])
    for phenomenon, _ in phenomena.most_common():
        counts = [sum(phenomenon in r["phenomena"] for r in c) for c in columns]
        rows.append((f"phenomenon {phenomenon}", counts))
    print("| label | part A | part B | both |")
    print("|---|---:|---:|---:|")
    for name, counts in rows:
        print(f"| {name} | " + " | ".join(f"{n:,}" for n in counts) + " |")


def write_texts(out: Path) -> None:
    with out.open("w", encoding="utf-8") as handle:
        for record in sample():
            text_only = {"id": record["id"], "text": record["text"]}
            handle.write(json.dumps(text_only, ensure_ascii=False) + "\n")
    print(f"wrote {out}")


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "kappa"
    if command == "texts":
        write_texts(Path(argv[2]))
    elif command == "counts":
        print_counts()
    elif command == "disagreements":
        print_disagreements()
    else:
        print_kappa()


if __name__ == "__main__":
    main(sys.argv)
