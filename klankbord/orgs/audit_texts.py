"""The audit log in sentences: what each recorded action means, in the reader's language."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from klankbord.orgs.models import AuditEvent, Organisation, Role

ACTIONS: dict[str, Promise] = {
    "organisation.create": gettext_lazy("Created the organisation"),
    "organisation.update": gettext_lazy("Changed the organisation's settings"),
    "member.invite": gettext_lazy("Invited a member"),
    "member.invite_revoke": gettext_lazy("Withdrew an invitation"),
    "member.join": gettext_lazy("Joined the team"),
    "member.role_change": gettext_lazy("Changed a member's role"),
    "member.remove": gettext_lazy("Removed a member"),
    "channel.connect": gettext_lazy("Connected a channel"),
    "channel.reconnect": gettext_lazy("Reconnected a channel"),
    "channel.disconnect": gettext_lazy("Disconnected a channel"),
    "post.schedule": gettext_lazy("Scheduled a post"),
    "post.approve": gettext_lazy("Approved a post"),
    "post.reject": gettext_lazy("Sent a post back to its author"),
    "post.delete": gettext_lazy("Deleted a post"),
    "listening.source_added": gettext_lazy("Added a source"),
    "listening.monitor_created": gettext_lazy("Created a monitor"),
    "listening.monitor_changed": gettext_lazy("Changed a monitor"),
    "listening.monitor_paused": gettext_lazy("Paused a monitor"),
    "listening.monitor_resumed": gettext_lazy("Resumed a monitor"),
    "listening.feed_created": gettext_lazy("Made a feed address"),
    "listening.feed_revoked": gettext_lazy("Revoked a feed address"),
    "listening.privacy_changed": gettext_lazy("Changed how long mentions are kept"),
    "listening.author_exported": gettext_lazy("Exported an author's mentions"),
    "listening.author_erased": gettext_lazy("Erased an author's mentions"),
    "inbox.assigned": gettext_lazy("Assigned an inbox item"),
    "inbox.status": gettext_lazy("Changed the status of an inbox item"),
    "inbox.lead": gettext_lazy("Marked an inbox item as a lead"),
    "inbox.not_lead": gettext_lazy("Marked an inbox item as no lead"),
    "inbox.replied": gettext_lazy("Answered an inbox item"),
    "inbox.read": gettext_lazy("Read a private conversation"),
    "inbox.settings_changed": gettext_lazy("Changed the inbox settings"),
    "assistant.connection": gettext_lazy("Changed the writing help's connection"),
    "assistant.facts": gettext_lazy("Changed the facts sheet of the writing help"),
    "assistant.text_used": gettext_lazy("Used text from the writing help"),
    "language.correction": gettext_lazy("Corrected a reading of a message"),
    "language.correction_deleted": gettext_lazy("Removed a correction"),
    "language.retrain": gettext_lazy("Retrained the language models"),
    "report.client_created": gettext_lazy("Made a client report"),
    "report.client_changed": gettext_lazy("Changed a client report"),
    "report.client_deleted": gettext_lazy("Deleted a client report"),
    "report.client_sent": gettext_lazy("Sent a client report"),
    "report.link_created": gettext_lazy("Made a read-only report address"),
    "report.link_revoked": gettext_lazy("Stopped a read-only report address"),
    "report.link_viewed": gettext_lazy("A read-only report address was opened"),
    "plan.step_saved": gettext_lazy("Saved a step of the plan"),
    "plan.version_saved": gettext_lazy("Saved a version of the plan"),
    "plan.review_scheduled": gettext_lazy("Planned the plan's evaluation"),
    "plan.reviewed": gettext_lazy("Evaluated the plan"),
    "plan.share_created": gettext_lazy("Shared the plan with a read-only address"),
    "plan.share_revoked": gettext_lazy("Stopped sharing the plan"),
    "plan.staff_policy_generated": gettext_lazy("Drafted the staff social media policy"),
    "plan.staff_policy_edited": gettext_lazy("Edited the staff social media policy"),
    "time.ad_spend_added": gettext_lazy("Recorded ad spend"),
    "time.ad_spend_removed": gettext_lazy("Removed ad spend"),
    "time.values_changed": gettext_lazy("Changed what a lead and a click are worth"),
}


def what(event: AuditEvent) -> str:
    """The action as a sentence; an action without one (newer code, older log) shows its code."""
    found = ACTIONS.get(event.action)
    return str(found) if found is not None else event.action


def details(event: AuditEvent, zone: str) -> str:
    """The event's data in words, only what a reader needs."""
    describe = DETAILS.get(event.action)
    try:
        return describe(event.data or {}, zone) if describe else ""
    except (KeyError, TypeError, ValueError):
        return ""  # an older entry with other data: the sentence above says enough


