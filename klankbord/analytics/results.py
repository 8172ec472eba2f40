"""What works: the results of published posts over a period, per channel, pillar, format and time.

Reads `PostResult` rows (counts collected from the networks, see `collect.py`). Dates are the
organisation's local calendar dates, both ends included; every query is scoped to the
organisation and leaves out deleted posts.
"""

import heapq
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.text import Truncator

from klankbord.analytics import texts
from klankbord.analytics.models import PostResult
from klankbord.analytics.selectors import utc_range
from klankbord.channels.models import Channel
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.publishing.links import first_link
from klankbord.publishing.models import PostImage, PostTarget
from klankbord.publishing.tracking import click_annotations, clicks_of

# A group (a channel, a pillar, a format, a moment) needs this many posts before it is compared.
MIN_POSTS = 3
PERIOD_DAYS = (30, 90, 365)
DAYPARTS = ("morning", "afternoon", "evening", "night")  # 6-12, 12-17, 17-23, 23-6 local
TOP = 5
BEST_MOMENTS = 3  # highlighted as the ones to post in
# Long enough for a moment of the week to have a few posts, recent enough to still hold.
BEST_MOMENTS_DAYS = 90
TOP_TEXT_CHARS = 120


@dataclass(frozen=True)
class Group:
    key: str  # channel id, pillar name, format key or "weekday:daypart"
    label: str  # shown as is (already translated where it needs to be)
    posts: int
    engagement: int
    clicks: int = 0  # on the tracked links of its posts
    tracked: int = 0  # its posts with tracked links; 0: clicks were not counted
    views: int = 0  # of its posts whose network gave views (more than none)
    viewed_engagement: int = 0  # the reactions of those same posts
    network: str = ""  # a channel's network, to say which one gave no views

    @property
    def per_post(self) -> float:
        return self.engagement / self.posts if self.posts else 0.0

    @property
    def engagement_rate(self) -> float | None:
        """Reactions per 100 views, over the posts with views; None when none has any."""
        return engagement_rate(self.viewed_engagement, self.views)

    @property
    def comparable(self) -> bool:
        return self.posts >= MIN_POSTS


@dataclass(frozen=True)
class TopPost:
    post_id: int
    target_id: int
    channel_label: str
    text: str  # the channel's text, shortened for a list
    remote_url: str
    published_at_local: str  # formatted in the organisation's zone
    likes: int
    shares: int
    replies: int
    quotes: int
    engagement: int
    views: int | None  # None: the network did not give it, which is not zero
    saves: int | None
    clicks: int | None = None  # None: its links were not tracked
    published_at: datetime | None = None  # in the organisation's zone
    network: str = ""

    @property
    def engagement_rate(self) -> float | None:
        return engagement_rate(self.engagement, self.views)


@dataclass(frozen=True)
class Tally:
    """A count added up over posts of which only some have it: "views of 3 of 5 posts"."""

    total: int
    given: int  # the posts whose network gave this count
    posts: int

    @property
    def partial(self) -> bool:
        return 0 < self.given < self.posts


@dataclass(frozen=True)
class ResultsSummary:
    start: date
    end: date
    posts: int  # published targets in the period that have results
    engagement: int
    previous_posts: int  # the period of the same length just before
    previous_engagement: int
    channels: list[Group]
    pillars: list[Group]
    formats: list[Group]  # keys: "image", "link", "text"
    moments: list[Group]  # weekday x daypart, best first, only comparable ones
    top: list[TopPost]  # the five with the most engagement
    waiting: int  # published in the period, results not collected yet
    views: Tally
    saves: Tally
    clicks: Tally  # on tracked links: `given` is the posts whose links were tracked

    @property
    def per_post(self) -> float:
        return self.engagement / self.posts if self.posts else 0.0


def engagement_rate(engagement: int, views: int | None) -> float | None:
    """Reactions in percent of views; None when the network gave no views, or none at all
    (a rate over nothing seen is unknown, not 0 %)."""
    return 100 * engagement / views if views else None


def last_days(organisation: Organisation, days: int) -> tuple[date, date]:
    """The last `days` local days, today included."""
    today = local_today(organisation)
    return today - timedelta(days=days - 1), today


def best_moments(organisation: Organisation) -> list[Group]:
    """The moments of the week whose posts got the most reactions lately, best first.

    Only the moments: the composer and the plan ask for them on every visit.
    """
    start, end = last_days(organisation, BEST_MOMENTS_DAYS)
    rows = _counted(organisation, start, end).values_list("pk", "published_at", "engagement")
    counted = [_Row(pk, published_at, engagement) for pk, published_at, engagement in rows]
    return _moments(counted, ZoneInfo(organisation.timezone))[:BEST_MOMENTS]


