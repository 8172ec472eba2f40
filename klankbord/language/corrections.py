"""Retrain heads for one organisation: the shipped training posts plus its own corrections.

A correction weighs more than a training post: it is what this business says its posts mean.
Settings (strength, thresholds) are the shipped model's, so only the data differs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from klankbord.language import embed
from klankbord.language.features import text_matrix
from klankbord.language.heads import INTENTS, SENTIMENTS, Heads, fit_heads
from klankbord.language.train import TRAIN_VECTORS, fit_rows_of, load_posts, with_noisy_copies
from klankbord.language.understand import (
    ACCURATE,
    FAST,
    MODELS,
    OrgHeads,
    accurate_matrix,
    model_card,
    tiers,
)

CORRECTION_WEIGHT = 5.0


@dataclass(frozen=True)
class Correction:
    text: str
    sentiment: str | None = None  # None: this correction says nothing about sentiment
    intents: tuple[str, ...] | None = None  # None: says nothing about intents; () means none

    def __post_init__(self) -> None:
        if self.sentiment is not None and self.sentiment not in SENTIMENTS:
            raise ValueError(f"unknown sentiment {self.sentiment!r}")
        if self.intents is not None and not set(self.intents) <= set(INTENTS):
            raise ValueError(f"unknown intents {self.intents!r}")


@cache
def training_rows() -> tuple[dict[str, object], ...]:
    """The posts the shipped heads were fit on (train + dev and their noisy copies), in the
    saved vectors' order."""
    rows = with_noisy_copies(load_posts())
    by_id = {rows[i]["id"]: rows[i] for i in fit_rows_of(rows, "train", "dev")}
    vectors = MODELS / TRAIN_VECTORS
    if not vectors.exists():
        return tuple(by_id.values())
    with np.load(vectors, allow_pickle=False) as arrays:
        return tuple(by_id[str(i)] for i in arrays["ids"])


@cache
def training_vectors() -> np.ndarray:
    with np.load(MODELS / TRAIN_VECTORS, allow_pickle=False) as arrays:
        return arrays["vectors"].astype(np.float32)


def retrain(corrections: Sequence[Correction]) -> OrgHeads:
    rows = training_rows()
    texts = [str(row["text"]) for row in rows] + [c.text for c in corrections]
    sentiments = [row["sentiment"] for row in rows] + [c.sentiment for c in corrections]
    intents = [row["intents"] for row in rows] + [c.intents for c in corrections]
    weights = [1.0] * len(rows) + [CORRECTION_WEIGHT] * len(corrections)
    fast = _fit(FAST, text_matrix(texts), sentiments, intents, weights)  # type: ignore[arg-type]
    accurate = None
    if ACCURATE in tiers():
        new_vectors = embed.embed([c.text for c in corrections])
        vectors = accurate_matrix(texts, np.vstack([training_vectors(), new_vectors]))
        accurate = _fit(ACCURATE, vectors, sentiments, intents, weights)  # type: ignore[arg-type]
    return OrgHeads(fast=fast, accurate=accurate)


def _fit(
    tier: str,
    columns: object,
    sentiments: Sequence[str | None],
    intents: Sequence[Sequence[str] | None],
    weights: Sequence[float],
) -> Heads:
    settings = model_card()[tier]
    return fit_heads(
        columns,  # type: ignore[arg-type]
        sentiments,
        intents,
        weights=weights,
        strength=settings["strength"],
        thresholds=np.asarray(settings["intent_thresholds"], np.float32),
    )
