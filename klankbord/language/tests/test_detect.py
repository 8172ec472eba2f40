"""Language detection on short Flemish, Dutch, French, English and German posts."""

import pytest

from klankbord.language.detect import UNDETERMINED, detect_language, detect_with_confidence


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
