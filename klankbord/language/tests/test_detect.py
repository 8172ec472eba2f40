"""Language detection on short Flemish, Dutch, French, English and German posts."""

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
    "text", ["ok", "Top!", "👍👍", "", "https://bakkerij-alice.be/winter", "#Leuven @an"]
)
def test_too_little_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED


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
