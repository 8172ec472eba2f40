"""The fast tier's view of a post: hashed character and word n-grams, lexicon scores and cues.

Word n-grams see a marker word at the start of every sentence, so that a sentence opening with
a verb ("Hebben jullie ...") or an interrogative reads differently from the same words later on.
The sentence cues (cues.py) read word order, contrast and sarcasm.

Hashing needs no vocabulary file, so a model is only its weights; the same text always gives
the same columns on every machine.
"""

import itertools
import re
from collections.abc import Sequence
from functools import cache

import numpy as np
from scipy import sparse

from klankbord.language import cues, lexicon
from klankbord.language.hashing import HashingVectorizer, columns_of, scale_rows
from klankbord.language.normalize import normalized_with_elongations, split_tokens

CHAR_COLUMNS = 2**18
WORD_COLUMNS = 2**17
# Question marks and exclamation marks are words here: they carry intent and emphasis.
WORD_PATTERN = r"(?u)\b\w+\b|[?!]|[\U0001F300-\U0001FAFF\u2600-\u27BF]"
LEXICON_WEIGHT = 0.5  # keeps the few dense lexicon columns from outvoting the n-grams
CUE_WEIGHT = 0.5  # the sentence cues of cues.py, weighed like the lexicon
# A word of its own at the start of every sentence: "xxs hebben" is a verb-first sentence.
SENTENCE_START = "xxs"
SENTENCE_END = re.compile(r"([.!?…]+|\n)")
# Words whose character n-gram columns are remembered; posts reuse a small vocabulary, so
# hashing each word once instead of in every post makes the char block about four times faster.
CHAR_CACHE_WORDS = 100_000
_char_columns_of: dict[str, tuple[np.ndarray, np.ndarray]] = {}
# Word unigrams and bigrams whose column is remembered, for the same reason.
WORD_CACHE_GRAMS = 200_000
_word_column_of: dict[str, int] = {}


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


@cache
def word_char_counter() -> HashingVectorizer:
    """The char vectorizer without the row norm: n-gram counts of single words."""
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        n_features=CHAR_COLUMNS,
        alternate_sign=False,
        norm=None,
        lowercase=False,
    )


def char_block(texts: Sequence[str]) -> sparse.csr_matrix:
    """The same rows as char_vectorizer().transform(texts), from per-word cached columns.

    char_wb n-grams never cross a space, so a text's counts are the sum of its words' counts.
    """
    words_per_text = [text.split() for text in texts]
    _remember_words(words_per_text)
    indices: list[np.ndarray] = []
    counts: list[np.ndarray] = []
    indptr = [0]
    for words in words_per_text:
        size = indptr[-1]
        for word in words:
            word_indices, word_counts = _char_columns_of[word]
            indices.append(word_indices)
            counts.append(word_counts)
            size += len(word_indices)
        indptr.append(size)
    matrix = sparse.csr_matrix(
        (
            np.concatenate(counts) if counts else np.zeros(0),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int32),
            np.asarray(indptr, dtype=np.int64),
        ),
        shape=(len(texts), CHAR_COLUMNS),
    )
    matrix.sum_duplicates()  # also sorts the indices, as the vectorizer's own rows are
    return scale_rows(matrix, norm="l2", copy=False)


def word_block(texts: Sequence[str]) -> sparse.csr_matrix:
    """The same rows as word_vectorizer().transform(texts), from cached n-gram columns."""
    pattern = word_vectorizer().token_pattern
    grams: list[str] = []
    indptr = [0]
    for text in texts:
        tokens = pattern.findall(text)
        grams.extend(tokens)
        grams.extend(" ".join(pair) for pair in itertools.pairwise(tokens))
        indptr.append(len(grams))
    new = {gram for gram in grams if gram not in _word_column_of}
    if len(_word_column_of) + len(new) > WORD_CACHE_GRAMS:
        _word_column_of.clear()  # simplest bound on memory; refilled from this batch below
        new = set(grams)
    if new:
        fresh = list(new)
        found = columns_of([gram.encode("utf-8") for gram in fresh], WORD_COLUMNS)
        _word_column_of.update(zip(fresh, found.tolist(), strict=True))
    columns = np.fromiter(map(_word_column_of.__getitem__, grams), np.int32, len(grams))
    matrix = sparse.csr_matrix(
        (np.ones(len(grams)), columns, np.asarray(indptr, dtype=np.int32)),
        shape=(len(texts), WORD_COLUMNS),
    )
    matrix.sum_duplicates()  # also sorts the indices, as the vectorizer's own rows are
    return scale_rows(matrix, norm="l2", copy=False)


