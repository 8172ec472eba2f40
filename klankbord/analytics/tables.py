"""The Measure page's tables as rows to download: a heading per column in the reader's language,
numbers as numbers, moments in the organisation's time zone, a missing count as an empty cell."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from klankbord.analytics import results, selectors, texts
from klankbord.analytics.audience import audiences
from klankbord.analytics.figures import kept_measure_values
from klankbord.analytics.locations import location_figures
from klankbord.analytics.results import Group, ResultsSummary
from klankbord.analytics.voice import Side, share_of_voice
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy.selectors import plan_of
from klankbord.timekeeping.exports import return_table

Value = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Table:
    title: str
    start: date
    end: date
    headers: list[str]
    rows: list[list[Value]]


@dataclass(frozen=True)
class Period:
    """What a table is built from: the organisation and the period chosen on the page."""

    organisation: Organisation
    start: date
    end: date
    # The page's kept results of the same period: a download shows what the page shows.
    kept: ResultsSummary | None = None

    @property
    def summary(self) -> ResultsSummary:
        if self.kept is not None:
            return self.kept
        return results.results_summary(self.organisation, self.start, self.end)


def _group_table(name: str) -> Callable[[Period], Table]:
    def build(period: Period) -> Table:
        summary = period.summary
        heading, column = texts.GROUPINGS[name]
        groups: list[Group] = getattr(summary, name)
        return Table(
            str(heading),
            period.start,
            period.end,
            [str(column), *_group_figures()],
            [_group_row(group) for group in groups],
        )

    return build


def _rate(rate: float | None) -> float | None:
    """Engagement rate in percent, two decimals; empty where no views were given."""
    return None if rate is None else round(rate, 2)


def _group_row(group: Group) -> list[Value]:
    clicks = group.clicks if group.tracked else None
    per_post = round(group.per_post, 2)
    rate = _rate(group.engagement_rate)
    return [group.label, group.posts, group.engagement, per_post, clicks, rate]


def _group_figures() -> list[str]:
    """The columns after a group's name."""
    names = [_("Posts"), _("Reactions"), _("Reactions per post"), _("Clicks")]
    return [*names, _("Engagement rate (%)")]


def _moments(period: Period) -> Table:
    headers = [_("Moment"), *_group_figures()]
    rows = [_group_row(group) for group in period.summary.moments]
    return Table(_("Best moments"), period.start, period.end, headers, rows)


def _best_posts(period: Period) -> Table:
    headers = [
        _("Published"),
        _("Channel"),
        _("Post"),
        _("Likes"),
        _("Shares"),
        _("Replies"),
        _("Quotes"),
        _("Saves"),
        _("Reactions"),
        _("Views"),
        _("Clicks"),
        _("Address"),
        _("Engagement rate (%)"),
    ]
    rows: list[list[Value]] = [
        [
            top.published_at.replace(tzinfo=None) if top.published_at else None,
            top.channel_label,
            top.text,
            top.likes,
            top.shares,
            top.replies,
            top.quotes,
            top.saves,
            top.engagement,
            top.views,
            top.clicks,
            top.remote_url,
            _rate(top.engagement_rate),
        ]
        for top in period.summary.top
    ]
    return Table(_("Best posts"), period.start, period.end, headers, rows)


def _followers(period: Period) -> Table:
    headers = [_("Channel"), _("Followers"), _("New in this period")]
    rows: list[list[Value]] = [
        [found.label, found.followers, found.gained]
        for found in audiences(period.organisation, period.start, period.end)
    ]
    return Table(_("Followers"), period.start, period.end, headers, rows)


def _answers(period: Period) -> Table:
    headers = [
        _("Channel"),
        _("Network"),
        _("Conversations"),
        _("Answered"),
        _("Answered in time"),
        _("Share answered in time (%)"),
        _("First answer (median, working minutes)"),
    ]
    rows: list[list[Value]] = []
    for row in selectors.answers_per_channel(period.organisation, period.start, period.end):
        found = row.answers
        name = (row.channel.display_name or row.channel.handle) if row.channel else None
        rows.append(
            [
                name or _("Found by listening"),
                row.network_label,
                found.conversations,
                found.answered,
                found.in_time,
                row.in_time_percent,
                found.median_minutes,
            ]
        )
    return Table(_("Answers per channel"), period.start, period.end, headers, rows)


