"""The one way to look up anything that belongs to an organisation.

Outsiders get 404 (they may not even learn that it exists); members whose role is too low get 403.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.orgs.models import Membership, Role

P = ParamSpec("P")
Request = TypeVar("Request", bound=HttpRequest)
R = TypeVar("R", bound=HttpResponse)


def get_membership(user: Any, org_slug: str, minimum: str = Role.CLIENT) -> Membership:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(user=user, organisation__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404
    require_role(membership, minimum)
    return membership


def require_role(membership: Membership, minimum: str) -> None:
    if not membership.has_role(minimum):
        raise PermissionDenied


def needs_2fa_setup(user: Any, membership: Membership) -> bool:
    """The organisation requires 2FA and this caller has not passed it.

    A browser session must be verified (django-otp marks it); an API token's owner must have
    2FA turned on, since a token carries no session.
    """
    if not membership.organisation.require_2fa:
        return False
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None:
        return not is_verified()
    from klankbord.accounts.two_factor import confirmed_device

    return confirmed_device(user) is None


def two_factor_required_message(membership: Membership) -> str:
    return _("%(org)s requires two-factor authentication. Set it up to continue.") % {
        "org": membership.organisation.name
    }


def org_view(
    minimum: str = Role.CLIENT,
) -> Callable[
    [Callable[Concatenate[Request, Membership, P], HttpResponse]],
    Callable[..., HttpResponse],
]:
    """Decorate a view that takes `org_slug`: it receives the caller's membership instead."""

    def decorator(
        view: Callable[Concatenate[Request, Membership, P], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(
            request: HttpRequest, org_slug: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
            membership = get_membership(request.user, org_slug)
            if needs_2fa_setup(request.user, membership):
                messages.warning(request, two_factor_required_message(membership))
                return redirect("two_factor_setup")
            require_role(membership, minimum)
            timezone.activate(membership.organisation.timezone)
            request.session["current_org"] = membership.organisation.slug
            # The middleware made it the view's own request type (e.g. with request.htmx).
            return view(cast(Request, request), membership, *args, **kwargs)

        return wrapped

    return decorator
