"""Writes to the inbox: items from new mentions, and what the team does with them."""

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klankbord.accounts.models import User
from klankbord.inbox import hours, selectors
from klankbord.inbox.handoff import mail_about_item
from klankbord.inbox.models import InboxSettings, Item, Note, SavedReply
from klankbord.lib.links import safe_url
from klankbord.listening.models import Mention, Source
from klankbord.listening.services import mention_relabel
from klankbord.orgs.models import Membership, Organisation
from klankbord.orgs.services import audit_record, audit_record_at_most_every

Status = Item.Status
# Sources whose every mention is addressed to us; others reach the inbox through a monitor.
ADDRESSED_TO_US = (Source.Kind.MENTIONS, Source.Kind.COMMENTS)
MENTION_OF_MEMBER = re.compile(r"(?<![\w@])@([\w.+-]+(?:@[\w.-]+)?)")
VARIABLE = re.compile(r"\{(\w+)\}")


def inbox_settings(organisation: Organisation) -> InboxSettings:
    found, _created = InboxSettings.objects.get_or_create(organisation=organisation)
    return found


def opening_hours(organisation: Organisation) -> hours.OpeningHours:
    chosen = inbox_settings(organisation)
    return hours.OpeningHours.from_settings(
        chosen.opening_hours, chosen.holiday_region, organisation.timezone
    )


def items_from_mentions(*, source: Source, mentions: Sequence[Mention]) -> list[Item]:
    """An inbox item for each new mention that may need a person; imports stay out."""
    if source.kind == Source.Kind.IMPORT or not mentions:
        return []
    ids = [mention.pk for mention in mentions]
    matched = set(
        Mention.monitors.through.objects.filter(mention_id__in=ids).values_list(
            "mention_id", flat=True
        )
    )
    wanted = [m for m in mentions if source.kind in ADDRESSED_TO_US or m.pk in matched]
    if not wanted:
        return []
    organisation = source.organisation
    target = inbox_settings(organisation).target_minutes
    week = opening_hours(organisation)
    now = timezone.now()
    items = []
    for mention in wanted:
        arrived = min(mention.published_at or now, now)
        items.append(
            Item(
                organisation_id=mention.organisation_id,
                mention=mention,
                priority=mention.priority,
                arrived_at=arrived,
                due_at=hours.deadline(arrived, target, week),
            )
        )
    return Item.objects.bulk_create(items, ignore_conflicts=True)


def item_responded(*, item: Item, at: datetime | None = None) -> None:
    """A reply went out: the first one sets the response time, and the item is answered."""
    at = at or timezone.now()
    if item.first_response_at is None:
        seconds = hours.working_seconds(item.arrived_at, at, opening_hours(item.organisation))
        Item.objects.filter(pk=item.pk, first_response_at__isnull=True).update(
            first_response_at=at, first_response_seconds=seconds
        )
    Item.objects.filter(pk=item.pk).update(status=Status.ANSWERED, draft="", updated_at=at)
    item.refresh_from_db()


def item_assign(*, item: Item, assignee: User | None, by: Membership) -> Item:
    if (
        assignee is not None
        and not Membership.objects.filter(
            organisation_id=item.organisation_id, user=assignee
        ).exists()
    ):
        raise ValueError("not a member of this organisation")
    item.assignee = assignee
    if assignee is not None and item.status == Status.NEW:
        item.status = Status.ASSIGNED
    elif assignee is None and item.status == Status.ASSIGNED:
        item.status = Status.NEW
    item.save(update_fields=["assignee", "status", "updated_at"])
    _audit(by, "inbox.assigned", item, {"assignee": assignee.email if assignee else ""})
    return item


def item_set_status(*, item: Item, status: str, by: Membership) -> Item:
    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    _audit(by, "inbox.status", item, {"status": status})
    return item


def item_set_lead(*, item: Item, is_lead: bool, by: Membership) -> Item:
    item.is_lead = is_lead
    item.save(update_fields=["is_lead", "updated_at"])
    _audit(by, "inbox.lead" if is_lead else "inbox.not_lead", item, {})
    return item


def item_set_labels(*, item: Item, labels: Sequence[str], by: Membership) -> Item:
    item.labels = sorted({label.strip()[:40] for label in labels if label.strip()})[:20]
    item.save(update_fields=["labels", "updated_at"])
    return item


def items_bulk(*, items: Sequence[Item], action: str, by: Membership, value: str = "") -> int:
    """One action on many items: assign (value: user id or ""), close, or add a label."""
    with transaction.atomic():
        for item in items:
            if action == "assign":
                assignee = User.objects.filter(pk=value).first() if value else None
                item_assign(item=item, assignee=assignee, by=by)
            elif action == "close":
                item_set_status(item=item, status=Status.CLOSED, by=by)
            elif action == "label":
                item_set_labels(item=item, labels=[*item.labels, value], by=by)
            else:
                raise ValueError(f"unknown action {action!r}")
    return len(items)


