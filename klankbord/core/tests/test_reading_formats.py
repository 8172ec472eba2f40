"""Dates, numbers and counts as the reader's language writes them."""

from datetime import UTC, date, datetime

import pytest
from django.utils import translation
from django.utils.translation import ngettext

from klankbord.core.templatetags.klankbord_tags import short
from klankbord.orgs.models import timezone_choices


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("nl-be", "ma 7 dec", "ma 7 dec 2026 10:05"),
        ("nl", "ma 7 dec", "ma 7 dec 2026 10:05"),
        ("fr-be", "lun. 7 déc.", "lun. 7 déc. 2026 10:05"),
        ("en", "Mon 7 Dec", "Mon 7 Dec 2026 10:05"),
    ],
)
def test_short_dates_write_the_month_as_the_language_does(
    language: str, day: str, moment: str
) -> None:
    with translation.override(language):
        assert short(date(2026, 12, 7)) == day
        assert short(datetime(2026, 12, 7, 10, 5, tzinfo=UTC), "day_moment") == moment
        assert short(None) == ""


@pytest.mark.usefixtures("translations")
@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("nl", "1 item aangepast.", "3 items aangepast."),
        ("fr", "1 élément modifié.", "3 éléments modifiés."),
    ],
)
def test_counts_take_the_plural_form_of_the_language(language: str, one: str, three: str) -> None:
    with translation.override(language):
        for count, expected in [(1, one), (3, three)]:
            changed = ngettext("%(count)s item changed.", "%(count)s items changed.", count)
            assert changed % {"count": count} == expected


def test_the_time_zone_list_starts_with_belgium_and_the_netherlands() -> None:
    names = [name for name, _label in timezone_choices()]
    assert names[:2] == ["Europe/Brussels", "Europe/Amsterdam"]
    assert len(names) == len(set(names)) > 300
