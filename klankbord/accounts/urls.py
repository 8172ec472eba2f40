from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from klankbord.accounts import views
from klankbord.accounts.forms import PasswordChangeWithTokensForm, PasswordResetSetForm

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_2fa_view, name="login_2fa"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("taal/", views.language_view, name="language"),
    path("account/", views.profile_view, name="profile"),
    path("account/tweestapsverificatie/", views.two_factor_view, name="two_factor_setup"),
    path("account/api-tokens/", views.api_tokens_view, name="api_tokens"),
    path(
        "account/api-tokens/<int:token_id>/intrekken/",
        views.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path(
        "account/wachtwoord/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html",
            form_class=PasswordChangeWithTokensForm,
            success_url=reverse_lazy("password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "account/wachtwoord/gewijzigd/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path(
        "wachtwoord-vergeten/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "wachtwoord-vergeten/verstuurd/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "wachtwoord-vergeten/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html", form_class=PasswordResetSetForm
        ),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord-vergeten/klaar/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
