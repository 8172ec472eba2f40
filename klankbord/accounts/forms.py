from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from klankbord.accounts.models import User
from klankbord.accounts.services import api_tokens_revoke_all
from klankbord.accounts.throttle import login_failures_forget


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        # Addresses are stored in lower case. Lowering here also makes the lockout count
        # "Alice@…" and "alice@…" as the same account.
        return str(self.cleaned_data["username"]).lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput)

    def __init__(self, user: User, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Where you will use it, e.g. “Zapier”.")
    )


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def __init__(self, email: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.email = email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        password_validation.validate_password(password, User(email=self.email))
        return password


class PasswordChangeWithTokensForm(PasswordChangeForm):
    revoke_api_tokens = forms.BooleanField(
        label=_("Also revoke my API tokens"),
        required=False,
        initial=True,
        help_text=_("Programs that use them stop working until you give them a new token."),
    )

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit and self.cleaned_data["revoke_api_tokens"]:
            api_tokens_revoke_all(user=user)
        return user


class PasswordResetSetForm(SetPasswordForm):
    """A reset means the password may have leaked: the API tokens go with it."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            api_tokens_revoke_all(user=user)
            # Whoever reads the mailbox is the owner: lift the lockouts on their account.
            login_failures_forget(username=user.email)
        return user
