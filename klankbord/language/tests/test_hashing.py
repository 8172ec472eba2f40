"""The hashed n-gram columns must be exactly scikit-learn's, which the shipped heads were
trained on."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer as SklearnHashingVectorizer
from sklearn.utils.murmurhash import murmurhash3_32 as sklearn_murmurhash

from klankbord.language import features, hashing
from klankbord.language.train import load_posts


def test_murmurhash_gives_sklearn_s_hash_for_keys_of_every_length() -> None:
    rng = np.random.default_rng(7)
    keys = [b"", b"a", b"ab", b"abc", b"abcd", b"abcde", "é".encode(), " 😀 ".encode()]
    keys += [rng.bytes(int(length)) for length in rng.integers(0, 40, size=2000)]

    ours = hashing.murmurhash3_32(keys)

    assert ours.tolist() == [sklearn_murmurhash(key, seed=0) for key in keys]


@pytest.mark.parametrize(
    "options",
    [
        {"analyzer": "char_wb", "ngram_range": (2, 5), "n_features": 2**18, "norm": "l2"},
        {"analyzer": "char_wb", "ngram_range": (2, 5), "n_features": 2**18, "norm": None},
        {
            "analyzer": "word",
            "ngram_range": (1, 2),
            "n_features": 2**17,
            "norm": "l2",
            "token_pattern": features.WORD_PATTERN,
        },
    ],
)
def test_the_columns_and_values_are_sklearn_s_on_the_data_set(options: dict) -> None:
    texts = [*(post["text"] for post in load_posts()[:1500]), "", "  ", "a", "Amai!! 😍😍"]

    ours = hashing.HashingVectorizer(**options).transform(texts)
    expected = SklearnHashingVectorizer(alternate_sign=False, lowercase=False, **options).transform(
        texts
    )

    assert ours.shape == expected.shape
    assert np.array_equal(ours.indptr, expected.indptr)
    assert np.array_equal(ours.indices, expected.indices)
    assert np.array_equal(ours.data, expected.data)


def test_settings_it_does_not_copy_are_refused() -> None:
    with pytest.raises(ValueError, match="only char_wb or word"):
        hashing.HashingVectorizer(analyzer="char", ngram_range=(1, 2), n_features=8)