def _remember_words(words_per_text: list[list[str]]) -> None:
    new = {word for words in words_per_text for word in words if word not in _char_columns_of}
    if len(_char_columns_of) + len(new) > CHAR_CACHE_WORDS:
        _char_columns_of.clear()  # simplest bound on memory; refilled from this batch below
        new = {word for words in words_per_text for word in words}
    if not new:
        return
    words = list(new)
    counted = word_char_counter().transform(words)
    for row, word in enumerate(words):
        start, end = counted.indptr[row], counted.indptr[row + 1]
        _char_columns_of[word] = (counted.indices[start:end], counted.data[start:end])


def column_count() -> int:
    return CHAR_COLUMNS + WORD_COLUMNS + len(lexicon.FEATURE_NAMES) + len(cues.FEATURE_NAMES)


def lexicon_block(texts: Sequence[str]) -> sparse.csr_matrix:
    return sparse.csr_matrix(dense_blocks(texts, _normalised(texts))[0])


def cue_block(texts: Sequence[str]) -> np.ndarray:
    """The sentence cues of `cues`, scaled; the accurate tier appends them to its embeddings."""
    return dense_blocks(texts, _normalised(texts))[1]


def _normalised(texts: Sequence[str]) -> list[tuple[str, int]]:
    return [normalized_with_elongations(text) for text in texts]


def dense_blocks(
    texts: Sequence[str], normalised: Sequence[tuple[str, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Lexicon scores and sentence cues (dense, scaled), from one tokenisation of each post."""
    rows: list[float] = []
    for text, (normalized, elongations) in zip(texts, normalised, strict=True):
        tokens = split_tokens(normalized, punctuation=True)
        analysis, clauses = lexicon.analyse_with_clauses(normalized, elongations, tokens)
        rows.extend(analysis)
        rows.extend(cues.features(text, normalized, tokens, analysis, clauses))
    # One flat array for the batch: converting a list of rows costs more than the maths.
    width = len(lexicon.FEATURE_NAMES)
    shape = (len(texts), width + len(cues.FEATURE_NAMES))
    columns = np.tanh(np.asarray(rows, dtype=np.float32).reshape(shape))
    return columns[:, :width] * LEXICON_WEIGHT, columns[:, width:] * CUE_WEIGHT


def with_sentence_starts(normalized: str) -> str:
    """Marks where sentences start, so that "hebben jullie" at the start is its own bigram."""
    return SENTENCE_START + " " + SENTENCE_END.sub(rf"\1 {SENTENCE_START} ", normalized)


def text_matrix(texts: Sequence[str]) -> sparse.csr_matrix:
    """One row per text; columns as described in the module docstring."""
    return text_matrix_and_cues(texts)[0]


def text_matrix_and_cues(texts: Sequence[str]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """`text_matrix`, and the cue columns in it that the accurate tier reuses."""
    pairs = _normalised(texts)
    normalised = [normalized for normalized, _ in pairs]
    lexicon_columns, cue_columns = dense_blocks(texts, pairs)
    blocks = [
        char_block(normalised),
        word_block([with_sentence_starts(text) for text in normalised]),
        sparse.csr_matrix(np.hstack([lexicon_columns, cue_columns])),
    ]
    return sparse.hstack(blocks, format="csr", dtype=np.float32), cue_columns
