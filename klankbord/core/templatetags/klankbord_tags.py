from datetime import date, datetime

from babel.dates import format_date, format_datetime
from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def ago(moment: datetime | None) -> str:
    """'just now' for the last minute (timesince would say '0 minutes'), else 'N minutes ago'."""
    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return _("just now")
    return _("%(time)s ago") % {"time": timesince(moment)}


# Day and month in the reader's language, as CLDR writes them ("ma 7 dec", "lun. 7 déc.");
# Django's "M" capitalises every abbreviation ("Dec", "Déc").
SHORT_PATTERNS = {
    "day": "EEE d MMM",
    "day_month": "d MMM",
    "day_year": "d MMM y",
    "moment": "d MMM HH:mm",
    "day_moment": "EEE d MMM y HH:mm",
}


@register.filter(expects_localtime=True)
def short(moment: date | datetime | None, pattern: str = "day") -> str:
    """A date as `|date:"D j M"` would write it, but lowercase where the language says so."""
    if moment is None or moment == "":
        return ""
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    if isinstance(moment, datetime):
        return format_datetime(moment, SHORT_PATTERNS[pattern], locale=locale)
    return format_date(moment, SHORT_PATTERNS[pattern], locale=locale)
