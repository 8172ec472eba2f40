from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.channels.services import allow_loopback
from klankbord.lib.http import HttpError, UnsafeURL, check_url
from klankbord.lib.uploads import refuse_larger_than
from klankbord.listening.models import (
    URGENT_BY_DEFAULT,
    AlertRule,
    ListeningSettings,
    Monitor,
    Source,
    Urgency,
)
from klankbord.listening.query import QueryError, parse
from klankbord.orgs.models import Organisation

QUERY_HELP = _(
    "Words find whole words, without regard to capitals or accents. Use OR for either, NOT or "
    '-word to leave out, "quotes" for an exact phrase, boekhoud* for every word that starts '
    "like that, lang:nl for Dutch posts only and near:Gent~20km for posts that name a place "
    "within 20 km of Gent."
)

# Measure compares own monitors with competitors' ones: the share of voice.
KIND_HELP = _(
    "Own brand and Product or service: what is said about your business. Competitor: the name "
    "of one competitor per monitor; Measure compares its mentions and their tone with yours "
    "(the share of voice), fairly only when it reads the same sources as your own monitors. "
    "Trade or opportunity: words of your trade, not compared."
)


class MonitorForm(forms.ModelForm):
    class Meta:
        model = Monitor
        fields = ["name", "kind", "query", "sources"]
        widgets = {
            "kind": forms.RadioSelect,
            "query": forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
            "sources": forms.CheckboxSelectMultiple,
        }
        labels = {"sources": _("Sources")}
        help_texts = {
            "kind": KIND_HELP,
            "query": QUERY_HELP,
            "sources": _("Leave all unticked to listen on every source."),
        }

    def __init__(
        self, *args: object, organisation: Organisation, kind: str = "", **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sources"].queryset = Source.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, active=True
        )
        self.fields["sources"].required = False
        if kind in Monitor.Kind.values and self.instance.pk is None:
            self.initial["kind"] = kind  # e.g. "Add a competitor" on Measure

    def clean_query(self) -> str:
        query = self.cleaned_data["query"].strip()
        try:
            parse(query)
        except QueryError as error:
            raise forms.ValidationError(error.message) from error
        return query


class SearchSourceForm(forms.Form):
    channel = forms.ModelChoiceField(label=_("Via account"), queryset=Channel.objects.none())
    term = forms.CharField(
        label=_("Search for"),
        max_length=200,
        help_text=_("A #hashtag or words, e.g. #leuven or bakkerij"),
    )

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["channel"].queryset = Channel.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation,
            status=Channel.Status.CONNECTED,
            network__in=["mastodon", "bluesky"],
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV or JSON Lines with a text column; id, url, author, author_name, title, date "
            "and network are optional."
        ),
    )

    def clean_file(self) -> UploadedFile:
        return refuse_larger_than(self.cleaned_data["file"], settings.KLANKBORD_IMPORT_MAX_BYTES)


class AlertRuleForm(forms.ModelForm):
    urgencies = forms.MultipleChoiceField(
        label=_("Alert me at once about"),
        choices=Urgency.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = AlertRule
        fields = ["instant_email", "urgencies", "monitors", "daily_digest"]
        labels = {
            "instant_email": _("Instant alerts by e-mail"),
            "monitors": _("From these monitors"),
            "daily_digest": _("A daily digest by e-mail (around 7:00)"),
        }
        help_texts = {"monitors": _("Leave all unticked for every monitor.")}
        widgets = {"monitors": forms.CheckboxSelectMultiple}

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["monitors"].queryset = Monitor.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )
        self.fields["monitors"].required = False


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Webhook address"),
        assume_scheme="https",
        max_length=1000,
        help_text=_("Klankbord posts JSON with a Slack-compatible text field to this address."),
    )
    urgencies = forms.MultipleChoiceField(
        label=_("Post about"),
        choices=Urgency.choices,
        initial=URGENT_BY_DEFAULT,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
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


class PrivacyForm(forms.ModelForm):
    class Meta:
        model = ListeningSettings
        fields = ["retention_days", "pseudonymise_authors"]
        help_texts = {
            "retention_days": _("Older mentions are deleted every night. Between 7 and 730 days.")
        }

    def clean_retention_days(self) -> int:
        days = self.cleaned_data["retention_days"]
        if not 7 <= days <= 730:
            raise forms.ValidationError(_("Choose between 7 and 730 days."))
        return int(days)


class AuthorForm(forms.Form):
    handle = forms.CharField(
        label=_("Author"),
        max_length=300,
        help_text=_("The handle as it appears with the mentions, e.g. @an_peeters."),
    )
