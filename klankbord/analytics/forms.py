import re
from datetime import date
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klankbord.analytics.models import MAX_RECIPIENTS, ClientReport, ReportLink


class ReportSubscriptionForm(forms.Form):
    monthly = forms.BooleanField(
        label=_("Monthly results report by e-mail"),
        required=False,
        help_text=_(
            "On the first of the month: last month's posts and reactions, the best posts and the "
            "KPIs of the plan, with the report as PDF."
        ),
    )


MAX_CUSTOM_DAYS = 366  # a custom period is a campaign or a season, not years of history


class RecipientsField(forms.CharField):
    """E-mail addresses, one a line or separated by commas; each checked, none twice."""

    widget = forms.Textarea(attrs={"rows": 3, "autocomplete": "off"})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        found: list[str] = []
        for address in re.split(r"[\s,;]+", text):
            if address and address.lower() not in {seen.lower() for seen in found}:
                found.append(address)
        return found

    def validate(self, value: Any) -> None:
        if not value:
            raise forms.ValidationError(_("Give at least one e-mail address."))
        for address in value:
            try:
                validate_email(address)
            except forms.ValidationError as error:
                message = _("%(address)s is not an e-mail address.") % {"address": address}
                raise forms.ValidationError(message) from error
        if len(value) > MAX_RECIPIENTS:
            message = _("At most %(count)s addresses.") % {"count": MAX_RECIPIENTS}
            raise forms.ValidationError(message)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value


class PeriodDatesMixin:
    """A custom period needs its dates, in order, and not longer than a year."""

    custom: str

    def clean_dates(self, data: dict[str, Any]) -> None:
        if data.get("period") != self.custom:
            data["starts_on"] = data["ends_on"] = None
            return
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on is None or ends_on is None:
            raise forms.ValidationError(_("Give the first and the last day of the period."))
        if ends_on < starts_on:
            raise forms.ValidationError(_("The last day comes before the first."))
        if (ends_on - starts_on).days >= MAX_CUSTOM_DAYS:
            message = _("A period is at most %(days)s days.") % {"days": MAX_CUSTOM_DAYS}
            raise forms.ValidationError(message)


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientReportForm(PeriodDatesMixin, forms.ModelForm):
    custom = ClientReport.Period.CUSTOM
    recipients = RecipientsField(
        label=_("Send to"),
        help_text=_("E-mail addresses of the people who get the report, one a line (at most 10)."),
    )

    class Meta:
        model = ClientReport
        fields = ["name", "period", "starts_on", "ends_on", "recipients", "language", "active"]
        labels = {
            "name": _("Name"),
            "period": _("Which period"),
            "starts_on": _("First day (chosen dates only)"),
            "ends_on": _("Last day (chosen dates only)"),
            "language": _("Language of the report"),
            "active": _("Send it"),
        }
        help_texts = {
            "name": _("For you: whom the report is for, e.g. the client's name."),
            "language": _("The recipients' language, not yours."),
            "period": _(
                "A month or quarter is sent the morning after it ends; chosen dates once, "
                "the morning after the last day."
            ),
        }
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_dates(data)
        return data


class ReportLinkForm(PeriodDatesMixin, forms.ModelForm):
    custom = ReportLink.Period.CUSTOM

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    class Meta:
        model = ReportLink
        fields = ["name", "period", "starts_on", "ends_on", "language"]
        labels = {
            "name": _("For whom"),
            "period": _("Which period"),
            "starts_on": _("First day (chosen dates only)"),
            "ends_on": _("Last day (chosen dates only)"),
            "language": _("Language of the page"),
        }
        help_texts = {
            "period": _("The last whole month or quarter moves on by itself as time passes."),
        }
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.clean_dates(data)
        # An address shows figures: a period that has not started has none yet.
        if data.get("starts_on") and data["starts_on"] > self.today:
            raise forms.ValidationError(_("This period has not started yet."))
        return data
