from django import forms
from django.utils.translation import gettext_lazy as _


class SandboxForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the practice account"), max_length=60, initial="oefenaccount"
    )


class FeedForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the feed or website"),
        max_length=1000,
        assume_scheme="https",
        help_text=_(
            "A blog, news site, Google Alert, Reddit or YouTube feed, or a page linking to one."
        ),
    )


class MastodonForm(forms.Form):
    instance = forms.CharField(
        label=_("Your Mastodon server"),
        max_length=300,
        help_text=_("For example mastodon.social or @bakkerij@mastodon.social."),
    )


class BlueskyForm(forms.Form):
    handle = forms.CharField(
        label=_("Your Bluesky handle"),
        max_length=253,
        help_text=_("For example bakkerij.bsky.social."),
    )
    app_password = forms.CharField(
        label=_("App password"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Make one in Bluesky under Settings → Privacy and security → App passwords."),
    )
    pds = forms.URLField(
        label=_("Server (only if you host your own)"),
        required=False,
        assume_scheme="https",
        initial="https://bsky.social",
    )

    def clean_handle(self) -> str:
        return str(self.cleaned_data["handle"]).strip().lstrip("@").lower()
