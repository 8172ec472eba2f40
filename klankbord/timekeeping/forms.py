import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from klankbord.lib.widgets import IsoDateInput
from klankbord.strategy.texts import NETWORKS
from klankbord.timekeeping.models import (
    MAX_AMOUNT,
    MAX_MINUTES,
    Activity,
    AdSpend,
    CoveredWork,
    ReturnSettings,
)

HOURS_AND_MINUTES = re.compile(r"^(\d{1,2})[:uh.](\d{2})$")
MAX_IDS = 500
MAX_MINUTES_EACH = 480  # a post that takes a whole day is not a typical post


def parse_minutes(text: str) -> int:
    """ "90" is 90 minutes; "1:30" (or 1u30, 1h30) is an hour and a half."""
    text = text.strip().lower().replace(" ", "")
    found = HOURS_AND_MINUTES.match(text)
    if found and int(found[2]) < 60:
        return int(found[1]) * 60 + int(found[2])
    if text.isdigit() and len(text) <= 5:
        return int(text)
    raise ValidationError(_("Enter minutes, such as 45, or hours and minutes, such as 1:30."))


class MinutesField(forms.Field):
    widget = forms.TextInput(attrs={"size": 6, "inputmode": "numeric", "autocomplete": "off"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Time spent"))
        kwargs.setdefault("help_text", _("Minutes, or hours and minutes as 1:30."))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value or "").strip()
        if not text:
            return None
        minutes = parse_minutes(text[:10])
        if not 1 <= minutes <= MAX_MINUTES:
            raise ValidationError(_("Enter between 1 minute and 24 hours."))
        return minutes

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value // 60}:{value % 60:02d}" if value >= 60 else str(value)
        return value


def activity_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Activity"), choices=Activity.choices)


class TimerStartForm(forms.Form):
    activity = activity_field()


class EntryForm(forms.Form):
    activity = activity_field()
    day = forms.DateField(label=_("Day"), widget=IsoDateInput())
    minutes = MinutesField()
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        if day > self.today:
            raise ValidationError(_("That day has not come yet."))
        return day


class QuickEntryForm(forms.Form):
    """A few minutes today on one activity, in one click."""

    activity = activity_field()
    minutes = forms.IntegerField(min_value=1, max_value=MAX_MINUTES)


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(choices=CoveredWork.Kind.choices)
    ids = forms.CharField(max_length=MAX_IDS * 12)
    activity = activity_field()
    minutes = MinutesField(required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean_ids(self) -> list[int]:
        parts = [part.strip() for part in self.cleaned_data["ids"].split(",")]
        if not parts or len(parts) > MAX_IDS or not all(part.isdigit() for part in parts):
            raise ValidationError(_("This suggestion was already recorded or dismissed."))
        return [int(part) for part in parts]


class AdSpendForm(forms.ModelForm):
    amount = forms.DecimalField(
        label=_("Amount (€)"),
        min_value=Decimal(0),
        max_value=Decimal(MAX_AMOUNT),
        decimal_places=2,
        localize=True,  # "12,50" in Dutch and French
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )
    network = forms.ChoiceField(label=_("Network"), required=False)

    class Meta:
        model = AdSpend
        fields = ["start", "end", "amount", "network", "note"]
        widgets = {"start": IsoDateInput(), "end": IsoDateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        network = self.fields["network"]
        assert isinstance(network, forms.ChoiceField)
        network.choices = [("", _("All networks")), *NETWORKS.items()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The last day comes on or after the first."))
        return cleaned


def _money(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(MAX_AMOUNT),
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
    )


def _minutes_each(label: Any, help_text: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=MAX_MINUTES_EACH, help_text=help_text
    )


class ReturnSettingsForm(forms.ModelForm):
    value_per_lead = _money(_("What a lead is worth to you (€)"))
    value_per_click = _money(_("What a click on a link is worth to you (€)"))
    minutes_per_post = _minutes_each(
        _("Minutes to write a post"), _("Used to suggest time from the posts you wrote.")
    )
    minutes_per_reply = _minutes_each(
        _("Minutes to answer a message"), _("Used to suggest time from the answers you sent.")
    )

    class Meta:
        model = ReturnSettings
        fields = ["value_per_lead", "value_per_click", "minutes_per_post", "minutes_per_reply"]


class PeriodForm(forms.Form):
    """The days a page shows, from the address: ?van=…&tot=…"""

    van = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    tot = forms.DateField(label=_("Until"), required=False, widget=IsoDateInput())

    def period(self, default: tuple[date, date]) -> tuple[date, date]:
        if not self.is_valid():
            return default
        start = self.cleaned_data["van"] or default[0]
        end = self.cleaned_data["tot"] or default[1]
        return (start, end) if start <= end else (end, start)
