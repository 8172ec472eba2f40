from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from klankbord.accounts import two_factor
from klankbord.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    LanguageForm,
    LoginForm,
    PasswordConfirmForm,
    ProfileForm,
)
from klankbord.accounts.models import User
from klankbord.accounts.services import api_token_create, api_token_revoke
from klankbord.accounts.throttle import login_blocked
from klankbord.accounts.types import AuthenticatedHttpRequest

PENDING_USER = "2fa_pending_user"
PENDING_BACKEND = "2fa_pending_backend"
PENDING_NEXT = "2fa_pending_next"
PENDING_FAILURES = "2fa_pending_failures"
MAX_CODE_FAILURES = 5


def safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else fallback


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(safe_next(request))
    if request.method == "POST":
        username = str(request.POST.get("username", "")).strip().lower()
        blocked = login_blocked(username=username, ip_address=get_client_ip_address(request))
        if blocked is not None:
            return render(request, "accounts/locked_out.html", {"blocked": blocked}, status=429)
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if two_factor.confirmed_device(user):
            # The password was right; the session is only created after the second factor.
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend
            request.session[PENDING_NEXT] = safe_next(request)
            request.session[PENDING_FAILURES] = 0
            return redirect("login_2fa")
        login(request, user)
        return redirect(safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(request, "")})


def login_2fa_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    device = two_factor.confirmed_device(user) if user else None
    if user is None or device is None:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.device_verify(device, form.cleaned_data["code"]):
            target = request.session.get(PENDING_NEXT) or "/"
            login(request, user, backend=request.session[PENDING_BACKEND])
            otp_login(request, device)
            return redirect(target)
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        if failures >= MAX_CODE_FAILURES:
            request.session.flush()
            messages.error(request, _("Too many wrong codes. Log in again."))
            return redirect("login")
        form.add_error("code", _("That code is not correct. Try the newest code in your app."))
    return render(request, "accounts/login_2fa.html", {"form": form})


@login_required
def profile_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile was saved."))
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    response = redirect(safe_next(request))
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            request.user.language = language
            request.user.save(update_fields=["language"])
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        )
    return response


@login_required
def two_factor_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    device = two_factor.confirmed_device(user)
    if device is not None:
        return two_factor_enabled(request, device)
    pending = two_factor.pending_device(user)
    code_form = CodeForm(request.POST or None)
    if request.method == "POST" and code_form.is_valid():
        code = code_form.cleaned_data["code"]
        if two_factor.two_factor_confirm(user=user, device=pending, code=code):
            otp_login(request, pending)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect("two_factor_setup")
        code_form.add_error("code", _("That code is not correct. Try the newest code in your app."))
    context = {
        "form": code_form,
        "qr_code": two_factor.qr_code_svg(pending),
        "secret": two_factor.secret_base32(pending),
    }
    return render(request, "accounts/two_factor_setup.html", context)


def two_factor_enabled(request: AuthenticatedHttpRequest, device: Any) -> HttpResponse:
    """Turn it off (with the password), or verify a session that began before it was on."""
    user = request.user
    verified = request.user.is_verified()  # type: ignore[attr-defined]
    posted = request.POST if request.method == "POST" else None
    verify_form = CodeForm(posted if posted and "code" in posted else None)
    off_form = PasswordConfirmForm(user, posted if posted and "password" in posted else None)
    if verify_form.is_bound and verify_form.is_valid():
        if two_factor.device_verify(device, verify_form.cleaned_data["code"]):
            otp_login(request, device)
            messages.success(request, _("This session is verified."))
            return redirect(safe_next(request, reverse("two_factor_setup")))
        verify_form.add_error(
            "code", _("That code is not correct. Try the newest code in your app.")
        )
    if off_form.is_bound and off_form.is_valid():
        two_factor.two_factor_disable(user=user)
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("two_factor_setup")
    context = {"form": off_form, "verify_form": verify_form, "verified": verified}
    return render(request, "accounts/two_factor_enabled.html", context)


@login_required
def api_tokens_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        _token, new_secret = api_token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    tokens = request.user.api_tokens.filter(revoked_at__isnull=True)
    context = {"form": form, "tokens": tokens, "new_secret": new_secret}
    return render(request, "accounts/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke_view(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    if not api_token_revoke(user=request.user, token_id=token_id):
        raise Http404
    messages.success(request, _("The token was revoked."))
    return redirect(reverse("api_tokens"))
