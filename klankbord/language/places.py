"""Places in a post: Belgian and Dutch towns with coordinates, and "omgeving Gent" phrases.

The gazetteer (data/places/places-be-nl.json, from GeoNames) is loaded once per process. A name
that is also an ordinary word (Boom, Peer, Mol) counts only when written with a capital or
after a place cue such as "in", "omgeving" or "regio".
"""

import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "places" / "places-be-nl.json"
MAX_WORDS = 4
APOSTROPHE = "\u2019"  # the typographic apostrophe phones type in place names
WORD = re.compile(r"[\w'\u2019-]+", re.UNICODE)
# "omgeving Gent", "regio Leuven", "in de buurt van Aalst", "rond Hasselt": near, not in.
NEAR_CUES = ("omgeving", "regio", "buurt van", "rond", "rondom", "nabij", "dichtbij", "région de")
CUES = (*NEAR_CUES, "in", "te", "uit", "naar", "à", "près de")
# Places whose name is also an everyday word: they need a cue even when capitalised.
EVERYDAY_WORDS = frozenset(
    [
        "een",
        "echt",
        "best",
        "goes",
        "boom",
        "peer",
        "mol",
        "ham",
        "hal",
        "born",
        "well",
        "lier",
        "heer",
        "wijk",
        "haren",
        "mill",
        "as",
        "spa",
        "ons",
        "bos",
        "zand",
        "epe",
        "ede",
        "putten",
        "hoek",
        "sluis",
        "meer",
        "gouda",
        "laren",
        "bergen",
        "velden",
        "hout",
        "beek",
        "hove",
    ]
)
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Place:
    name: str  # as written in the post
    official: str  # the gazetteer's name
    country: str
    lat: float
    lon: float
    near: bool = False  # "omgeving …", "regio …": the area around it

    def as_dict(self) -> dict[str, object]:
        return {"name": self.name, "lat": self.lat, "lon": self.lon}


def fold(text: str) -> str:
    """Lower case without accents, so Liège = Liege and 's-Hertogenbosch = 's-hertogenbosch."""
    if text.isascii():
        return text.lower()  # most words: nothing to decompose
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace(APOSTROPHE, "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def gazetteer() -> dict[str, dict[str, object]]:
    """Folded name → the most populous place of that name."""
    index: dict[str, dict[str, object]] = {}
    for place in json.loads(DATA.read_text(encoding="utf-8")):
        for name in (place["name"], *place["aliases"]):
            key = fold(name)
            known = index.get(key)
            if known is None or int(place["population"]) > int(known["population"]):  # type: ignore[call-overload]
                index[key] = place
    return index


@cache
def first_words() -> frozenset[str]:
    """Folded first words of every name: most words of a post start no place name at all."""
    return frozenset(name.split(" ", 1)[0] for name in gazetteer())


def _cue_before(folded: list[str], start: int) -> str:
    before = " ".join(folded[max(0, start - 3) : start])
    return next((cue for cue in sorted(CUES, key=len, reverse=True) if before.endswith(cue)), "")


def find_places(text: str) -> list[Place]:
    words = WORD.findall(text)
    folded = [fold(word) for word in words]  # once per word, not once per candidate name
    index, starts = gazetteer(), first_words()
    found: list[Place] = []
    start = 0
    while start < len(words):
        if folded[start] not in starts:
            start += 1
            continue
        for size in range(min(MAX_WORDS, len(words) - start), 0, -1):
            key = " ".join(folded[start : start + size])
            place = index.get(key)
            if place is None:
                continue
            written = " ".join(words[start : start + size])
            cue = _cue_before(folded, start)
            if not cue and (key in EVERYDAY_WORDS or not written[0].isupper()):
                continue
            found.append(
                Place(
                    name=written,
                    official=str(place["name"]),
                    country=str(place["country"]),
                    lat=float(place["lat"]),  # type: ignore[arg-type]
                    lon=float(place["lon"]),  # type: ignore[arg-type]
                    near=cue in NEAR_CUES,
                )
            )
            start += size - 1
            break
        start += 1
    return _unique(found)


def _unique(places: list[Place]) -> list[Place]:
    seen: set[str] = set()
    return [p for p in places if not (p.official in seen or seen.add(p.official))]  # type: ignore[func-returns-value]


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
