from datetime import date, datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klankbord.accounts.forms import SignupForm
from klankbord.accounts.services import user_create
from klankbord.accounts.types import AuthenticatedHttpRequest
from klankbord.orgs import selectors, services
from klankbord.orgs.access import org_view, require_role
from klankbord.orgs.audit_texts import details, what
from klankbord.orgs.forms import (
    AuditFilterForm,
    InvitationForm,
    OrganisationCreateForm,
    OrganisationSettingsForm,
    RoleForm,
)
from klankbord.orgs.models import Membership, Role


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


@login_required
def organisation_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = services.organisation_create(
            name=form.cleaned_data["name"],
            owner=request.user,
            timezone_name=form.cleaned_data["timezone"],
            ip_address=client_ip(request),
        )
        messages.success(request, _("%(org)s was created.") % {"org": org.name})
        request.session["current_org"] = org.slug
        return redirect("dashboard", org_slug=org.slug)
    return render(request, "orgs/create.html", {"form": form})


@org_view(Role.OWNER)
def settings_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    form = OrganisationSettingsForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        # Re-read so the audit log can compare with what was stored.
        stored = type(org).objects.get(pk=org.pk)
        services.organisation_update(
            organisation=stored,
            by=membership.user,
            ip_address=client_ip(request),
            **form.cleaned_data,
        )
        messages.success(request, _("The settings were saved."))
        return redirect("org_settings", org_slug=org.slug)
    return render(request, "orgs/settings.html", {"membership": membership, "form": form})


@org_view(Role.MANAGER)
def members_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    org = membership.organisation
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(
                by=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                ip_address=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("members", org_slug=org.slug)
    context = {
        "membership": membership,
        "form": form,
        "members": selectors.members_of(org),
        "owner_count": org.memberships.filter(role=Role.OWNER).count(),
        "invitations": selectors.open_invitations(org),
        "role_choices": Role.choices,
        "now": timezone.now(),
    }
    return render(request, "orgs/members.html", context)


@org_view(Role.MANAGER)
@require_POST
def member_role_view(request: HttpRequest, membership: Membership, member_id: int) -> HttpResponse:
    target = get_object_or_404(Membership, pk=member_id, organisation=membership.organisation)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                by=membership,
                membership=target,
                role=form.cleaned_data["role"],
                ip_address=client_ip(request),
            )
            messages.success(request, _("The role was changed."))
        except ValidationError as error:
            messages.error(request, error.messages[0])
    return redirect("members", org_slug=membership.organisation.slug)


@org_view(Role.CLIENT)
@require_POST
def member_remove_view(
    request: HttpRequest, membership: Membership, member_id: int
) -> HttpResponse:
    target = get_object_or_404(Membership, pk=member_id, organisation=membership.organisation)
    # Decided before removing: deleting the row clears `target.pk`.
    leaving = target.pk == membership.pk
    if not leaving:
        # Anyone may leave; only managers and owners may remove someone else.
        require_role(membership, Role.MANAGER)
    try:
        services.membership_remove(by=membership, membership=target, ip_address=client_ip(request))
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("members", org_slug=membership.organisation.slug)
    if leaving:
        messages.success(request, _("You left %(org)s.") % {"org": membership.organisation.name})
        return redirect("home")
    messages.success(request, _("%(email)s was removed.") % {"email": target.user.email})
    return redirect("members", org_slug=membership.organisation.slug)


@org_view(Role.MANAGER)
@require_POST
def invitation_revoke_view(
    request: HttpRequest, membership: Membership, invitation_id: int
) -> HttpResponse:
    invitation = get_object_or_404(
        selectors.open_invitations(membership.organisation), pk=invitation_id
    )
    services.invitation_revoke(by=membership, invitation=invitation, ip_address=client_ip(request))
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("members", org_slug=membership.organisation.slug)


def _day_start(day: date | None) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


@org_view(Role.OWNER)
def audit_view(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    until = _day_start(filters.get("until"))
    events = selectors.audit_events(
        membership.organisation,
        action=filters.get("action", ""),
        actor_email=filters.get("actor", ""),
        since=_day_start(filters.get("since")),
        until=until + timedelta(days=1) if until else None,
    )
    page = Paginator(events.select_related("actor"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    zone = membership.organisation.timezone
    rows = [(event, what(event), details(event, zone)) for event in page]
    context = {
        "membership": membership,
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    }
    return render(request, "orgs/audit.html", context)


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_lookup(token)
    if invitation is None:
        return render(request, "orgs/invitation_invalid.html", status=404)
    existing = get_user_model().objects.filter(email__iexact=invitation.email).first()
    signup = None
    if not request.user.is_authenticated and existing is None:
        signup = SignupForm(invitation.email, request.POST or None)
    context = {"invitation": invitation, "signup": signup, "existing": existing}
    if request.user.is_authenticated and not services.invitation_is_for(invitation, request.user):
        # Someone else's link: say so, and offer to log out and come back to it.
        return render(request, "orgs/invitation_other_account.html", context, status=403)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        if user is None and signup is not None and signup.is_valid():
            user = user_create(
                email=invitation.email,
                password=signup.cleaned_data["password"],
                name=signup.cleaned_data["name"],
                language=request.LANGUAGE_CODE,
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if user is not None:
            try:
                membership = services.invitation_accept(
                    token=token, user=user, ip_address=client_ip(request)
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("home")
            messages.success(
                request, _("Welcome to %(org)s.") % {"org": membership.organisation.name}
            )
            return redirect("dashboard", org_slug=membership.organisation.slug)
    return render(request, "orgs/invitation_accept.html", context)
