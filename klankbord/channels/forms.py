from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from klankbord.channels.networks import google
from klankbord.channels.networks.facebook import Page


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


class FacebookAppForm(forms.Form):
    app_id = forms.CharField(
        label=_("App ID of your Meta app"),
        max_length=30,
        validators=[RegexValidator(r"^\d{5,30}$", _("An app ID is a number, as Meta shows it."))],
        help_text=_("In the Meta developer dashboard under App settings → Basic."),
    )
    app_secret = forms.CharField(
        label=_("App secret"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; Klankbord never shows it again."),
    )

    def clean_app_id(self) -> str:
        return str(self.cleaned_data["app_id"]).strip()

    def clean_app_secret(self) -> str:
        return str(self.cleaned_data["app_secret"]).strip()


class FacebookPageForm(forms.Form):
    page_id = forms.ChoiceField(label=_("Which Page?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, pages: list[Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages = {page.page_id: page for page in pages}
        field = self.fields["page_id"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(page.page_id, page.name) for page in pages]

    def chosen(self) -> Page:
        return self.pages[self.cleaned_data["page_id"]]


class InstagramAccountForm(forms.Form):
    account = forms.ChoiceField(label=_("Which Instagram account?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, pages: list[Page], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a professional account linked to a Page can be reached through the Page.
        self.pages = {page.instagram_id: page for page in pages if page.instagram_id}
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            (page.instagram_id, _("@%(username)s (Page %(page)s)")
             % {"username": page.instagram_username or page.instagram_id, "page": page.name})
            for page in self.pages.values()
        ]  # fmt: skip

    def chosen(self) -> Page:
        return self.pages[self.cleaned_data["account"]]


class ThreadsAppForm(forms.Form):
    threads_app_id = forms.CharField(
        label=_("Threads app ID"),
        max_length=30,
        validators=[RegexValidator(r"^\d{5,30}$", _("An app ID is a number, as Meta shows it."))],
        help_text=_(
            "In the Meta developer dashboard under Use cases → Threads API → Settings; not the "
            "Facebook app ID."
        ),
    )
    threads_app_secret = forms.CharField(
        label=_("Threads app secret"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; Klankbord never shows it again."),
    )

    def clean_threads_app_id(self) -> str:
        return str(self.cleaned_data["threads_app_id"]).strip()

    def clean_threads_app_secret(self) -> str:
        return str(self.cleaned_data["threads_app_secret"]).strip()


class GoogleAppForm(forms.Form):
    google_client_id = forms.CharField(
        label=_("Google OAuth client ID"),
        max_length=200,
        validators=[
            RegexValidator(
                r"^[\w.-]+\.apps\.googleusercontent\.com$",
                _("A client ID ends in .apps.googleusercontent.com, as Google Cloud shows it."),
            )
        ],
        help_text=_("In Google Cloud under APIs & Services → Credentials, a Web application."),
    )
    google_client_secret = forms.CharField(
        label=_("Google OAuth client secret"),
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; Klankbord never shows it again."),
    )

    def clean_google_client_id(self) -> str:
        return str(self.cleaned_data["google_client_id"]).strip()

    def clean_google_client_secret(self) -> str:
        return str(self.cleaned_data["google_client_secret"]).strip()


class GoogleLocationsForm(forms.Form):
    locations = forms.MultipleChoiceField(
        label=_("Which locations?"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, locations: list[google.Location], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_name = {location.name: location for location in locations}
        field = self.fields["locations"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(location.name, location.handle) for location in locations]

    def chosen(self) -> list[google.Location]:
        return [self.by_name[name] for name in self.cleaned_data["locations"]]


class LinkedInAppForm(forms.Form):
    linkedin_client_id = forms.CharField(
        label=_("LinkedIn Client ID"),
        max_length=100,
        validators=[
            RegexValidator(r"^[A-Za-z0-9]{8,100}$", _("A Client ID is letters and digits."))
        ],
        help_text=_("In the LinkedIn Developer Portal, your app's Auth tab."),
    )
    linkedin_client_secret = forms.CharField(
        label=_("LinkedIn Client Secret"),
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted; Klankbord never shows it again."),
    )

    def clean_linkedin_client_id(self) -> str:
        return str(self.cleaned_data["linkedin_client_id"]).strip()

    def clean_linkedin_client_secret(self) -> str:
        return str(self.cleaned_data["linkedin_client_secret"]).strip()


class LinkedInPageForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Which LinkedIn page?"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, pages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = pages


# Meta's ids (accounts, phone numbers) are all digits.
META_ID = r"^\d{5,30}$"


class WhatsAppForm(forms.Form):
    whatsapp_business_account_id = forms.CharField(
        label=_("WhatsApp Business Account ID"),
        max_length=30,
        validators=[
            RegexValidator(
                META_ID, _("A WhatsApp Business Account ID is a number, as Meta shows it.")
            )
        ],
        help_text=_("In the Meta developer dashboard under WhatsApp → API Setup."),
    )
    whatsapp_phone_number_id = forms.CharField(
        label=_("Phone number ID"),
        max_length=30,
        validators=[
            RegexValidator(
                META_ID, _("A phone number ID is a number, as Meta shows it; not the phone number.")
            )
        ],
        help_text=_("Beside the business phone number under WhatsApp → API Setup."),
    )
    whatsapp_access_token = forms.CharField(
        label=_("System user access token"),
        max_length=1000,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Made in Meta Business Settings under Users → System users, with the permissions "
            "whatsapp_business_messaging and whatsapp_business_management. Stored encrypted."
        ),
    )
    whatsapp_app_secret = forms.CharField(
        label=_("App secret"),
        max_length=100,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Of the Meta app the webhook belongs to, under App settings → Basic; it proves that "
            "incoming messages come from Meta. Stored encrypted."
        ),
    )

    def clean_whatsapp_access_token(self) -> str:
        token = str(self.cleaned_data["whatsapp_access_token"]).strip()
        if any(ch.isspace() for ch in token):
            raise forms.ValidationError(_("An access token has no spaces; copy it again."))
        return token
