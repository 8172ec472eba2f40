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
