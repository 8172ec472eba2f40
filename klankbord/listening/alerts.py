"""Instant alerts for urgent mentions, and the daily digest.

Urgent means what a member chose among negative, complaint, lead and question. A storm sends one
summary, not a hundred mails: after an alert, nothing more goes to the same member or webhook
for ALERT_PAUSE; what arrives meanwhile is gathered into the next alert. Every send is claimed
with a conditional UPDATE first, so two beats running at once never send the same alert twice.
"""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from klankbord.channels.services import allow_loopback
from klankbord.lib.http import HttpError, request
from klankbord.listening.models import AlertRule, Mention, Monitor, Urgency, Webhook
from klankbord.listening.selectors import has_intent
from klankbord.orgs.models import Membership, Organisation

ALERT_PAUSE = timedelta(minutes=15)
DIGEST_HOUR = 7  # local time of the organisation
DIGEST_TOP = 5
SHOWN_IN_ALERT = 10


def urgent(mentions: QuerySet[Mention], urgencies: list[str]) -> QuerySet[Mention]:
    wanted = Q(pk__in=[])
    if Urgency.NEGATIVE in urgencies:
        wanted |= Q(sentiment="negative")
    for intent in (Urgency.COMPLAINT, Urgency.LEAD, Urgency.QUESTION):
        if intent in urgencies:
            wanted |= has_intent(intent)
    return mentions.filter(wanted)


def rule_mentions(rule: AlertRule, since: datetime, until: datetime) -> QuerySet[Mention]:
    found = Mention.objects.filter(
        organisation_id=rule.membership.organisation_id, fetched_at__gt=since, fetched_at__lte=until
    )
    chosen = list(rule.monitors.values_list("pk", flat=True))
    if chosen:
        found = found.filter(monitors__in=chosen).distinct()
    return found


def rule_for(membership: Membership) -> AlertRule:
    rule, _created = AlertRule.objects.get_or_create(membership=membership)
    return rule


def send_alerts(now: datetime | None = None) -> int:
    """One pass over every member's rule and every webhook; returns how many alerts went out."""
    now = now or timezone.now()
    sent = 0
    rules = AlertRule.objects.filter(instant_email=True).select_related(
        "membership__user", "membership__organisation"
    )
    for rule in rules:
        sent += _alert_member(rule, now)
    for webhook in Webhook.objects.filter(active=True).select_related("organisation"):
        sent += _alert_webhook(webhook, now)
    return sent


def _paused(last_sent_at: datetime | None, now: datetime) -> bool:
    return last_sent_at is not None and now - last_sent_at < ALERT_PAUSE


def _to_send(
    receiver: AlertRule | Webhook, found: QuerySet[Mention], now: datetime
) -> list[Mention]:
    """The urgent mentions this receiver gets now; empty when paused or another process won.

    The conditional UPDATE moves the receiver's window to `now` before anything is sent, so two
    beats running at once never send the same alert twice.
    """
    if _paused(receiver.last_sent_at, now):
        return []
    mentions = list(urgent(found, receiver.urgencies).order_by("-priority", "-fetched_at"))
    claimed = (
        type(receiver)
        .objects.filter(pk=receiver.pk, checked_until=receiver.checked_until)
        .update(checked_until=now, last_sent_at=now if mentions else receiver.last_sent_at)
    )
    return mentions if claimed else []


def _alert_member(rule: AlertRule, now: datetime) -> int:
    mentions = _to_send(rule, rule_mentions(rule, rule.checked_until, now), now)
    if not mentions:
        return 0
    user = rule.membership.user
    organisation = rule.membership.organisation
    with override(user.language or settings.LANGUAGE_CODE):
        subject = _alert_subject(organisation, mentions)
        body = render_to_string(
            "listening/email/alert.txt",
            {"organisation": organisation, "mentions": mentions[:SHOWN_IN_ALERT],
             "more": max(0, len(mentions) - SHOWN_IN_ALERT), "url": _listen_url(organisation)},
        )  # fmt: skip
    message = EmailMultiAlternatives(subject, body, None, [user.email])
    transaction.on_commit(lambda: message.send(fail_silently=True))
    return 1


