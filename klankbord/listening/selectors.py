from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr, TruncHour
from django.utils import timezone

from klankbord.listening.models import Drop, Mention, Monitor, Source
from klankbord.listening.query import MentionText, Query
from klankbord.listening.search import search_mentions
from klankbord.orgs.models import Organisation

PREVIEW_LIMIT = 2000  # recent mentions a query preview looks through
TREND_DAYS = 30


def monitors_of(organisation: Organisation) -> QuerySet[Monitor]:
    since = timezone.now() - timedelta(days=7)
    return Monitor.objects.filter(organisation=organisation).annotate(
        week=Count("mentions", filter=Q(mentions__published_at__gte=since)),
        week_negative=Count(
            "mentions",
            filter=Q(mentions__published_at__gte=since, mentions__sentiment="negative"),
        ),
    )


def sources_of(organisation: Organisation) -> QuerySet[Source]:
    return Source.objects.filter(organisation=organisation).select_related("channel")


def drops_of(organisation: Organisation, days: int = 7) -> dict[int, dict[str, int]]:
    since = timezone.localdate() - timedelta(days=days)
    counts: dict[int, dict[str, int]] = {}
    rows = Drop.objects.filter(source__organisation=organisation, day__gte=since)
    for row in rows.values("source_id", "reason", "count"):
        per_source = counts.setdefault(row["source_id"], {})
        per_source[row["reason"]] = per_source.get(row["reason"], 0) + row["count"]
    return counts


@dataclass(frozen=True)
class MentionFilters:
    monitor: Monitor | None = None
    sentiment: str = ""
    intent: str = ""
    source_id: int | None = None
    language: str = ""
    since: date | None = None
    until: date | None = None
    place: str = ""
    search: str = ""


def has_intent(intent: str, via: str = "") -> Q:
    """Intents are a JSON list; its quoted text works on SQLite and PostgreSQL alike.

    `via` reaches the mention through a relation, e.g. "mention__" from an inbox item.
    """
    return Q(**{f"{via}intents__icontains": f'"{intent}"'})


def mentions_of(
    organisation: Organisation, filters: MentionFilters, *, to_count: bool = False
) -> QuerySet[Mention]:
    """The filtered mentions, newest first; `to_count` gives the same rows, quicker to count."""
    found = Mention.objects.filter(organisation=organisation).select_related("source")
    if filters.monitor and to_count:
        # From the monitor's links: a few of them are enough to reach the count's cap.
        found = found.filter(monitors=filters.monitor)
    elif filters.monitor:
        # EXISTS rather than a join: newest first along the date index, stopping at a page,
        # instead of sorting every mention the monitor ever matched.
        linked = Mention.monitors.through.objects.filter(
            mention_id=OuterRef("pk"), monitor_id=filters.monitor.pk
        )
        found = found.filter(Exists(linked))
    if filters.sentiment:
        found = found.filter(sentiment=filters.sentiment)
    if filters.intent:
        found = found.filter(has_intent(filters.intent))
    if filters.source_id:
        found = found.filter(source_id=filters.source_id)
    if filters.language:
        found = found.filter(language=filters.language)
    if filters.since:
        found = found.filter(published_at__date__gte=filters.since)
    if filters.until:
        found = found.filter(published_at__date__lte=filters.until)
    if filters.place:
        found = found.filter(places__icontains=filters.place)
    if filters.search:
        found = search_mentions(found, filters.search)
    return found.order_by("-published_at", "-pk")


def monitor_mentions(monitor: Monitor) -> QuerySet[Mention]:
    """All of a monitor's mentions through its links: the way to read a month of them."""
    return Mention.objects.filter(organisation_id=monitor.organisation_id, monitors=monitor)


def trend(mentions: QuerySet[Mention], days: int = TREND_DAYS) -> list[dict[str, Any]]:
    """Per day of the last `days`: how many mentions, and how many of each sentiment."""
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    # A datetime bound uses the index; a __date filter computes a date for every row.
    since = timezone.make_aware(datetime.combine(start, time.min))
    rows = (
        mentions.filter(published_at__gte=since)
        .order_by()  # without it the list's ordering would split the groups per mention
        .annotate(hour=_utc_hour(mentions.db))
        .values("hour", "sentiment")
        .annotate(total=Count("id"))
    )
    per_day = {
        start + timedelta(days=i): {"positive": 0, "neutral": 0, "negative": 0} for i in range(days)
    }
    zone = timezone.get_current_timezone()
    for row in rows:
        day = _hour_start(row["hour"]).astimezone(zone).date()
        if day in per_day and row["sentiment"] in per_day[day]:
            per_day[day][row["sentiment"]] += row["total"]
    return [
        {"day": day, **counts, "total": sum(counts.values())} for day, counts in per_day.items()
    ]


def _utc_hour(alias: str) -> Any:
    """Mentions grouped per UTC hour in the database, then per local day in Python.

    Django's TruncDate runs a Python function for every row on SQLite (150 ms for a monitor's
    10,000 mentions of a month); the first 13 characters of the stored UTC text are the hour.
    Time zones with half-hour offsets would put a few mentions on the neighbouring day.
    """
    if connections[alias].vendor == "sqlite":
        return Substr("published_at", 1, 13)
    return TruncHour("published_at", tzinfo=UTC)


def _hour_start(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)


def preview(organisation: Organisation, query: Query, limit: int = 20) -> tuple[list[Mention], int]:
    """Stored mentions the query would have matched: the first `limit`, and how many in all."""
    recent = Mention.objects.filter(organisation=organisation).order_by("-published_at")[
        :PREVIEW_LIMIT
    ]
    matched = [
        mention
        for mention in recent
        if query.matches(
            MentionText.of(
                f"{mention.title}\n{mention.text}",
                language=mention.language,
                places=[(p["lat"], p["lon"]) for p in mention.places],
            )
        )
    ]
    return matched[:limit], len(matched)
