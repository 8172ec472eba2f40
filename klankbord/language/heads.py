"""Linear heads: sentiment (3 classes, softmax) and intents (4 labels, one sigmoid each).

A head is plain arrays, stored with numpy's .npz format (no pickles: a model file can never run
code). Weights are kept as float16 on disk to keep the package small; maths is float32.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np

SENTIMENTS = ("negative", "neutral", "positive")
INTENTS = ("question", "lead", "complaint", "praise")

Matrix: TypeAlias = Any  # a numpy array or a scipy sparse matrix (scipy ships no types)


@dataclass(frozen=True)
class Heads:
    sentiment_weights: np.ndarray  # (columns, 3)
    sentiment_bias: np.ndarray  # (3,)
    intent_weights: np.ndarray  # (columns, 4)
    intent_bias: np.ndarray  # (4,)
    intent_thresholds: np.ndarray  # (4,) probability above which an intent is given

    def sentiment_probabilities(self, features: Matrix) -> np.ndarray:
        features = _known_columns(features, self.sentiment_weights.shape[0])
        return softmax(np.asarray(features @ self.sentiment_weights) + self.sentiment_bias)

    def intent_probabilities(self, features: Matrix) -> np.ndarray:
        features = _known_columns(features, self.intent_weights.shape[0])
        return sigmoid(np.asarray(features @ self.intent_weights) + self.intent_bias)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            sentiment_weights=self.sentiment_weights.astype(np.float16),
            sentiment_bias=self.sentiment_bias,
            intent_weights=self.intent_weights.astype(np.float16),
            intent_bias=self.intent_bias,
            intent_thresholds=self.intent_thresholds,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Heads":
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            return cls(**{name: arrays[name].astype(np.float32) for name in arrays.files})


def _known_columns(features: Matrix, count: int) -> Matrix:
    """New feature columns are only ever appended: heads fit before they existed (an
    organisation's heads saved in the database) read the columns they know and skip the rest."""
    return features[:, :count] if features.shape[1] > count else features


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


def blend(accurate: np.ndarray, fast: np.ndarray, share: float) -> np.ndarray:
    """The accurate tier's probabilities weighted by `share`, the fast tier's by the rest."""
    return share * accurate + (1.0 - share) * fast


def sentiment_labels(probabilities: np.ndarray) -> list[str]:
    return [SENTIMENTS[i] for i in probabilities.argmax(axis=1)]


def sentiment_scores(probabilities: np.ndarray) -> list[float]:
    """P(positive) - P(negative): in [-1, 1], 0 for a sure neutral."""
    scores = probabilities[:, SENTIMENTS.index("positive")] - probabilities[:, 0]
    return [round(float(score), 3) for score in scores]


def intent_labels(probabilities: np.ndarray, thresholds: np.ndarray) -> list[list[str]]:
    # One comparison for the batch; per-row numpy calls cost more than the rest of a reading.
    given = (probabilities >= thresholds).tolist()
    return [[intent for intent, yes in zip(INTENTS, row, strict=True) if yes] for row in given]


def fit_heads(
    features: Matrix,
    sentiments: Sequence[str | None],
    intents: Sequence[Sequence[str] | None],
    weights: Sequence[float] | None = None,
    strength: float = 10.0,
    thresholds: np.ndarray | None = None,
) -> Heads:
    """Logistic regression per head; rows whose label is None do not teach that head."""
    sample_weight = np.ones(len(sentiments)) if weights is None else np.asarray(weights, float)
    sentiment_weights, sentiment_bias = _fit_sentiment(
        features, sentiments, sample_weight, strength
    )
    intent_weights, intent_bias = _fit_intents(features, intents, sample_weight, strength)
    return Heads(
        sentiment_weights=sentiment_weights,
        sentiment_bias=sentiment_bias,
        intent_weights=intent_weights,
        intent_bias=intent_bias,
        intent_thresholds=(
            np.full(len(INTENTS), 0.5, np.float32) if thresholds is None else thresholds
        ),
    )


def _logistic(strength: float, **options: Any) -> Any:
    from sklearn.linear_model import LogisticRegression  # only training needs scikit-learn's solver

    return LogisticRegression(C=strength, max_iter=3000, **options)


def _fit_sentiment(
    features: Matrix, labels: Sequence[str | None], sample_weight: np.ndarray, strength: float
) -> tuple[np.ndarray, np.ndarray]:
    taught = np.asarray([label is not None for label in labels])
    model = _logistic(strength)
    y = np.asarray([SENTIMENTS.index(label) for label in labels if label is not None])
    model.fit(features[taught], y, sample_weight=sample_weight[taught])
    weights = np.zeros((features.shape[1], len(SENTIMENTS)), np.float32)
    bias = np.zeros(len(SENTIMENTS), np.float32)
    weights[:, model.classes_] = model.coef_.T
    bias[model.classes_] = model.intercept_
    return weights, bias


def _fit_intents(
    features: Matrix,
    labels: Sequence[Sequence[str] | None],
    sample_weight: np.ndarray,
    strength: float,
) -> tuple[np.ndarray, np.ndarray]:
    taught = np.asarray([label is not None for label in labels])
    weights = np.zeros((features.shape[1], len(INTENTS)), np.float32)
    bias = np.zeros(len(INTENTS), np.float32)
    for column, intent in enumerate(INTENTS):
        y = np.asarray([intent in label for label in labels if label is not None])
        model = _logistic(strength, class_weight="balanced")
        model.fit(features[taught], y, sample_weight=sample_weight[taught])
        weights[:, column] = model.coef_[0]
        bias[column] = model.intercept_[0]
    return weights, bias
