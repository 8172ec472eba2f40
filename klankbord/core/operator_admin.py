"""The operators' admin: staff members who passed two-factor authentication read the state of
background work and publishing, release a stuck lease and retry a failed post.

Read-only everywhere; the two actions go through the publishing services. Secrets never show.
"""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.admin import OTPAdminSite

from klankbord.channels.models import Channel, RateBudgetState
from klankbord.core.models import Heartbeat
from klankbord.orgs.models import AuditEvent
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import target_lease_release, target_retry


class OperatorSite(OTPAdminSite):
    site_header = _("Klankbord operations")
    site_title = _("Klankbord operations")
    index_title = _("Background work and publishing")
    # Only staff members verified by their authenticator app (OTPAdminSite checks the device).
    enable_nav_sidebar = False


site = OperatorSite(name="operator")


class ReadOnly(admin.ModelAdmin):
    """Seen by every verified staff member; changed by nobody through this site."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Channel, site=site)
class ChannelAdmin(ReadOnly):
    # A list of what may show, not of what may not: a new secret field stays hidden.
    fields = (
        "organisation",
        "network",
        "handle",
        "display_name",
        "external_id",
        "base_url",
        "status",
        "status_reason",
        "token_expires_at",
        "last_synced_at",
        "connected_at",
        "disconnected_at",
    )
    list_display = ("handle", "network", "organisation", "status", "token_expires_at")
    list_filter = ("network", "status")
    search_fields = ("handle", "organisation__name")


@admin.register(Heartbeat, site=site)
class HeartbeatAdmin(ReadOnly):
    list_display = ("name", "kind", "seen_at")


@admin.register(RateBudgetState, site=site)
class RateBudgetAdmin(ReadOnly):
    list_display = ("key", "remaining", "reset_at")
    search_fields = ("key",)


@admin.register(AuditEvent, site=site)
class AuditEventAdmin(ReadOnly):
    fields = ("created_at", "organisation", "actor_email", "action", "target", "data")
    list_display = ("created_at", "organisation", "actor_email", "action", "target")
    list_filter = ("action",)
    search_fields = ("actor_email", "action", "target")


@admin.register(PostTarget, site=site)
class PostTargetAdmin(ReadOnly):
    fields = (
        "post",
        "channel",
        "status",
        "scheduled_at",
        "due_at",
        "lease_token",
        "lease_expires_at",
        "attempts",
        "error",
        "remote_id",
        "remote_url",
        "published_at",
    )
    list_display = (
        "id",
        "channel",
        "status",
        "due_at",
        "lease_expires_at",
        "attempts",
        "published_at",
    )
    list_filter = ("status", "channel__network")
    list_select_related = ("channel",)
    actions = ("release_lease", "retry")

    @admin.action(description=_("Release the lease (the next tick checks and sends it)"))
    def release_lease(
        self, request: HttpRequest, queryset: QuerySet[PostTarget]
    ) -> HttpResponse | None:
        if request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": _("Release these leases?"),
                "targets": list(queryset),
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "operator/confirm_release.html", context)
        released = sum(target_lease_release(target=target) for target in queryset)
        message = ngettext("%(n)s lease released.", "%(n)s leases released.", released) % {
            "n": released
        }
        self.message_user(request, message, messages.SUCCESS)
        return None

    @admin.action(description=_("Retry the failed or missed posts now"))
    def retry(self, request: HttpRequest, queryset: QuerySet[PostTarget]) -> None:
        retried = sum(target_retry(target=target) for target in queryset)
        message = ngettext(
            "%(n)s post put back in line.", "%(n)s posts put back in line.", retried
        ) % {"n": retried}
        self.message_user(request, message, messages.SUCCESS)
