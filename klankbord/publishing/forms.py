from collections.abc import Sequence
from datetime import date, datetime, time

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.channels.networks import google
from klankbord.lib.dates import NonexistentTime, aware_from_local
from klankbord.lib.uploads import refuse_larger_than
from klankbord.lib.widgets import IsoDateInput, IsoTimeInput
from klankbord.publishing import bulk, holidays
from klankbord.publishing.models import PublishingSettings

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def local_moment(day: date, at: time, zone: str) -> datetime:
    """A date and time typed in the organisation's zone, as an exact moment."""
    try:
        return aware_from_local(datetime.combine(day, at), zone)
    except NonexistentTime as error:
        raise ValidationError(
            _("That time does not exist on that day: the clocks go forward. Choose another time.")
        ) from error


def channel_label(channel: Channel) -> str:
    return channel.handle


def pillar_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Content pillar"),
        required=False,
        help_text=_("What the post is about, from your plan: Measure compares what each brings."),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a content pillar of your plan. Choose one of its pillars."
            )
        },
    )


def pillar_choices(form: forms.Form, pillars: Sequence[str], current: str) -> None:
    """The plan's pillars; the post's own stays choosable after the plan renamed it."""
    if not pillars and not current:
        del form.fields["pillar"]  # no pillars in the plan: nothing to choose
        return
    choices = [("", _("— no pillar —")), *((name, name) for name in pillars)]
    if current and current not in pillars:
        label = _("%(pillar)s (no longer in the plan)") % {"pillar": current}
        choices.append((current, label))
    field = form.fields["pillar"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class PillarForm(forms.Form):
    """The pillar of a post that can no longer be edited: it changes nothing that went out."""

    pillar = pillar_field()

    def __init__(
        self, *args: object, pillars: Sequence[str], current_pillar: str, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        pillar_choices(self, pillars, current_pillar)
        if "pillar" in self.fields:
            self.fields["pillar"].initial = current_pillar


GOOGLE_TOPICS = [
    ("STANDARD", _("What's new")),
    ("OFFER", _("Offer")),
    ("EVENT", _("Event")),
]
GOOGLE_ACTIONS = [
    ("", _("No button")),
    ("BOOK", _("Book")),
    ("ORDER", _("Order online")),
    ("SHOP", _("Buy")),
    ("LEARN_MORE", _("Learn more")),
    ("SIGN_UP", _("Sign up")),
    ("CALL", _("Call now")),
]


class ComposeForm(forms.Form):
    ACTIONS = ["draft", "schedule", "now", "queue"]

    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        strip=False,
        error_messages={"required": _("Write something first.")},
    )
    channels = forms.ModelMultipleChoiceField(
        label=_("Channels"),
        queryset=Channel.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one channel.")},
    )
    date = forms.DateField(label=_("Date"), required=False, widget=IsoDateInput())
    time = forms.TimeField(label=_("Time"), required=False, widget=IsoTimeInput())
    pillar = pillar_field()
    track_clicks = forms.BooleanField(
        label=_("Track clicks on links"),
        required=False,
        help_text=_(
            "Links go out as short links of Klankbord, one per channel, so Measure counts the "
            "clicks. No personal data is kept."
        ),
    )
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], initial="draft")
    # A Google Business Profile local post: what's new, an offer or an event, and a button.
    google_topic = forms.ChoiceField(
        label=_("Kind of Google post"), choices=GOOGLE_TOPICS, required=False
    )
    google_title = forms.CharField(
        label=_("Title of the offer or event"), max_length=100, required=False
    )
    google_start = forms.DateField(label=_("From"), required=False, widget=IsoDateInput())
    google_end = forms.DateField(label=_("Until"), required=False, widget=IsoDateInput())
    google_coupon = forms.CharField(label=_("Coupon code"), max_length=100, required=False)
    google_terms = forms.CharField(
        label=_("Terms and conditions"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    google_action = forms.ChoiceField(label=_("Button"), choices=GOOGLE_ACTIONS, required=False)
    google_url = forms.URLField(
        label=_("Address the button leads to"), required=False, assume_scheme="https"
    )

    def __init__(
        self,
        *args: object,
        channels: list[Channel],
        zone: str,
        pillars: Sequence[str] = (),
        current_pillar: str = "",
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.zone = zone
        field = self.fields["channels"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Channel.objects.filter(pk__in=[c.pk for c in channels])
        field.label_from_instance = channel_label  # type: ignore[assignment,method-assign]
        pillar_choices(self, pillars, current_pillar)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        data["network_options"] = self._network_options(data)
        if data.get("action") == "schedule":
            if not data.get("date") or not data.get("time"):
                raise ValidationError(_("Choose a date and a time to schedule."))
            data["at"] = local_moment(data["date"], data["time"], self.zone)
        return data

    def _network_options(self, data: dict[str, object]) -> dict[str, dict[str, str]]:
        """The Google local post's options, checked as Google would; {} without a location."""
        chosen = data.get("channels") or []
        if not any(channel.network == "google" for channel in chosen):  # type: ignore[attr-defined]
            return {}
        options = {
            "topic": str(data.get("google_topic") or "STANDARD"),
            "title": str(data.get("google_title") or "").strip(),
            "start": str(data.get("google_start") or ""),
            "end": str(data.get("google_end") or ""),
            "coupon": str(data.get("google_coupon") or "").strip(),
            "terms": str(data.get("google_terms") or "").strip(),
            "action": str(data.get("google_action") or ""),
            "url": str(data.get("google_url") or ""),
        }
        options = {key: value for key, value in options.items() if value}
        problem = google.local_post_problem(options)
        if problem:
            raise ValidationError(problem)
        return {"google": options}

    @staticmethod
    def google_initial(options: dict[str, object]) -> dict[str, object]:
        """A saved post's Google options as the form's initial values."""
        google_options = options.get("google") or {}
        assert isinstance(google_options, dict)
        return {f"google_{key}": value for key, value in google_options.items()}


class MoveForm(forms.Form):
    """Where a post was dropped in the calendar: a day, and in the week view an hour."""

    date = forms.DateField()
    hour = forms.IntegerField(required=False, min_value=0, max_value=23)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class RejectForm(forms.Form):
    text = forms.CharField(
        label=_("What should change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": _("Say what should change, so the author can fix it.")},
    )


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day"), choices=WEEKDAYS, coerce=int)
    time = forms.TimeField(label=_("Time"), widget=IsoTimeInput())


class PublishingSettingsForm(forms.ModelForm):
    holiday_regions = forms.MultipleChoiceField(
        label=_("Holidays to show"),
        choices=holidays.REGIONS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = PublishingSettings
        fields = ["holiday_regions", "max_silence_days", "clash_minutes"]


class BulkForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One post per line with the columns date, time and text; channels (handles or "
            "networks, separated by ;) and pillar are optional. At most 500 posts, 1 MB."
        ),
    )

    def clean_file(self) -> UploadedFile:
        return refuse_larger_than(self.cleaned_data["file"], bulk.MAX_BYTES)
