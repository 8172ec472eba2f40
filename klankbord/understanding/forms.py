from django import forms
from django.utils.translation import gettext_lazy as _

from klankbord.understanding.models import Intent, Sentiment
from klankbord.understanding.services import MAX_TEXT


class TryForm(forms.Form):
    text = forms.CharField(
        label=_("Post"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Paste a post or comment to see how Klankbord reads it."),
    )


class CorrectionForm(forms.Form):
    """The whole reading as the member says it should be: sentiment and intents."""

    text = forms.CharField(max_length=MAX_TEXT, widget=forms.HiddenInput)
    sentiment = forms.ChoiceField(label=_("Sentiment"), choices=Sentiment.choices)
    intents = forms.MultipleChoiceField(
        label=_("Intents"),
        choices=Intent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CheckForm(forms.Form):
    """A member's reading of one of the organisation's mentions; its text is the mention's."""

    sentiment = forms.ChoiceField(label=_("Sentiment"), choices=Sentiment.choices)
    intents = forms.MultipleChoiceField(
        label=_("Intents"),
        choices=Intent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
