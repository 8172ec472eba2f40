"""Places: Belgian and Dutch towns with coordinates, near-phrases, and everyday words left alone."""

import pytest

from klankbord.language.places import distance_km, find_places


def names(text: str) -> list[tuple[str, bool]]:
    return [(place.name, place.near) for place in find_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik zoek een boekhouder omgeving Gent", [("Gent", True)]),
        ("Iemand een goede loodgieter in de buurt van Aalst?", [("Aalst", True)]),
        ("Fotograaf gezocht regio Leuven", [("Leuven", True)]),
        ("Verhuisd van Kessel-Lo naar Utrecht", [("Kessel-Lo", False), ("Utrecht", False)]),
        ("Liège ou Namur, peu importe", [("Liège", False), ("Namur", False)]),
        ("Lekkerste frieten van Sint-Niklaas", [("Sint-Niklaas", False)]),
        ("wij komen uit brugge", [("brugge", False)]),
        ("Ik woon in Boom", [("Boom", False)]),
    ],
)
def test_places_are_found_with_their_near_phrase(
    text: str, expected: list[tuple[str, bool]]
) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Mooie boom in de tuin en een peer",
        "De mol heeft de tuin omgewoeld",
        "Een kast van IKEA",
        "Echt de beste koffie",
        "Dat is in orde",
    ],
)
def test_everyday_words_are_not_places(text: str) -> None:
    assert find_places(text) == []


def test_each_place_has_coordinates_for_distance_questions() -> None:
    [gent] = find_places("Gent")
    [aalst] = find_places("Aalst")
    [utrecht] = find_places("Utrecht")
    assert gent.country == "BE" and utrecht.country == "NL"
    assert 20 < distance_km(gent, aalst) < 30
    assert distance_km(gent, utrecht) > 100
    assert gent.as_dict() == {"name": "Gent", "lat": gent.lat, "lon": gent.lon}
