"""Reads for the inbox: the filtered list, one conversation's context, counts."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from klankbord.inbox.models import Item
from klankbord.listening.models import Mention
from klankbord.listening.search import search_mentions
from klankbord.listening.selectors import has_intent
from klankbord.orgs.models import Organisation

OPEN = "open"
OVERDUE = "overdue"
EVERYTHING = "all"
MINE = "me"
NOBODY = "none"


@dataclass(frozen=True)
class ItemFilters:
    status: str = OPEN  # open, overdue, all, or one Item.Status
    assignee: str = ""  # "", me, none, or a user id
    channel_id: int | None = None
    monitor_id: int | None = None
    sentiment: str = ""
    intent: str = ""
    language: str = ""
    since: date | None = None
    until: date | None = None
    search: str = ""
    leads: bool = False


def items_of(organisation: Organisation, filters: ItemFilters, user_id: int) -> QuerySet[Item]:
    """The organisation's items, most urgent first: priority, then the longest waiting."""
    found = Item.objects.filter(organisation=organisation)
    found = _by_status(found, filters.status)
    found = _by_assignee(found, filters.assignee, user_id)
    found = found.filter(_mention_filters(filters))
    if filters.leads:
        found = found.filter(is_lead=True)
    if filters.since:
        found = found.filter(arrived_at__gte=_local_midnight(filters.since))
    if filters.until:
        found = found.filter(arrived_at__lt=_local_midnight(filters.until + timedelta(days=1)))
    if filters.search:
        matching = search_mentions(
            Mention.objects.filter(organisation=organisation), filters.search
        )
        found = found.filter(mention__in=matching.values("pk"))
    return found.select_related("mention", "mention__source", "assignee").order_by(
        "-priority", "arrived_at", "pk"
    )


def _by_status(found: QuerySet[Item], status: str) -> QuerySet[Item]:
    if status == OPEN:
        return found.filter(status__in=Item.OPEN)
    if status == OVERDUE:
        return found.filter(status__in=Item.OPEN, due_at__lt=timezone.now())
    if status in Item.Status.values:
        return found.filter(status=status)
    return found


def _by_assignee(found: QuerySet[Item], assignee: str, user_id: int) -> QuerySet[Item]:
    if assignee == MINE:
        return found.filter(assignee_id=user_id)
    if assignee == NOBODY:
        return found.filter(assignee__isnull=True)
    if assignee.isdigit():
        return found.filter(assignee_id=int(assignee))
    return found


def _mention_filters(filters: ItemFilters) -> Q:
    wanted = Q()
    if filters.channel_id:
        wanted &= Q(mention__source__channel_id=filters.channel_id)
    if filters.monitor_id:
        wanted &= Q(mention__monitors__id=filters.monitor_id)
    if filters.sentiment:
        wanted &= Q(mention__sentiment=filters.sentiment)
    if filters.intent:
        wanted &= has_intent(filters.intent, via="mention__")
    if filters.language:
        wanted &= Q(mention__language=filters.language)
    return wanted


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def open_count(organisation: Organisation) -> int:
    return Item.objects.filter(organisation=organisation, status__in=Item.OPEN).count()


def earlier_items(item: Item, limit: int = 10) -> QuerySet[Item]:
    """The same author's other items in this inbox, newest first."""
    handle = item.mention.author_handle
    if not handle:
        return Item.objects.none()
    return (
        Item.objects.filter(
            organisation_id=item.organisation_id,
            mention__author_handle=handle,
            mention__network=item.mention.network,
        )
        .exclude(pk=item.pk)
        .select_related("mention")
        .order_by("-arrived_at")[:limit]
    )


def is_overdue(item: Item, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return item.is_open and item.due_at is not None and item.due_at < now
