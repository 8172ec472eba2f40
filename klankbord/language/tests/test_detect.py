"""Language detection on short Flemish, Dutch, French, English and German posts."""

import json
from pathlib import Path

import pytest

from klankbord.language.detect import (
    UNDETERMINED,
    detect_language,
    detect_languages,
    detect_with_confidence,
)
from klankbord.language.train import load_posts


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Amai, da's lekker brood!", "nl"),
        ("Iemand een goede loodgieter in de buurt van Aalst?", "nl"),
        ("Zalig ontbijt gehad bij Lotte, echt een aanrader", "nl"),
        ("Vet goeie burgers hier", "nl"),
        ("merci voor de snelle levering!", "nl"),
        ("Nooit meer. Koud eten en een onbeschofte ober.", "nl"),
        ("Bonjour, vous êtes ouverts dimanche ?", "fr"),
        ("Great coffee and friendly staff", "en"),
        ("Wie kann ich hier bestellen?", "de"),
        ("@bakkerij Wanneer zijn jullie open? https://bakkerij.be/uren #Leuven", "nl"),
    ],
)
def test_short_posts_get_their_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Das ist doch gut so, danke!", "de"),
        ("Wo finde ich den Eingang?", "de"),
        ("Ich auch", "de"),
        ("Is this shop open today?", "en"),
        ("Thanks, you made my day", "en"),
        ("Me too", "en"),
        ("On se voit tantôt, ok ?", "fr"),
        ("Il drache depuis ce matin", "fr"),
        ("Moi aussi", "fr"),
        ("Ik kom morgen langs, ok?", "nl"),
        ("Ik ook", "nl"),
        ("Tot straks!", "nl"),
    ],
)
def test_short_lines_with_common_words_get_their_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "kheb da nie gezien ze",
        "ge zijt ne schat",
        "kzen der nie zeker van",
        "hebde gij da gezien?",
        "allez, tot seffens hè",
        "ff kijken, wss wel",
        "nen dikke merci!",
        "Wauw 😍 merci",
    ],
)
def test_flemish_and_dutch_chat_spelling_is_dutch(text: str) -> None:
    assert detect_language(text) == "nl"


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "ok ok",
        "Top!",
        "haha",
        "👍👍",
        "😂😂😂 🙏",
        "",
        "12:30",
        "15u - 18u",
        "+32 470 12 34 56",
        "€ 12,50",
        "https://bakkerij-alice.be/winter",
        "#Leuven @an",
        "@jan #gent",
    ],
)
def test_lines_without_language_are_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED


@pytest.mark.parametrize("split", ["dev", "test"])
def test_short_lines_of_the_language_sets_are_read_right(split: str) -> None:
    path = Path(__file__).resolve().parents[1] / "data" / "languages" / f"{split}.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    said = detect_languages([row["text"] for row in rows])
    right = sum(
        1 for row, (language, _) in zip(rows, said, strict=True) if row["language"] == language
    )
    assert len(rows) >= 400
    assert right / len(rows) >= 0.97


def test_the_confidence_comes_along() -> None:
    language, confidence = detect_with_confidence(
        "Bedankt voor de lekkere taart, tot volgende week!"
    )
    assert language == "nl"
    assert 0.6 <= confidence <= 1.0


def test_many_posts_at_once_get_the_same_answers_as_one_by_one() -> None:
    texts = [
        "Amai, da's lekker brood!",
        "Bonjour, vous êtes ouverts dimanche ?",
        "Great coffee and friendly staff",
        "WIE KANN ICH HIER BESTELLEN? DAS IST ALLES SEHR TEUER",
        "ok",
        "",
        "#Leuven @an https://bakkerij-alice.be",
        "Wij bakken elke dag vers brood in Leuven. " * 40,
    ]
    together = detect_languages(texts)
    for text, (language, confidence) in zip(texts, together, strict=True):
        alone = detect_with_confidence(text)
        assert language == alone[0], text
        assert confidence == pytest.approx(alone[1], abs=1e-4), text


def test_the_posts_of_the_data_set_get_the_same_language_at_once() -> None:
    texts = [post["text"] for post in load_posts()]
    assert [language for language, _ in detect_languages(texts)] == [
        detect_language(text) for text in texts
    ]
