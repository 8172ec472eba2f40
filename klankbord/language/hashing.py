"""Hashed n-gram columns, the same as scikit-learn's HashingVectorizer, without scikit-learn.

Importing scikit-learn takes a second or more (it pulls in scipy.stats); `klankbord classify`
should answer its first line sooner than that. This module gives exactly the columns and values
of `sklearn.feature_extraction.text.HashingVectorizer` for the settings the fast tier uses
(analyzer "char_wb" or "word", alternate_sign=False, lowercase=False, norm "l2" or None): the
same n-grams, hashed with the same MurmurHash3 (x86, 32-bit, seed 0), computed with numpy over
all n-grams of a batch at once. A test checks it against scikit-learn on the training posts.
"""

import re
from collections.abc import Iterable, Sequence

import numpy as np
from scipy import sparse

C1, C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


class HashingVectorizer:
    """The subset of scikit-learn's HashingVectorizer the fast tier uses."""

    def __init__(
        self,
        *,
        analyzer: str,
        ngram_range: tuple[int, int],
        n_features: int,
        alternate_sign: bool = False,
        norm: str | None = "l2",
        lowercase: bool = False,
        token_pattern: str = r"(?u)\b\w\w+\b",  # noqa: S107 - a regular expression
    ) -> None:
        if analyzer not in ("char_wb", "word") or alternate_sign or lowercase:
            raise ValueError("only char_wb or word n-grams, without sign or lower-casing")
        if norm not in ("l2", None):
            raise ValueError("norm must be 'l2' or None")
        self.analyzer = analyzer
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.norm = norm
        self.token_pattern = re.compile(token_pattern)

    def transform(self, texts: Iterable[str]) -> sparse.csr_matrix:
        grams: list[bytes] = []
        indptr = [0]
        analyse = self._char_wb_ngrams if self.analyzer == "char_wb" else self._word_ngrams
        for text in texts:
            grams.extend(analyse(text))
            indptr.append(len(grams))
        columns = columns_of(grams, self.n_features)
        matrix = sparse.csr_matrix(
            (np.ones(len(grams)), columns, np.asarray(indptr, dtype=np.int32)),
            shape=(len(indptr) - 1, self.n_features),
        )
        matrix.sum_duplicates()  # also sorts the indices
        return scale_rows(matrix, norm="l2", copy=False) if self.norm else matrix

    def _char_wb_ngrams(self, text: str) -> list[bytes]:
        low, high = self.ngram_range
        grams: list[bytes] = []
        for word in text.split():
            padded = " " + word + " "
            # An ASCII word's characters are its bytes: slice the bytes, encode once.
            whole = padded.encode("utf-8")
            ascii_only = len(whole) == len(padded)
            for n in range(low, high + 1):
                if len(padded) <= n:  # a short word counts once, whole
                    grams.append(whole)
                    break
                if ascii_only:
                    grams.extend(whole[i : i + n] for i in range(len(whole) - n + 1))
                else:
                    grams.extend(
                        padded[i : i + n].encode("utf-8") for i in range(len(padded) - n + 1)
                    )
        return grams

    def _word_ngrams(self, text: str) -> list[bytes]:
        tokens = self.token_pattern.findall(text)
        low, high = self.ngram_range
        grams = list(tokens) if low == 1 else []
        for n in range(max(low, 2), min(high, len(tokens)) + 1):
            grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        return [gram.encode("utf-8") for gram in grams]


def columns_of(grams: Sequence[bytes], n_features: int) -> np.ndarray:
    """The column of each n-gram (UTF-8): |murmurhash3_32(n-gram, seed 0)| modulo n_features."""
    position = {gram: at for at, gram in enumerate(dict.fromkeys(grams))}  # each once
    hashes = murmurhash3_32(list(position)).astype(np.int64)
    columns = (np.abs(hashes) % n_features).astype(np.int32)
    return columns[np.fromiter(map(position.__getitem__, grams), np.int64, len(grams))]


def murmurhash3_32(keys: Sequence[bytes]) -> np.ndarray:
    """Signed 32-bit MurmurHash3 (x86_32, seed 0) of each key, as sklearn's murmurhash3_32."""
    result = np.zeros(len(keys), dtype=np.uint32)
    if not keys:
        return result.view(np.int32)
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    data = np.frombuffer(b"".join(keys) + b"\0" * 4, dtype=np.uint8)
    blocks = lengths // 4
    for count in np.unique(blocks):  # keys with as many whole 4-byte blocks, side by side
        chosen = np.flatnonzero(blocks == count)
        width = int(count) * 4 + 4  # the blocks and a tail of up to three bytes
        offsets = np.arange(width)
        inside = offsets[None, :] < lengths[chosen, None]
        grid = np.where(inside, data[starts[chosen, None] + offsets[None, :] * inside], 0)
        grid = grid.astype(np.uint32)
        h = np.zeros(len(chosen), dtype=np.uint32)
        for block in range(int(count)):
            k = _word(grid, block * 4) * C1
            k = _rotate(k, 15) * C2
            h = _rotate(h ^ k, 13) * np.uint32(5) + np.uint32(0xE6546B64)
        tail = int(count) * 4
        k = grid[:, tail] | (grid[:, tail + 1] << np.uint32(8)) | (grid[:, tail + 2] << 16)
        h ^= _rotate(k.astype(np.uint32) * C1, 15) * C2  # zero when there is no tail
        h ^= lengths[chosen].astype(np.uint32)
        result[chosen] = _finalise(h)
    return result.view(np.int32)


def _word(grid: np.ndarray, at: int) -> np.ndarray:
    return (
        grid[:, at]
        | (grid[:, at + 1] << np.uint32(8))
        | (grid[:, at + 2] << np.uint32(16))
        | (grid[:, at + 3] << np.uint32(24))
    )


def _rotate(value: np.ndarray, bits: int) -> np.ndarray:
    return (value << np.uint32(bits)) | (value >> np.uint32(32 - bits))


def _finalise(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def scale_rows(
    matrix: sparse.csr_matrix, norm: str = "l2", copy: bool = False
) -> sparse.csr_matrix:
    """Each row divided by its Euclidean length, as sklearn.preprocessing.normalize; rows of
    zeros stay zeros."""
    if norm != "l2":
        raise ValueError("only the l2 norm")
    scaled = matrix.copy() if copy else matrix
    scaled.data = scaled.data.astype(np.float64, copy=False)
    squares = np.bincount(
        np.repeat(np.arange(scaled.shape[0]), np.diff(scaled.indptr)),
        weights=scaled.data * scaled.data,
        minlength=scaled.shape[0],
    )
    lengths = np.sqrt(squares)
    lengths[lengths == 0.0] = 1.0
    scaled.data /= np.repeat(lengths, np.diff(scaled.indptr))
    return scaled
