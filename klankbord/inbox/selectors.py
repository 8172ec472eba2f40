"""Reads for the inbox: the filtered list, one conversation's context, counts."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.inbox.hours import OpeningHours, is_open
from klankbord.inbox.models import Item, Reply
from klankbord.lib.paging import shown_count
from klankbord.listening.fingerprint import exact_key
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


def open_count(organisation: Organisation) -> str:
    """How many items are open, for the tab title: "1000+" rather than counting them all."""
    return shown_count(Item.objects.filter(organisation=organisation, status__in=Item.OPEN))


def overdue_count(organisation: Organisation) -> str:
    return shown_count(
        Item.objects.filter(
            organisation=organisation, status__in=Item.OPEN, due_at__lt=timezone.now()
        )
    )


def channel_of(item: Item) -> Channel | None:
    """The connected account the item came in through (None for feeds without one, imports)."""
    source = item.mention.source
    return source.channel if source is not None else None


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


def answered_when_closed(item: Item, week: OpeningHours) -> bool:
    """A first answer in no working time at all, given while the business was closed."""
    return (
        item.first_response_at is not None
        and (item.first_response_seconds or 0) < 60
        and not is_open(item.first_response_at, week)
    )


THREAD_DEPTH = 10


@dataclass(frozen=True)
class ThreadPost:
    author: str
    text: str
    url: str = ""
    at: datetime | None = None
    ours: bool = False  # published or answered by the organisation
    item_id: int | None = field(default=None)


def thread_of(item: Item) -> list[ThreadPost]:
    """What this item answers, oldest first: stored mentions, our posts and our inbox replies."""
    above: list[ThreadPost] = []
    remote_id = item.mention.in_reply_to or ""
    seen: set[str] = set()
    while remote_id and remote_id not in seen and len(above) < THREAD_DEPTH:
        seen.add(remote_id)
        found, remote_id = _post_with_id(item, remote_id)
        if found is None:
            break
        above.append(found)
    return list(reversed(above))


def _post_with_id(item: Item, remote_id: str) -> tuple[ThreadPost | None, str]:
    """The post with this network id, and the id of the post it answers in turn ("" if none)."""
    from klankbord.publishing.models import PostTarget

    organisation_id = item.organisation_id
    key = exact_key(item.mention.network, remote_id)
    parent = Mention.objects.filter(organisation_id=organisation_id, key=key).first()
    if parent is not None:
        parent_item = Item.objects.filter(mention=parent).values_list("pk", flat=True).first()
        post = ThreadPost(
            author=parent.author_name or parent.author_handle, text=parent.text, url=parent.url,
            at=parent.published_at, item_id=parent_item,
        )  # fmt: skip
        return post, parent.in_reply_to or ""
    ours = (
        PostTarget.objects.filter(channel__organisation_id=organisation_id, remote_id=remote_id)
        .select_related("channel")
        .first()
    )
    if ours is not None:
        post = ThreadPost(author=ours.channel.handle, text=ours.text, url=ours.remote_url,
                          at=ours.published_at, ours=True)  # fmt: skip
        return post, ""
    reply = Reply.objects.filter(item__organisation_id=organisation_id, remote_id=remote_id).first()
    if reply is not None:
        post = ThreadPost(author=reply.channel.handle if reply.channel else "", text=reply.text,
                          url=reply.url, at=reply.sent_at, ours=True)  # fmt: skip
        return post, reply.item.mention.remote_id
    return None, ""
