"""The fast tier's columns: the cached char block must equal scikit-learn's own vectorizer."""

import numpy as np

from klankbord.language import features
from klankbord.language.normalize import normalize
from klankbord.language.train import load_posts


def test_the_cached_char_block_equals_the_vectorizer_on_the_data_set() -> None:
    texts = [normalize(post["text"]) for post in load_posts()]
    texts += ["", "   ", "a\u00a0b\tc\n\nd", "één  😀😀 x", "x" * 3000]
    expected = features.char_vectorizer().transform(texts)
    found = features.char_block(texts)
    assert found.shape == expected.shape
    assert (found != expected).nnz == 0
    assert np.array_equal(found.indptr, expected.indptr)


def test_a_full_word_cache_is_emptied_and_refilled_from_the_batch(monkeypatch) -> None:
    monkeypatch.setattr(features, "CHAR_CACHE_WORDS", 5)
    texts = ["een twee drie vier", "vijf zes zeven acht negen tien"]
    assert (features.char_block(texts) != features.char_vectorizer().transform(texts)).nnz == 0
    assert len(features._char_columns_of) <= 10


def test_the_cached_word_block_equals_the_vectorizer_on_the_data_set() -> None:
    texts = [features.with_sentence_starts(normalize(post["text"])) for post in load_posts()]
    texts += ["", "   ", "één?! 😀 😀 x", "xxs"]
    expected = features.word_vectorizer().transform(texts)
    for _ in range(2):  # a cold cache, then a warm one
        found = features.word_block(texts)
        assert found.shape == expected.shape
        assert (found != expected).nnz == 0
        assert np.array_equal(found.indices, expected.indices)
        assert np.array_equal(found.indptr, expected.indptr)


def test_a_full_word_gram_cache_is_emptied_and_refilled_from_the_batch(monkeypatch) -> None:
    monkeypatch.setattr(features, "WORD_CACHE_GRAMS", 5)
    texts = ["een twee drie vier", "vijf zes zeven acht negen tien"]
    assert (features.word_block(texts) != features.word_vectorizer().transform(texts)).nnz == 0
    assert len(features._word_column_of) <= 20
