from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from klankbord.channels.services import allow_loopback
from klankbord.inbox import hours
from klankbord.inbox.attachments import Attachment, attachment_read
from klankbord.inbox.models import InboxSettings, SavedReply
from klankbord.inbox.services import unknown_placeholders
from klankbord.lib.http import HttpError, UnsafeURL, check_url
from klankbord.publishing.holidays import REGIONS

DAYS = [
    _("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"),
    _("Sunday"),
]  # fmt: skip
LANGUAGES = [("", _("any language")), ("nl", "nl"), ("fr", "fr"), ("en", "en"), ("de", "de")]


class ReplyForm(forms.Form):
    # Not required when a file goes out: then it is the file's caption, if any.
    text = forms.CharField(
        label=_("Reply"), widget=forms.Textarea(attrs={"rows": 4}), required=False, strip=True
    )
    private = forms.BooleanField(label=_("As a direct message"), required=False)
    file = forms.FileField(label=_("Image or PDF"), required=False)

    def clean_file(self) -> Attachment | None:
        upload = self.cleaned_data.get("file")
        return attachment_read(upload) if upload else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("text") and not cleaned.get("file") and not self.errors:
            raise forms.ValidationError(_("Write a reply first."))
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only your team sees this. Write @name to tell a colleague."),
    )


class SavedReplyForm(forms.ModelForm):
    language = forms.ChoiceField(label=capfirst(_("language")), choices=LANGUAGES, required=False)

    class Meta:
        model = SavedReply
        fields = ["title", "language", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            # The names differ per language ({nom}, {entreprise}); fill_in accepts them all.
            # xgettext:no-python-brace-format
            "text": _("{naam} becomes the first name of the person you answer, {bedrijf} yours.")
        }

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        unknown = unknown_placeholders(text)
        if unknown:
            raise forms.ValidationError(
                # xgettext:no-python-brace-format
                _("Klankbord does not know {%(word)s}. Use {naam}, {handle} or {bedrijf}."),
                params={"word": unknown[0]},
            )
        return text


def week_as_text(week: dict[str, list[list[str]]], day: int) -> str:
    return ", ".join(f"{start}-{end}" for start, end in week.get(str(day), []))


class InboxSettingsForm(forms.ModelForm):
    """Opening hours as one line per day: "09:00-12:00, 13:00-17:00", empty when closed."""

    holiday_region = forms.ChoiceField(label=capfirst(_("public holidays of")), choices=REGIONS)

    class Meta:
        model = InboxSettings
        fields = [
            "target_minutes", "holiday_region", "alert_overdue", "lead_webhook_url",
        ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(DAYS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=capfirst(name),
                required=False,
                initial=week_as_text(self.instance.opening_hours, day),
                help_text=_("e.g. 09:00-12:00, 13:00-17:00; empty when closed") if day == 0 else "",
            )

    def clean_target_minutes(self) -> int:
        minutes: int = self.cleaned_data["target_minutes"]
        if not 5 <= minutes <= 60 * 24 * 14:
            raise forms.ValidationError(_("Choose between 5 minutes and two weeks."))
        return minutes

    def clean_lead_webhook_url(self) -> str:
        url: str = self.cleaned_data["lead_webhook_url"]
        try:
            if url:
                check_url(url, allow_loopback=allow_loopback())
        except UnsafeURL as error:
            raise forms.ValidationError(
                _("Klankbord cannot post to this address: it must be a public http(s) address.")
            ) from error
        except HttpError as error:
            raise forms.ValidationError(
                _("Klankbord cannot find the server of this address. Check the address.")
            ) from error
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        week: dict[str, list[list[str]]] = {}
        for day in range(7):
            text = cleaned.get(f"day_{day}", "") or ""
            periods = [part.strip() for part in text.split(",") if part.strip()]
            week[str(day)] = [
                [piece.strip() for piece in period.split("-", 1)] for period in periods
            ]
            try:
                hours.parse_week({str(day): week[str(day)]})
            except ValueError:
                self.add_error(
                    f"day_{day}",
                    _("Write the hours as 09:00-12:00, 13:00-17:00: from early to late, "
                      "without overlaps."),
                )  # fmt: skip
        self.instance.opening_hours = week
        return cleaned