@dataclass(frozen=True)
class _Row:
    """One counted post as the summary needs it: plain values, no model objects, so a year of
    a busy organisation's posts is added up quickly."""

    pk: int
    published_at: datetime
    engagement: int
    views: int | None = None
    saves: int | None = None
    channel_id: int = 0
    pillar: str = ""
    format: str = "text"
    clicks: int | None = None  # None: its links were not tracked


def results_summary(organisation: Organisation, start: date, end: date) -> ResultsSummary:
    zone = ZoneInfo(organisation.timezone)
    results = _rows(organisation, start, end)
    channels = Channel.objects.in_bulk({row.channel_id for row in results})
    length = end - start + timedelta(days=1)
    previous = _counted(organisation, start - length, start - timedelta(days=1)).aggregate(
        posts=Count("pk"), engagement=Sum("engagement")
    )
    return ResultsSummary(
        start=start,
        end=end,
        posts=len(results),
        engagement=sum(result.engagement for result in results),
        previous_posts=previous["posts"],
        previous_engagement=previous["engagement"] or 0,
        channels=_ranked(
            _groups(
                results,
                lambda row: str(row.channel_id),
                lambda key: texts.channel_label(channels[int(key)]),
                network_of=lambda key: texts.network_label(channels[int(key)]),
            )
        ),
        pillars=_ranked(_groups(results, lambda row: row.pillar, _pillar_label)),
        formats=_ranked(_groups(results, lambda row: row.format, _format_label)),
        moments=_moments(results, zone),
        top=_top_posts(results, channels, zone),
        waiting=_waiting(organisation, start, end),
        views=_tally(results, "views"),
        saves=_tally(results, "saves"),
        clicks=_tally(results, "clicks"),
    )


def _rows(organisation: Organisation, start: date, end: date) -> list[_Row]:
    found = (
        _counted(organisation, start, end)
        .annotate(**_click_counts())
        .annotate(
            has_images=Exists(PostImage.objects.filter(post=OuterRef("target__post"))),
            # Only the preview's address is needed: the whole preview is JSON to decode per post.
            preview_url=KeyTextTransform("url", "target__post__link_preview"),
        )
        .order_by("published_at", "pk")
        .values_list(
            "pk",
            "published_at",
            "engagement",
            "views",
            "saves",
            "target__channel_id",
            "target__post__pillar",
            "has_images",
            "preview_url",
            "target__text",
            "tracked_links",
            "link_clicks",
        )
    )
    return [
        _Row(
            pk,
            published_at,
            engagement,
            views,
            saves,
            channel_id,
            pillar,
            _format_key(has_images, preview, text),
            clicks if tracked else None,
        )
        for (
            pk,
            published_at,
            engagement,
            views,
            saves,
            channel_id,
            pillar,
            has_images,
            preview,
            text,
            tracked,
            clicks,
        ) in found
    ]


def _click_counts() -> dict[str, Exists | Coalesce]:
    return click_annotations("target")


def _clicks(result: PostResult) -> int | None:
    return clicks_of(result)


def _tally(results: Sequence[_Row], name: str) -> Tally:
    given = [value for result in results if (value := getattr(result, name)) is not None]
    return Tally(total=sum(given), given=len(given), posts=len(results))


def _published_in(organisation: Organisation, start: date, end: date) -> Q:
    since, until = utc_range(organisation, start, end)
    return Q(published_at__gte=since, published_at__lt=until)


def _counted(organisation: Organisation, start: date, end: date) -> QuerySet[PostResult]:
    """The period's results, without deleted posts and without posts the network lost before
    it counted anything."""
    return PostResult.objects.counted().filter(
        _published_in(organisation, start, end),
        organisation=organisation,
        target__post__organisation=organisation,
        target__post__deleted_at__isnull=True,
    )


def _waiting(organisation: Organisation, start: date, end: date) -> int:
    no_result = Q(result__isnull=True) | Q(
        result__checked_at__isnull=True, result__engagement=0, result__gone=False
    )
    return PostTarget.objects.filter(
        _published_in(organisation, start, end),
        no_result,
        post__organisation=organisation,
        post__deleted_at__isnull=True,
        status=PostTarget.Status.PUBLISHED,
    ).count()