def _alert_subject(organisation: Organisation, mentions: list[Mention]) -> str:
    if len(mentions) == 1:
        return _("%(org)s: urgent mention by %(author)s") % {
            "org": organisation.name,
            "author": mentions[0].author_name or mentions[0].author_handle or "?",
        }
    return ngettext(
        "%(org)s: %(count)d urgent mention", "%(org)s: %(count)d urgent mentions", len(mentions)
    ) % {"org": organisation.name, "count": len(mentions)}


def _listen_url(organisation: Organisation) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("listen", args=[organisation.slug])


def _alert_webhook(webhook: Webhook, now: datetime) -> int:
    found = Mention.objects.filter(
        organisation=webhook.organisation,
        fetched_at__gt=webhook.checked_until,
        fetched_at__lte=now,
    )
    mentions = _to_send(webhook, found, now)
    if not mentions:
        return 0
    transaction.on_commit(lambda: post_webhook(webhook, mentions))
    return 1


def webhook_payload(organisation: Organisation, mentions: list[Mention]) -> dict[str, Any]:
    """JSON with a Slack-compatible `text`, plus the mentions for other receivers."""
    with override(settings.LANGUAGE_CODE):
        text = _alert_subject(organisation, mentions)
    lines = [
        f"• {m.author_name or m.author_handle}: {m.text[:200]} {m.url}".strip()
        for m in mentions[:SHOWN_IN_ALERT]
    ]
    return {
        "text": "\n".join([text, *lines]),
        "organisation": organisation.slug,
        "mentions": [
            {
                "url": m.url,
                "network": m.network,
                "author": m.author_handle,
                "text": m.text,
                "sentiment": m.sentiment,
                "intents": m.intents,
                "published_at": m.published_at.isoformat() if m.published_at else None,
            }
            for m in mentions
        ],
    }


def post_webhook(webhook: Webhook, mentions: list[Mention]) -> None:
    payload = webhook_payload(webhook.organisation, mentions)
    try:
        response = request(
            "POST", webhook.url, json=payload, user_url=True, allow_loopback=allow_loopback()
        )
        status = f"HTTP {response.status_code}"
    except HttpError as error:
        status = error.message[:200]
    Webhook.objects.filter(pk=webhook.pk).update(last_status=status)


def send_digests(now: datetime | None = None) -> int:
    """The daily digest, after DIGEST_HOUR in the organisation's time zone, once per day."""
    now = now or timezone.now()
    sent = 0
    rules = AlertRule.objects.filter(daily_digest=True).select_related(
        "membership__user", "membership__organisation"
    )
    for rule in rules:
        local = timezone.localtime(now, ZoneInfo(rule.membership.organisation.timezone))
        if local.hour < DIGEST_HOUR or rule.last_digest_on == local.date():
            continue
        claimed = AlertRule.objects.filter(pk=rule.pk, last_digest_on=rule.last_digest_on).update(
            last_digest_on=local.date()
        )
        if claimed:
            send_digest(rule, now)
            sent += 1
    return sent


def digest_context(rule: AlertRule, now: datetime) -> dict[str, Any]:
    organisation = rule.membership.organisation
    day = rule_mentions(rule, now - timedelta(days=1), now)
    monitors = rule.monitors.all() or Monitor.objects.filter(organisation=organisation)
    return {
        "organisation": organisation,
        "total": day.count(),
        "negative": day.filter(sentiment="negative").count(),
        "positive": day.filter(sentiment="positive").count(),
        "per_monitor": [(m, day.filter(monitors=m).count()) for m in monitors],
        "top": list(day.order_by("-priority", "-fetched_at")[:DIGEST_TOP]),
        "to_answer": list(
            urgent(day, [Urgency.QUESTION, Urgency.COMPLAINT, Urgency.LEAD]).order_by("-priority")[
                :10
            ]
        ),
        "url": _listen_url(organisation),
    }


def send_digest(rule: AlertRule, now: datetime) -> None:
    user = rule.membership.user
    with override(user.language or settings.LANGUAGE_CODE):
        context = digest_context(rule, now)
        subject = _("%(org)s: your daily listening digest") % {"org": context["organisation"].name}
        text = render_to_string("listening/email/digest.txt", context)
        html = render_to_string("listening/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    transaction.on_commit(lambda: message.send(fail_silently=True))
