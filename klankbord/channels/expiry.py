"""A warning by e-mail to the owners and managers a week before a channel's access expires.

Sent once per expiry: the channel row is locked and marked with the expiry it warned about before
the mail goes out, so two workers never both send it; a renewed or reconnected token (another
expiry) re-arms it.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.accounts.models import User
from klankbord.channels.models import EXPIRY_WARNING, Channel
from klankbord.channels.networks import connector_class
from klankbord.orgs.models import Membership, Role

WARNED_ROLES = (Role.OWNER, Role.MANAGER)


def send_expiry_warnings() -> int:
    """Warn about every connected channel whose access expires within a week; e-mails sent."""
    now = timezone.now()
    due = Channel.objects.filter(
        status=Channel.Status.CONNECTED,
        token_expires_at__gt=now,
        token_expires_at__lte=now + EXPIRY_WARNING,
    )
    sent = 0
    for channel_id in due.values_list("pk", flat=True):
        channel = _claim(channel_id)
        if channel is not None:
            sent += _warn(channel)
    return sent


def _claim(channel_id: int) -> Channel | None:
    """The channel, marked as warned for its current expiry; None when already warned."""
    with transaction.atomic():
        channel = (
            Channel.objects.select_for_update().select_related("organisation").get(pk=channel_id)
        )
        assert channel.token_expires_at is not None  # the query above
        expiry = channel.token_expires_at.isoformat()
        if channel.settings.get("expiry_warned_for") == expiry:
            return None  # another process got there first, or an earlier run
        channel.settings = {**channel.settings, "expiry_warned_for": expiry}
        channel.save(update_fields=["settings"])
    return channel


def _who_hears(channel: Channel) -> list[User]:
    members = Membership.objects.filter(
        organisation_id=channel.organisation_id, role__in=WARNED_ROLES, user__is_active=True
    ).select_related("user")
    return [membership.user for membership in members if membership.user.email]


def _warn(channel: Channel) -> int:
    link = settings.SITE_URL.rstrip("/") + reverse("channels", args=[channel.organisation.slug])
    users = _who_hears(channel)
    for user in users:
        _mail(channel, user, link)
    return len(users)


def _mail(channel: Channel, user: User, link: str) -> None:
    """The warning in the member's own language."""
    network = str(connector_class(channel.network).label)
    with override(user.language or settings.LANGUAGE_CODE):
        subject = _("%(account)s on %(network)s: reconnect within a week") % {
            "account": channel.display_name or channel.handle,
            "network": network,
        }
        body = render_to_string(
            "channels/email/token_expires.txt",
            {"channel": channel, "network": network, "url": link},
        )
    message = EmailMultiAlternatives(subject, body, None, [user.email])
    message.send(fail_silently=True)