def _groups(
    results: Iterable[_Row],
    key_of: Callable[[_Row], str],
    label_of: Callable[[str], str],
    *,
    network_of: Callable[[str], str] | None = None,
) -> list[Group]:
    posts: dict[str, int] = {}
    engagement: dict[str, int] = {}
    clicks: dict[str, int] = {}
    tracked: dict[str, int] = {}
    views: dict[str, int] = {}
    viewed: dict[str, int] = {}
    for result in results:
        key = key_of(result)
        posts[key] = posts.get(key, 0) + 1
        engagement[key] = engagement.get(key, 0) + result.engagement
        if result.clicks is not None:
            clicks[key] = clicks.get(key, 0) + result.clicks
            tracked[key] = tracked.get(key, 0) + 1
        if result.views:  # the rate leaves out posts without views, not only their views
            views[key] = views.get(key, 0) + result.views
            viewed[key] = viewed.get(key, 0) + result.engagement
    # Labels once per group, not once per post.
    return [
        Group(
            key,
            label_of(key),
            posts[key],
            engagement[key],
            clicks=clicks.get(key, 0),
            tracked=tracked.get(key, 0),
            views=views.get(key, 0),
            viewed_engagement=viewed.get(key, 0),
            network=network_of(key) if network_of is not None else "",
        )
        for key in posts
    ]


def _moments(results: Iterable[_Row], zone: ZoneInfo) -> list[Group]:
    """Weekday and part of the day, best first, only those with enough posts to compare."""
    groups = _ranked(_groups(results, lambda result: _moment_of(result, zone), _moment_label))
    return [group for group in groups if group.comparable]


def _ranked(groups: list[Group]) -> list[Group]:
    """Comparable groups first, best average first; ties by size, then by name."""
    return sorted(groups, key=lambda g: (not g.comparable, -g.per_post, -g.posts, g.label))


def _pillar_label(pillar: str) -> str:
    return pillar or str(texts.NO_PILLAR)


def _format_key(has_images: bool, preview_url: str | None, text: str) -> str:
    if has_images:
        return "image"
    if preview_url or first_link(text):
        return "link"
    return "text"


def _format_label(key: str) -> str:
    return str(texts.FORMATS[key])


def daypart_of(local: datetime) -> tuple[int, str]:
    """The weekday and part of the day of a local time; the night belongs to the day before."""
    if local.hour < 6:
        return (local.weekday() - 1) % 7, "night"
    if local.hour < 12:
        return local.weekday(), "morning"
    if local.hour < 17:
        return local.weekday(), "afternoon"
    return local.weekday(), "evening" if local.hour < 23 else "night"


def _moment_of(result: _Row, zone: ZoneInfo) -> str:
    weekday, daypart = daypart_of(result.published_at.astimezone(zone))
    return f"{weekday}:{daypart}"


def _moment_label(key: str) -> str:
    weekday, daypart = key.split(":")
    return texts.moment_label(int(weekday), daypart)


def _top_posts(results: list[_Row], channels: dict[int, Channel], zone: ZoneInfo) -> list[TopPost]:
    """The TOP posts with the most reactions, read in full; ties go to the most recent post."""
    reacted = (result for result in results if result.engagement)
    best = heapq.nsmallest(
        TOP, reacted, key=lambda r: (-r.engagement, -r.published_at.timestamp(), r.pk)
    )
    found = (
        PostResult.objects.filter(pk__in=[row.pk for row in best])
        .select_related("target")
        .annotate(**_click_counts())
        .in_bulk()
    )
    for result in found.values():
        result.target.channel = channels[result.target.channel_id]
    return [_top_post(found[row.pk], zone) for row in best]


def _top_post(result: PostResult, zone: ZoneInfo) -> TopPost:
    target = result.target
    local = result.published_at.astimezone(zone)
    return TopPost(
        post_id=target.post_id,
        target_id=target.pk,
        channel_label=texts.channel_label(target.channel),
        text=Truncator(target.text).chars(TOP_TEXT_CHARS),
        remote_url=target.remote_url if _is_web_address(target.remote_url) else "",
        published_at_local=formats.date_format(local, "SHORT_DATETIME_FORMAT"),
        likes=result.likes,
        shares=result.shares,
        replies=result.replies,
        quotes=result.quotes,
        engagement=result.engagement,
        views=result.views,
        saves=result.saves,
        clicks=_clicks(result),
        published_at=local,
        network=texts.network_label(target.channel),
    )


def _is_web_address(url: str) -> bool:
    # What a network returns becomes a link on a page: only http(s), never javascript: and kin.
    return urlsplit(url).scheme in {"http", "https"}