def note_add(*, item: Item, by: Membership, text: str) -> Note:
    """An internal note; colleagues named as @name or @e-mail get an e-mail with a link."""
    note = Note.objects.create(item=item, author=by.user, text=text.strip()[:5000])
    members = User.objects.filter(memberships__organisation_id=item.organisation_id)
    named = {name.lower() for name in MENTION_OF_MEMBER.findall(text)}
    mentioned = [user for user in members if _handles(user) & named and user.pk != by.user_id]
    note.mentioned.set(mentioned)
    for user in mentioned:
        _mail_note(note, user)
    return note


def _mail_note(note: Note, user: User) -> None:
    author = note.author.display_name if note.author else ""
    mail_about_item(
        item=note.item,
        user=user,
        template="inbox/email/note.txt",
        subject=lambda: _("%(author)s mentioned you in the inbox") % {"author": author},
        note=note,
    )


def _handles(user: User) -> set[str]:
    """How a colleague can be named in a note: @an, @an.peeters or @an@bakkerij.be."""
    email = user.email.lower()
    names = {email, email.split("@", 1)[0]}
    if user.name.strip():
        names.add(user.name.split()[0].lower())
    return names


def viewing(*, item: Item, by: User, seconds: int = 90) -> User | None:
    """Record that `by` has the item open; returns a colleague who has it open too, if any."""
    now = timezone.now()
    other = None
    if item.viewer_id and item.viewer_id != by.pk and item.viewed_until and item.viewed_until > now:
        other = item.viewer
    else:
        Item.objects.filter(pk=item.pk).update(
            viewer=by, viewed_until=now + timedelta(seconds=seconds)
        )
    return other


READ_AUDIT_EVERY = timedelta(hours=1)  # one entry per member and conversation, not per click


def item_read(*, item: Item, by: Membership) -> None:
    """Who opened a private conversation (a WhatsApp or other direct message) goes in the log."""
    if item.mention.kind != "message":
        return  # public: everyone could read it on the network anyway
    audit_record_at_most_every(
        READ_AUDIT_EVERY,
        organisation=by.organisation,
        actor=by.user,
        action="inbox.read",
        target=f"#{item.pk}",
        data={"network": item.mention.network},
    )


def item_save_draft(*, item: Item, text: str) -> None:
    Item.objects.filter(pk=item.pk).update(draft=text[:5000])


def item_relabel(*, item: Item, sentiment: str, intents: Sequence[str]) -> None:
    """Show a corrected reading at once; the correction itself teaches the organisation's model."""
    mention_relabel(mention=item.mention, sentiment=sentiment, intents=intents)


def inbox_settings_save(*, form: Any, by: Membership) -> InboxSettings:
    saved: InboxSettings = form.save()
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action="inbox.settings_changed",
        data={"target_minutes": saved.target_minutes, "region": saved.holiday_region},
    )
    return saved


def saved_replies_for(item: Item) -> list[tuple[SavedReply, str]]:
    """The organisation's saved replies in the item's language first, filled in for this item."""
    language = item.mention.language
    found = SavedReply.objects.filter(organisation_id=item.organisation_id)
    chosen = sorted(found, key=lambda saved: (saved.language not in ("", language), saved.title))
    return [(saved, fill_in(saved.text, item)) for saved in chosen]


PLACEHOLDERS = ("naam", "name", "nom", "handle", "bedrijf", "business", "entreprise")


def unknown_placeholders(text: str) -> list[str]:
    """The {words} of a saved reply that fill_in would leave as they are."""
    return [word for word in VARIABLE.findall(text) if word.lower() not in PLACEHOLDERS]


def fill_in(text: str, item: Item) -> str:
    """{naam}/{name}, {handle} and {bedrijf}/{business} in a saved reply."""
    mention = item.mention
    first_name = (mention.author_name or mention.author_handle.lstrip("@")).split(" ")[0]
    values = {
        "naam": first_name,
        "name": first_name,
        "nom": first_name,
        "handle": mention.author_handle,
        "bedrijf": item.organisation.name,
        "business": item.organisation.name,
        "entreprise": item.organisation.name,
    }
    return VARIABLE.sub(lambda match: values.get(match.group(1).lower(), match.group(0)), text)


LEAD_COLUMNS = ["arrived_at", "network", "channel", "author_handle", "author_name", "text", "url",
                "status", "assignee", "places"]  # fmt: skip


def lead_rows(organisation: Organisation) -> Iterator[list[str]]:
    leads = (
        Item.objects.filter(organisation=organisation, is_lead=True)
        .select_related("mention__source__channel", "assignee")
        .order_by("arrived_at")
    )
    for item in leads.iterator():
        yield lead_row(item)


def lead_row(item: Item) -> list[str]:
    mention = item.mention
    channel = selectors.channel_of(item)
    return [
        item.arrived_at.isoformat(),
        mention.network,
        channel.handle if channel else "",  # which number, page or account it came in on
        mention.author_handle,
        mention.author_name,
        mention.text,
        safe_url(mention.url),
        item.status,
        item.assignee.email if item.assignee else "",
        ", ".join(place.get("name", "") for place in mention.places),
    ]


def _audit(by: Membership, action: str, item: Item, data: dict[str, str]) -> None:
    audit_record(
        organisation=by.organisation,
        actor=by.user,
        action=action,
        target=f"#{item.pk}",
        data=data,
    )
