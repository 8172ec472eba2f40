"""The fast tier's view of a post: hashed character and word n-grams plus lexicon scores.

Hashing needs no vocabulary file, so a model is only its weights; the same text always gives
the same columns on every machine.
"""

from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from klankbord.language import lexicon
from klankbord.language.normalize import normalize

CHAR_COLUMNS = 2**18
WORD_COLUMNS = 2**17
# Question marks and exclamation marks are words here: they carry intent and emphasis.
WORD_PATTERN = r"(?u)\b\w+\b|[?!]|[\U0001F300-\U0001FAFF\u2600-\u27BF]"
LEXICON_WEIGHT = 0.5  # keeps the few dense lexicon columns from outvoting the n-grams


@cache
def char_vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        n_features=CHAR_COLUMNS,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )


@cache
def word_vectorizer() -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        n_features=WORD_COLUMNS,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
        token_pattern=WORD_PATTERN,
    )


def column_count() -> int:
    return CHAR_COLUMNS + WORD_COLUMNS + len(lexicon.FEATURE_NAMES)


def lexicon_block(texts: Sequence[str]) -> sparse.csr_matrix:
    rows = np.asarray([lexicon.features(text) for text in texts], dtype=np.float32)
    return sparse.csr_matrix(np.tanh(rows) * LEXICON_WEIGHT)


def text_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """One row per text; columns as described in the module docstring."""
    normalised = [normalize(text) for text in texts]
    blocks = [
        char_vectorizer().transform(normalised),
        word_vectorizer().transform(normalised),
        lexicon_block(texts),
    ]
    return sparse.hstack(blocks, format="csr", dtype=np.float32)
