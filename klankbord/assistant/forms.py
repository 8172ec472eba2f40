from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from klankbord.assistant import prompts
from klankbord.assistant.models import FactsSheet
from klankbord.publishing.counting import NETWORK_TEXT_RULES

LANGUAGE_CHOICES = [
    ("nl-BE", _("Dutch (Flanders)")),
    ("nl-NL", _("Dutch (Netherlands)")),
    ("fr-BE", _("French (Belgium)")),
    ("en", _("English")),
]
MAX_WORDS = 5000


class ConnectionForm(forms.Form):
    enabled = forms.BooleanField(label=_("Turn the writing help on"), required=False)
    base_url = forms.CharField(
        label=_("Endpoint address"),
        max_length=500,
        required=False,
        help_text=_(
            "The base address of an OpenAI-compatible chat API, for instance "
            "https://api.mistral.ai/v1 or, for Ollama on this machine, http://127.0.0.1:11434/v1."
        ),
    )
    model = forms.CharField(label=_("Model"), max_length=200, required=False)
    api_key = forms.CharField(
        label=_("API key"),
        required=False,
        max_length=500,
        strip=True,
        # Never rendered back: the page only says whether a key is kept.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("Leave empty to keep the key that is set. Ollama needs none."),
    )
    forget_key = forms.BooleanField(label=_("Forget the stored API key"), required=False)
    accepts_images = forms.BooleanField(
        label=_("The model reads images (for alt text)"), required=False
    )
    monthly_requests = forms.IntegerField(
        label=_("Requests per month"),
        min_value=0,
        max_value=1_000_000,
        initial=200,
        help_text=_("0 means no limit."),
    )
    monthly_tokens = forms.IntegerField(
        label=_("Tokens per month"),
        min_value=0,
        max_value=1_000_000_000,
        initial=0,
        help_text=_("0 means no limit."),
    )


class FactsForm(forms.ModelForm):
    class Meta:
        model = FactsSheet
        fields = ["opening_hours", "address", "services", "prices", "other"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class SuggestForm(forms.Form):
    kind = forms.ChoiceField(choices=[(kind, kind) for kind in prompts.POST_KINDS])
    text = forms.CharField(max_length=MAX_WORDS, strip=True)
    language = forms.ChoiceField(choices=LANGUAGE_CHOICES, required=False)
    network = forms.ChoiceField(
        choices=[("", "")] + [(key, rule.label) for key, rule in NETWORK_TEXT_RULES.items()],
        required=False,
    )
    pillar = forms.CharField(max_length=200, required=False)
    image_url = forms.URLField(required=False, max_length=2000, assume_scheme="https")
    image = forms.IntegerField(required=False, min_value=1)

    def request(self, default_language: str, image_url: str = "") -> prompts.Request:
        data: dict[str, Any] = self.cleaned_data
        return prompts.Request(
            kind=data["kind"],
            language=data.get("language") or default_language,
            text=data["text"],
            network=data.get("network") or "",
            pillar=data.get("pillar") or "",
            image_url=image_url or data.get("image_url") or "",
        )
