"""Public holidays and school holidays on the content calendar: they change when people are online.

Belgian school holidays follow fixed rules per Community, which the `holidays` package knows.
Dutch school holidays are set each year per region by the Ministry of Education, so they come
from a data file that needs a yearly update (see data/README.md).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import holidays
from django.utils.translation import gettext_lazy as _

NL_SCHOOL_HOLIDAYS = Path(__file__).parent / "data" / "school-holidays-nl.json"
LANGUAGES = ("nl", "fr", "en")


@dataclass(frozen=True)
class DayMark:
    day: date
    name: str
    kind: str  # "public" or "school"
    region: str  # "" for a country's public holiday, else e.g. "Vlaanderen", "regio zuid"


@dataclass(frozen=True)
class Region:
    country: str  # whose public holidays apply
    school: str  # the package's Community (BE) or the region in our data file (NL)
    short: dict[str, str]  # DayMark.region per language


REGIONS = [
    ("BE-VLG", _("Belgium — Flanders")),
    ("BE-WAL", _("Belgium — Wallonia-Brussels Federation")),
    ("BE-DE", _("Belgium — German-speaking Community")),
    ("NL-NOORD", _("Netherlands — north region")),
    ("NL-MIDDEN", _("Netherlands — central region")),
    ("NL-ZUID", _("Netherlands — south region")),
]

_REGIONS = {
    "BE-VLG": Region("BE", "Flemish", {"nl": "Vlaanderen", "fr": "Flandre", "en": "Flanders"}),
    "BE-WAL": Region(
        "BE",
        "French",
        {
            "nl": "Federatie Wallonië-Brussel",
            "fr": "Fédération Wallonie-Bruxelles",
            "en": "Wallonia-Brussels Federation",
        },
    ),
    "BE-DE": Region(
        "BE",
        "German",
        {
            "nl": "Duitstalige Gemeenschap",
            "fr": "Communauté germanophone",
            "en": "German-speaking Community",
        },
    ),
    "NL-NOORD": Region(
        "NL", "noord", {"nl": "regio noord", "fr": "région nord", "en": "north region"}
    ),
    "NL-MIDDEN": Region(
        "NL", "midden", {"nl": "regio midden", "fr": "région centre", "en": "central region"}
    ),
    "NL-ZUID": Region("NL", "zuid", {"nl": "regio zuid", "fr": "région sud", "en": "south region"}),
}

DEFAULT_REGIONS = {"BE": ["BE-VLG"], "NL": ["NL-MIDDEN"]}


def default_regions(country_code: str) -> list[str]:
    return list(DEFAULT_REGIONS.get(country_code.upper(), []))


def day_marks(
    start: date, end: date, regions: Iterable[str], language: str = "nl"
) -> dict[date, list[DayMark]]:
    """Every day in [start, end] that is a public holiday or a school holiday in one of `regions`.

    `language` may be a Django language code ("fr-be"); anything but nl or fr gets English.
    """
    codes = list(dict.fromkeys(regions))
    unknown = [code for code in codes if code not in _REGIONS]
    if unknown:
        raise ValueError(f"Unknown holiday region: {', '.join(unknown)}")
    language = _language(language)
    marks: dict[date, list[DayMark]] = defaultdict(list)
    for country in dict.fromkeys(_REGIONS[code].country for code in codes):
        for day, name in _public(country, start, end, language):
            marks[day].append(DayMark(day, name, "public", ""))
    public = {(mark.day, mark.name) for day_list in marks.values() for mark in day_list}
    for code in codes:
        region = _REGIONS[code]
        for day, name in _school(region, start, end, language):
            # A Belgian school calendar repeats public holidays such as 11 November.
            if (day, name) not in public:
                marks[day].append(DayMark(day, name, "school", region.short[language]))
    return {day: marks[day] for day in sorted(marks)}


def _language(code: str) -> str:
    base = code.split("-")[0].lower()
    return base if base in LANGUAGES else "en"


def _public(country: str, start: date, end: date, language: str) -> Iterator[tuple[date, str]]:
    return _package_days(country, "", "public", start, end, language)


def _school(region: Region, start: date, end: date, language: str) -> Iterator[tuple[date, str]]:
    if region.country == "BE":
        yield from _package_days("BE", region.school, "school", start, end, language)
        return
    for kind, first, last in _nl_periods(region.school):
        day = max(first, start)
        while day <= min(last, end):
            yield day, _nl_name(kind, language)
            day += timedelta(days=1)


def _package_days(
    country: str, subdivision: str, category: str, start: date, end: date, language: str
) -> Iterator[tuple[date, str]]:
    for year in range(start.year, end.year + 1):
        for day, names in _package_year(country, subdivision, category, year, language).items():
            if start <= day <= end:
                yield from ((day, name) for name in names)


# Built once per country, year and language, so a month view stays cheap.
@cache
def _package_year(
    country: str, subdivision: str, category: str, year: int, language: str
) -> dict[date, tuple[str, ...]]:
    localized = holidays.list_localized_countries()[country]
    code = {"en": "en_US"}.get(language, language)
    found = holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=year,
        # Always explicit: without a language the package follows the server's locale.
        language=code if code in localized else "en_US",
        categories=(category,),
    )
    return {day: tuple(found.get_list(day)) for day in sorted(found)}


@cache
def _nl_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(NL_SCHOOL_HOLIDAYS.read_text(encoding="utf-8"))
    return data


@cache
def _nl_periods(region: str) -> tuple[tuple[str, date, date], ...]:
    return tuple(
        (item["kind"], date.fromisoformat(item["start"]), date.fromisoformat(item["end"]))
        for school_year in _nl_data()["school_years"].values()
        for item in school_year["holidays"]
        if region in item["regions"]
    )


def _nl_name(kind: str, language: str) -> str:
    names: dict[str, str] = _nl_data()["names"][kind]
    return names.get(language, names["en"])
