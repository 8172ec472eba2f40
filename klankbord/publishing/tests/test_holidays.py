"""The calendar marks public holidays and school holidays for the regions an organisation picks."""

import json
from datetime import date, timedelta

import pytest

from klankbord.publishing.holidays import (
    NL_SCHOOL_HOLIDAYS,
    REGIONS,
    DayMark,
    day_marks,
    default_regions,
)


def marks_on(day: date, regions: list[str], language: str = "nl") -> list[DayMark]:
    return day_marks(day, day, regions, language=language).get(day, [])


def school_days(start: date, end: date, region: str, name: str) -> list[date]:
    found = day_marks(start, end, [region])
    return [day for day, marks in found.items() if any(m.name == name for m in marks)]


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_it_marks_the_belgian_national_day():
    assert marks_on(date(2026, 7, 21), ["BE-VLG"]) == [
        DayMark(date(2026, 7, 21), "Nationale feestdag", "public", ""),
        DayMark(date(2026, 7, 21), "Zomervakantie", "school", "Vlaanderen"),
    ]


def test_it_marks_armistice_day_once_although_schools_are_closed_too():
    assert marks_on(date(2026, 11, 11), ["BE-VLG"]) == [
        DayMark(date(2026, 11, 11), "Wapenstilstand", "public", ""),
    ]


def test_the_flemish_autumn_break_2026_is_the_week_after_all_saints():
    # 1 November 2026 is a Sunday, so the one-week break starts on Monday 2 November.
    autumn = school_days(date(2026, 10, 1), date(2026, 11, 30), "BE-VLG", "Herfstvakantie")
    assert autumn == days(date(2026, 11, 2), date(2026, 11, 8))


def test_the_wallonia_brussels_autumn_break_lasts_two_weeks_since_its_reform():
    autumn = school_days(date(2026, 10, 1), date(2026, 11, 30), "BE-WAL", "Herfstvakantie")
    assert autumn == days(date(2026, 10, 19), date(2026, 11, 1))


def test_it_marks_koningsdag_in_the_netherlands():
    assert marks_on(date(2026, 4, 27), ["NL-MIDDEN"]) == [
        DayMark(date(2026, 4, 27), "Koningsdag", "public", ""),
        DayMark(date(2026, 4, 27), "Meivakantie", "school", "regio midden"),
    ]


def test_bevrijdingsdag_is_a_public_holiday_only_in_lustrum_years():
    assert [m.name for m in marks_on(date(2025, 5, 5), ["NL-NOORD"])] == ["Bevrijdingsdag"]
    assert marks_on(date(2026, 5, 5), ["NL-NOORD"]) == []


def test_it_marks_the_dutch_summer_holiday_of_region_south():
    summer = school_days(date(2026, 6, 1), date(2026, 9, 30), "NL-ZUID", "Zomervakantie")
    assert summer == days(date(2026, 7, 11), date(2026, 8, 23))
    assert marks_on(date(2026, 7, 11), ["NL-ZUID"]) == [
        DayMark(date(2026, 7, 11), "Zomervakantie", "school", "regio zuid"),
    ]


def test_each_dutch_region_has_its_own_summer():
    first_days = {
        region: school_days(date(2026, 6, 1), date(2026, 9, 30), region, "Zomervakantie")[0]
        for region in ("NL-NOORD", "NL-MIDDEN", "NL-ZUID")
    }
    assert first_days == {
        "NL-NOORD": date(2026, 7, 4),
        "NL-MIDDEN": date(2026, 7, 18),
        "NL-ZUID": date(2026, 7, 11),
    }


def test_a_range_across_new_year_keeps_the_christmas_holiday_going():
    found = day_marks(date(2026, 12, 28), date(2027, 1, 6), ["BE-VLG"])
    assert [m.name for m in found[date(2027, 1, 1)]] == ["Nieuwjaar", "Kerstvakantie"]
    christmas = [day for day, marks in found.items() if "Kerstvakantie" in [m.name for m in marks]]
    assert christmas == days(date(2026, 12, 28), date(2027, 1, 3))