def _role(value: Any) -> str:
    return str(Role(value).label) if value in Role.values else str(value)


def _moment(value: str, zone: str) -> str:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(ZoneInfo(zone))
        return date_format(moment, "DATETIME_FORMAT")
    return date_format(moment, "DATE_FORMAT")


def _as_role(data: dict[str, Any], zone: str) -> str:
    return _("as %(role)s") % {"role": _role(data["role"])}


def _role_change(data: dict[str, Any], zone: str) -> str:
    return _("from %(old)s to %(new)s") % {"old": _role(data["from"]), "new": _role(data["to"])}


def _schedule(data: dict[str, Any], zone: str) -> str:
    return _("for %(moment)s") % {"moment": _moment(data["at"], zone)}


def _assigned(data: dict[str, Any], zone: str) -> str:
    who = data.get("assignee")
    return _("to %(who)s") % {"who": who} if who else _("to nobody")


def _status(data: dict[str, Any], zone: str) -> str:
    from klankbord.inbox.models import Item  # the inbox builds on orgs, not the other way round

    status = data["status"]
    label = Item.Status(status).label if status in Item.Status.values else status
    return _("now: %(status)s") % {"status": label}


def _replied(data: dict[str, Any], zone: str) -> str:
    return _("as a private message") if data.get("private") else _("in public")


def _network(data: dict[str, Any], zone: str) -> str:
    from klankbord.channels.networks import connector_class

    return str(connector_class(data["network"]).label)


def _target(data: dict[str, Any], zone: str) -> str:
    minutes = int(data["target_minutes"])
    return ngettext(
        "answer within %(minutes)s working minute",
        "answer within %(minutes)s working minutes",
        minutes,
    ) % {"minutes": minutes}


def _mentions(data: dict[str, Any], zone: str) -> str:
    count = int(data["mentions"])
    return ngettext("%(count)s mention", "%(count)s mentions", count) % {"count": count}


def _retention(data: dict[str, Any], zone: str) -> str:
    days = int(data["retention_days"])
    return ngettext("kept %(days)s day", "kept %(days)s days", days) % {"days": days}


def _query(data: dict[str, Any], zone: str) -> str:
    return str(data["query"])


def _next_on(data: dict[str, Any], zone: str) -> str:
    return _("next evaluation on %(day)s") % {"day": _moment(data["next_on"], zone)}


def _report_sent(data: dict[str, Any], zone: str) -> str:
    count = int(data["recipients"])
    text = ngettext(
        "the period from %(day)s, to %(count)s address",
        "the period from %(day)s, to %(count)s addresses",
        count,
    )
    return text % {"day": _moment(data["start"], zone), "count": count}


def _changed_fields(data: dict[str, Any], zone: str) -> str:
    fields = {field.name: str(field.verbose_name) for field in Organisation._meta.fields}
    return ", ".join(sorted(fields.get(key, key) for key in data))


DETAILS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "organisation.update": _changed_fields,
    "member.invite": _as_role,
    "member.join": _as_role,
    "member.role_change": _role_change,
    "post.schedule": _schedule,
    "listening.monitor_created": _query,
    "listening.monitor_changed": _query,
    "listening.privacy_changed": _retention,
    "listening.author_exported": _mentions,
    "listening.author_erased": _mentions,
    "inbox.assigned": _assigned,
    "inbox.status": _status,
    "inbox.replied": _replied,
    "inbox.read": _network,
    "inbox.settings_changed": _target,
    "report.client_sent": _report_sent,
    "plan.review_scheduled": _next_on,
    "plan.reviewed": _next_on,
}
