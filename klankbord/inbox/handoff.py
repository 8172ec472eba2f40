"""What leaves the inbox on its own: overdue alerts by e-mail, and leads to a CRM webhook.

Both claim their item with a conditional UPDATE first, so two workers never send twice.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from klankbord.accounts.models import User
from klankbord.channels.services import allow_loopback
from klankbord.inbox.models import InboxSettings, Item
from klankbord.inbox.selectors import channel_of
from klankbord.lib.http import HttpError, request
from klankbord.orgs.models import Membership, Role

ALERT_BATCH = 200


def send_overdue_alerts(now: datetime | None = None) -> int:
    """One e-mail per newly overdue item: to its assignee, or to the managers when nobody has it."""
    now = now or timezone.now()
    quiet = InboxSettings.objects.filter(alert_overdue=False).values("organisation_id")
    due = (
        Item.objects.filter(status__in=Item.OPEN, due_at__lt=now, overdue_alerted_at__isnull=True)
        .exclude(organisation_id__in=quiet)
        .values_list("pk", flat=True)[:ALERT_BATCH]
    )
    sent = 0
    for item_id in list(due):
        claimed = Item.objects.filter(pk=item_id, overdue_alerted_at__isnull=True).update(
            overdue_alerted_at=now
        )
        if claimed != 1:
            continue  # another worker has it
        item = Item.objects.select_related("organisation", "mention", "assignee").get(pk=item_id)
        for user in _who_hears(item):
            _mail_overdue(item, user)
            sent += 1
    return sent


def _who_hears(item: Item) -> list[User]:
    if item.assignee is not None:
        return [item.assignee]
    managers = Membership.objects.filter(
        organisation_id=item.organisation_id, role__in=[Role.OWNER, Role.MANAGER]
    ).select_related("user")
    return [membership.user for membership in managers]


def _mail_overdue(item: Item, user: User) -> None:
    mail_about_item(
        item=item,
        user=user,
        template="inbox/email/overdue.txt",
        subject=lambda: _("%(org)s: an answer is overdue") % {"org": item.organisation.name},
    )


def mail_about_item(
    *, item: Item, user: User, template: str, subject: Callable[[], str], **context: Any
) -> None:
    """An e-mail about an item, in the member's language, with a link to it; sent after commit."""
    link = settings.SITE_URL.rstrip("/") + reverse(
        "inbox_item", kwargs={"org_slug": item.organisation.slug, "item_id": item.pk}
    )
    with override(user.language or settings.LANGUAGE_CODE):
        title = subject()
        body = render_to_string(template, {"item": item, "url": link, **context})
    message = EmailMultiAlternatives(title, body, None, [user.email])
    transaction.on_commit(lambda: message.send(fail_silently=True))


def send_leads(now: datetime | None = None) -> int:
    """Leads not yet handed over, posted as JSON to the organisation's lead webhook."""
    now = now or timezone.now()
    hooks = dict(
        InboxSettings.objects.exclude(lead_webhook_url="").values_list(
            "organisation_id", "lead_webhook_url"
        )
    )
    waiting = Item.objects.filter(
        Q(organisation_id__in=list(hooks)), is_lead=True, lead_sent_at__isnull=True
    ).values_list("pk", "organisation_id")[:ALERT_BATCH]
    sent = 0
    for item_id, organisation_id in list(waiting):
        if Item.objects.filter(pk=item_id, lead_sent_at__isnull=True).update(lead_sent_at=now):
            item = Item.objects.select_related(
                "mention__source__channel", "assignee", "organisation"
            ).get(pk=item_id)
            sent += _post_lead(hooks[organisation_id], item)
    return sent


def lead_payload(item: Item) -> dict[str, object]:
    mention = item.mention
    channel = channel_of(item)
    return {
        "text": _lead_line(item),  # Slack-compatible
        "organisation": item.organisation.slug,
        "lead": {
            "id": item.pk,
            "arrived_at": item.arrived_at.isoformat(),
            "network": mention.network,
            # The number, page or account it came in on; None for a post found by listening.
            "channel": {"handle": channel.handle, "name": channel.display_name}
            if channel
            else None,
            "author_handle": mention.author_handle,
            "author_name": mention.author_name,
            "text": mention.text,
            "url": mention.url,
            "language": mention.language,
            "places": [place.get("name", "") for place in mention.places],
            "assignee": item.assignee.email if item.assignee else None,
        },
    }


def _lead_line(item: Item) -> str:
    with override(settings.LANGUAGE_CODE):
        author = item.mention.author_name or item.mention.author_handle or "?"
        return _("New lead from %(author)s: %(text)s") % {
            "author": author,
            "text": item.mention.text[:200],
        }


def _post_lead(url: str, item: Item) -> int:
    try:
        response = request(
            "POST", url, json=lead_payload(item), user_url=True, allow_loopback=allow_loopback()
        )
        accepted = response.status_code < 300
    except HttpError:
        accepted = False
    if not accepted:
        # Not handed over: free the claim so the next beat tries again.
        Item.objects.filter(pk=item.pk).update(lead_sent_at=None)
    return int(accepted)