def _locations(period: Period) -> Table:
    headers = [
        _("Location"),
        _("Views on Search"),
        _("Views on Maps"),
        _("Calls"),
        _("Directions"),
        _("Website clicks"),
        _("Rating"),
        _("Reviews"),
        _("New reviews"),
    ]
    rows: list[list[Value]] = [
        [
            found.name or _("All locations"),
            found.views_search,
            found.views_maps,
            found.calls,
            found.directions,
            found.website_clicks,
            found.rating,
            found.reviews,
            found.new_reviews,
        ]
        for found in location_figures(period.organisation, period.start, period.end)
    ]
    return Table(_("Google Business Profile"), period.start, period.end, headers, rows)


def _kpis(period: Period) -> Table:
    today = local_today(period.organisation)
    headers = [
        _("KPI"),
        _("Measured"),
        _("From"),
        _("Until"),
        _("Target"),
        _("So far"),
        _("Unit"),
        _("Status"),
    ]
    rows: list[list[Value]] = [
        [
            found.kpi.get("indicator") or "",
            str(found.metric.label) if found.metric else _("you enter it at the review"),
            found.period_start,
            found.period_end,
            found.target,
            found.actual,
            str(texts.UNITS[found.metric.unit]) if found.metric else "",
            str(texts.STATUSES[found.status]),
        ]
        for found in selectors.kpi_progress(period.organisation, on=today)
    ]
    return Table(_("KPIs this period"), today, today, headers, rows)


def _rhythm(period: Period) -> Table:
    today = local_today(period.organisation)
    start = today - timedelta(days=selectors.RHYTHM_DAYS - 1)
    plan = plan_of(period.organisation)
    found = selectors.rhythm_rows(period.organisation, plan.steps, start, today) if plan else []
    headers = [_("Network"), _("Planned per week"), _("Published per week")]
    rows: list[list[Value]] = [[row.label, row.planned, row.published] for row in found]
    return Table(_("Posting rhythm"), start, today, headers, rows)


def _share_of_voice(period: Period) -> Table:
    found = share_of_voice(period.organisation, period.start, period.end)
    headers = [
        _("Who"),
        _("Monitors"),
        _("Mentions"),
        _("Mentions in the period before"),
        _("Share of voice (%)"),
        _("Positive"),
        _("Neutral"),
        _("Negative"),
        _("Net sentiment"),
        _("Sources"),
        _("Paused monitors"),
    ]
    rows: list[list[Value]] = [
        [
            side.label,
            ", ".join(side.monitors),
            side.mentions,
            side.previous,
            side.share,
            side.sentiments["positive"],
            side.sentiments["neutral"],
            side.sentiments["negative"],
            side.net_sentiment,
            _sources_text(side),
            ", ".join(side.paused),  # empty: all its monitors listen
        ]
        for side in found.sides
    ]
    return Table(_("Share of voice"), period.start, period.end, headers, rows)


def _sources_text(side: Side) -> str:
    names = ", ".join(f"{watched.name} ({watched.network})" for watched in side.sources)
    return _("Every source: %(names)s") % {"names": names} if side.all_sources else names


def _time_and_return(period: Period) -> Table:
    headers, rows = return_table(period.organisation, period.start, period.end)
    return Table(_("Time and return"), period.start, period.end, headers, rows)


# The tables by the name in their address; each builds itself from the chosen period.
TABLES: dict[str, Callable[[Period], Table]] = {
    "channels": _group_table("channels"),
    "pillars": _group_table("pillars"),
    "formats": _group_table("formats"),
    "moments": _moments,
    "best-posts": _best_posts,
    "followers": _followers,
    "answers": _answers,
    "locations": _locations,
    "kpis": _kpis,
    "rhythm": _rhythm,
    "share-of-voice": _share_of_voice,
    "return": _time_and_return,
}


def table_for(name: str, organisation: Organisation, days: int) -> Table | None:
    build = TABLES.get(name)
    if build is None:
        return None
    start, end = results.last_days(organisation, days)
    kept = (kept_measure_values(organisation, days) or {}).get("summary")
    if kept is None or (kept.start, kept.end) != (start, end):
        kept = None
    return build(Period(organisation, start, end, kept))


def period_days(value: str) -> int:
    """The period chosen on the page; anything else is the first one offered."""
    offered = {str(days): days for days in results.PERIOD_DAYS}
    return offered.get(value, results.PERIOD_DAYS[0])


def filename(organisation: Organisation, name: str, table: Table, extension: str) -> str:
    """e.g. klankbord-bakkerij-channels-2026-11-07-2026-12-06.xlsx"""
    span = f"{table.start}" if table.start == table.end else f"{table.start}-{table.end}"
    return f"klankbord-{organisation.slug}-{name}-{span}.{extension}"
