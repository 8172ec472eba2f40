from django import forms
from django.utils.translation import gettext_lazy as _

from klankbord.channels.models import Channel
from klankbord.listening.models import Monitor, Source
from klankbord.listening.query import QueryError, parse
from klankbord.orgs.models import Organisation

QUERY_HELP = _(
    "Words find whole words, without regard to capitals or accents. Use OR for either, NOT or "
    '-word to leave out, "quotes" for an exact phrase, boekhoud* for every word that starts '
    "like that, lang:nl for Dutch posts only and near:Gent~20km for posts that name a place "
    "within 20 km of Gent."
)


class MonitorForm(forms.ModelForm):
    class Meta:
        model = Monitor
        fields = ["name", "kind", "query", "sources"]
        widgets = {
            "query": forms.Textarea(attrs={"rows": 2, "spellcheck": "false"}),
            "sources": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "query": QUERY_HELP,
            "sources": _("Leave all unticked to listen on every source."),
        }

    def __init__(self, *args: object, organisation: Organisation, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sources"].queryset = Source.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, active=True
        )
        self.fields["sources"].required = False

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