def test_the_dutch_christmas_holiday_crosses_new_year_too():
    christmas = school_days(date(2025, 12, 1), date(2026, 1, 31), "NL-NOORD", "Kerstvakantie")
    assert christmas == days(date(2025, 12, 20), date(2026, 1, 4))


def test_it_names_holidays_in_french():
    assert marks_on(date(2026, 7, 21), ["BE-WAL"], language="fr-be") == [
        DayMark(date(2026, 7, 21), "Fête nationale", "public", ""),
        DayMark(date(2026, 7, 21), "Vacances d'été", "school", "Fédération Wallonie-Bruxelles"),
    ]


def test_dutch_public_holidays_fall_back_to_english_where_the_package_has_no_french():
    assert [m.name for m in marks_on(date(2026, 4, 27), ["NL-ZUID"], language="fr")] == [
        "King's Day",
        "Vacances de mai",
    ]
    assert [m.name for m in marks_on(date(2026, 7, 11), ["NL-ZUID"], language="fr")] == [
        "Vacances d'été"
    ]


def test_it_shows_both_countries_for_an_organisation_on_the_border():
    found = marks_on(date(2026, 4, 27), ["BE-VLG", "NL-ZUID"])
    assert [(m.name, m.region) for m in found] == [
        ("Koningsdag", ""),
        ("Meivakantie", "regio zuid"),
    ]
    found = marks_on(date(2026, 7, 21), ["BE-VLG", "NL-ZUID"])
    assert [(m.name, m.region) for m in found] == [
        ("Nationale feestdag", ""),
        ("Zomervakantie", "Vlaanderen"),
        ("Zomervakantie", "regio zuid"),
    ]


def test_it_rejects_an_unknown_region():
    with pytest.raises(ValueError, match="BE-BRU"):
        day_marks(date(2026, 1, 1), date(2026, 1, 31), ["BE-VLG", "BE-BRU"])


def test_an_empty_range_has_no_marks():
    assert day_marks(date(2026, 7, 22), date(2026, 7, 21), ["BE-VLG"]) == {}


def test_default_regions_follow_the_country():
    assert default_regions("BE") == ["BE-VLG"]
    assert default_regions("NL") == ["NL-MIDDEN"]
    assert default_regions("LU") == []


def test_every_region_choice_can_be_marked():
    for code, _label in REGIONS:
        day_marks(date(2027, 12, 20), date(2028, 1, 10), [code])


def test_each_dutch_school_holiday_runs_saturday_to_sunday():
    data = json.loads(NL_SCHOOL_HOLIDAYS.read_text(encoding="utf-8"))
    assert data["source"] and data["retrieved"]
    for school_year in data["school_years"].values():
        assert school_year["source"].startswith("https://")
        for item in school_year["holidays"]:
            start, end = date.fromisoformat(item["start"]), date.fromisoformat(item["end"])
            assert (start.isoweekday(), end.isoweekday()) == (6, 7), item
            assert item["kind"] in data["names"]
            assert set(item["regions"]) <= {"noord", "midden", "zuid"}


def test_the_school_years_follow_each_other_without_a_gap():
    data = json.loads(NL_SCHOOL_HOLIDAYS.read_text(encoding="utf-8"))
    starts = [int(name[:4]) for name in data["school_years"]]
    assert starts == list(range(starts[0], starts[0] + len(starts)))


def test_the_south_has_its_spring_break_a_week_before_the_rest_in_2027():
    spring = {
        region: school_days(date(2027, 2, 1), date(2027, 3, 15), region, "Voorjaarsvakantie")
        for region in ("NL-NOORD", "NL-MIDDEN", "NL-ZUID")
    }
    assert spring["NL-ZUID"] == days(date(2027, 2, 13), date(2027, 2, 21))
    assert spring["NL-NOORD"] == spring["NL-MIDDEN"] == days(date(2027, 2, 20), date(2027, 2, 28))
