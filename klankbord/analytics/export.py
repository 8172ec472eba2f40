"""The monthly report as a document to keep, print or pass on (PDF), in the plan's look."""

from collections.abc import Callable
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.pagesizes import A4

from klankbord.analytics.chart_pdf import drawing
from klankbord.analytics.chart_sets import report_charts
from klankbord.analytics.locations import COUNTS as LOCATION_COUNTS
from klankbord.analytics.report import MonthlyReport, amount
from klankbord.analytics.results import Group, ResultsSummary, Tally
from klankbord.analytics.texts import (
    DASH_MEANS,
    clicks_of,
    count_text,
    rate_missing,
    rate_text,
    saves_of,
    views_of,
)
from klankbord.analytics.voice import ShareOfVoice, Side
from klankbord.lib.pdf import (
    MARGIN,
    Block,
    Bullets,
    Figure,
    Heading,
    Note,
    Paragraph,
    Table,
    document_pdf,
)

SHOWN_TOP = 5


def report_blocks(report: MonthlyReport, *, with_charts: bool = True) -> list[Block]:
    """The report's parts; a web page draws the charts itself (with_charts=False)."""
    return [
        *_period_blocks(report),
        *_headline_blocks(report),
        *_results_blocks(report),
        *_audience_blocks(report),
        *(_chart_blocks(report) if with_charts else []),
        *_location_blocks(report),
        *_voice_blocks(report.voice),
        *_kpi_blocks(report),
        *_rhythm_blocks(report),
        *_response_blocks(report),
        *_cost_blocks(report),
    ]


def _period_blocks(report: MonthlyReport) -> list[Block]:
    start, end = date_format(report.start, "DATE_FORMAT"), date_format(report.end, "DATE_FORMAT")
    period = _("From %(start)s to %(end)s.") % {"start": start, "end": end}
    if report.complete:
        return [Paragraph(period)]
    if report.kind != "month":
        return [Paragraph(period), Note(_("This period is not over yet: the figures so far."))]
    return [Paragraph(period), Note(_("This month is not over yet: the figures so far."))]


def _headline_blocks(report: MonthlyReport) -> list[Block]:
    results = report.results
    rows = [
        [_("Posts published"), str(report.published)],
        [_("Reactions"), count_text(results.engagement)],
        [_("Reactions per post"), amount(results.per_post)],
        [_("Views"), _tally_cell(results.views, views_of)],
        *([[_("Saves"), _tally_cell(results.saves, saves_of)]] if results.saves.given else []),
        *(
            [[_("Clicks on links"), _tally_cell(results.clicks, clicks_of)]]
            if results.clicks.given
            else []
        ),
        [_("Mentions"), str(report.mentions)],
        [_("Messages answered"), str(report.response.answered)],
    ]
    if report.new_followers is not None:
        rows.append([_("New followers"), f"{report.new_followers:+d}"])
    blocks: list[Block] = [Heading(_("At a glance")), Table([_("Figure"), report.period], rows)]
    if results.previous_posts:
        before = _(
            "The %(days)s days before: %(reactions)s reactions on %(posts)s posts, "
            "%(per_post)s per post."
        ) % {
            "days": (results.end - results.start).days + 1,
            "reactions": results.previous_engagement,
            "posts": results.previous_posts,
            "per_post": amount(results.previous_engagement / results.previous_posts),
        }
        blocks.append(Paragraph(before))
    if results.waiting:
        waiting = ngettext(
            "%(count)s post is still waiting for its first count of reactions.",
            "%(count)s posts are still waiting for their first count of reactions.",
            results.waiting,
        )
        blocks.append(Note(waiting % {"count": results.waiting}))
    return blocks


def _results_blocks(report: MonthlyReport) -> list[Block]:
    results = report.results
    if not results.posts:
        nothing = (
            _("No reactions were counted this month.")
            if report.kind == "month"
            else _("No reactions were counted in this period.")
        )
        return [Heading(_("What works")), Paragraph(nothing)]
    blocks: list[Block] = [Heading(_("What works")), Heading(_("Best posts"), level=2)]
    blocks.append(_top_table(results))
    if _any_missing(results):
        blocks.append(Note(str(DASH_MEANS)))
    for title, groups in [
        (_("Per channel"), results.channels),
        (_("Per content pillar"), results.pillars),
        (_("Per format"), results.formats),
    ]:
        if groups:
            blocks += [Heading(title, level=2), _groups_table(groups, results.clicks.given > 0)]
    return blocks


def _top_table(results: ResultsSummary) -> Table:
    """The best posts with their reactions, views and (where a network gives them) saves and
    clicks on tracked links."""
    with_saves, with_clicks = results.saves.given > 0, results.clicks.given > 0
    header = [_("Post"), _("Channel"), _("Published"), _("Reactions"), _("Views")]
    header += [_("Saves")] if with_saves else []
    header += [_("Clicks")] if with_clicks else []
    rows = []
    for post in results.top[:SHOWN_TOP]:
        row = [post.text, post.channel_label, post.published_at_local, count_text(post.engagement)]
        row.append(count_text(post.views))
        row += [count_text(post.saves)] if with_saves else []
        rows.append(row + ([count_text(post.clicks)] if with_clicks else []))
    return Table(header, rows)


def _tally_cell(tally: Tally, covers: Callable[[Tally], str]) -> str:
    """The total, and which posts it covers when some have no such count: never a 0 for none."""
    if not tally.given:
        return count_text(None)
    total = count_text(tally.total)
    return f"{total} ({covers(tally)})" if tally.partial else total


def _any_missing(results: ResultsSummary) -> bool:
    shown = results.top[:SHOWN_TOP]
    saves_missing = results.saves.given > 0 and any(post.saves is None for post in shown)
    return results.views.given < results.posts or saves_missing


def _audience_blocks(report: MonthlyReport) -> list[Block]:
    if not report.audiences:
        return []
    new = _("New this month") if report.kind == "month" else _("New in this period")
    header = [_("Channel"), _("Followers"), new]
    rows = [
        [
            found.label,
            str(found.followers),
            "—" if found.gained is None else f"{found.gained:+d}",
        ]
        for found in report.audiences
    ]
    return [Heading(_("Followers")), Table(header, rows)]


def _chart_blocks(report: MonthlyReport) -> list[Block]:
    """The Measure page's charts for the month, drawn with reportlab's own graphics."""
    charts = report_charts(
        report.organisation,
        report.start,
        report.end,
        has_plan=report.has_plan,
        target_minutes=report.response_target,
    )
    width = A4[0] - 2 * MARGIN
    figures: list[Block] = [Figure(chart.title, drawing(chart.canvas, width)) for chart in charts]
    return [Heading(_("Charts")), *figures] if figures else []


def _location_blocks(report: MonthlyReport) -> list[Block]:
    """Google Business Profile: how each location was found and used, and its rating."""
    if not report.locations:
        return []
    header = [
        _("Location"),
        _("Views on Search"),
        _("Views on Maps"),
        _("Calls"),
        _("Directions"),
        _("Website clicks"),
        _("Rating"),
        _("Reviews"),
    ]
    rows = [
        [
            found.name or _("All locations"),
            *[_figure(getattr(found, name)) for name in LOCATION_COUNTS],
            "—" if found.rating is None else number_format(found.rating, 1),
            _figure(found.reviews),
        ]
        for found in report.locations
    ]
    return [Heading(_("Google Business Profile")), Table(header, rows), Note(str(DASH_MEANS))]


def _figure(value: int | None) -> str:
    return "—" if value is None else count_text(value)


def _groups_table(groups: list[Group], with_clicks: bool = False) -> Table:
    header = ["", _("Posts"), _("Reactions"), _("Reactions per post"), _("Engagement rate")]
    header += [_("Clicks")] if with_clicks else []
    rows = []
    for g in groups:
        row = [g.label, count_text(g.posts), count_text(g.engagement), amount(g.per_post)]
        row.append(_rate_cell(g))
        # A group none of whose posts had a tracked link has no count: a dash, not a 0.
        rows.append(row + ([count_text(g.clicks if g.tracked else None)] if with_clicks else []))
    return Table(header, rows)


def _rate_cell(group: Group) -> str:
    """Reactions in percent of views, or why there is none: never a 0 % for no views."""
    rate = group.engagement_rate
    return rate_text(rate) if rate is not None else f"— ({rate_missing(group.network)})"


def _voice_blocks(voice: ShareOfVoice | None) -> list[Block]:
    """Own against each competitor: mentions, share of voice and net sentiment."""
    if voice is None:
        return []
    header = [_("Who"), _("Mentions"), _("Share of voice"), _("Net sentiment")]
    rows = [[_side_name(side), *_side_figures(side)] for side in voice.sides]
    blocks: list[Block] = [Heading(_("Competitors and share of voice")), Table(header, rows)]
    if not voice.like_for_like:
        unequal = _("Not like for like: the sides' monitors do not read the same sources.")
        blocks.append(Note(unequal))
    if voice.any_paused:
        paused = _(
            "Not every monitor is listening: a paused monitor finds no new mentions, so its side "
            "counts fewer than are said about it."
        )
        blocks.append(Note(paused))
    blocks.append(
        Note(
            _(
                "Share of voice: a side's mentions out of the mentions of all sides together. "
                "Net sentiment: the positive mentions minus the negative ones, in percent of all "
                "its mentions (from −100 to +100)."  # noqa: RUF001
            )
        )
    )
    return blocks


def _side_name(side: Side) -> str:
    name = side.label if side.own else _("%(name)s (competitor)") % {"name": side.label}
    return f"{name} ({side.paused_text})" if side.paused else name


def _side_figures(side: Side) -> list[str]:
    share = "—" if side.share is None else rate_text(side.share)
    net = "—" if side.net_sentiment is None else f"{side.net_sentiment:+d}"
    return [count_text(side.mentions), share, net]


def _kpi_blocks(report: MonthlyReport) -> list[Block]:
    if not report.has_plan:
        return []
    lines = report.kpi_lines()
    if not lines:
        return [Heading(_("KPIs")), Paragraph(_("The plan has no KPIs yet."))]
    header = [_("KPI"), _("Target"), _("Measured"), _("Status")]
    rows = [
        [line.indicator, line.target, line.actual or _("you enter it at the review"), line.status]
        for line in lines
    ]
    return [Heading(_("KPIs")), Table(header, rows)]


def _rhythm_blocks(report: MonthlyReport) -> list[Block]:
    if not report.rhythm:
        return []
    header = [_("Network"), _("Planned per week"), _("Published per week")]
    rows = [[row.label, amount(row.planned), amount(row.published)] for row in report.rhythm]
    return [Heading(_("Posting rhythm")), Table(header, rows)]


def _response_blocks(report: MonthlyReport) -> list[Block]:
    response = report.response
    target = _("Target: answer within %(minutes)s working minutes.") % {
        "minutes": report.response_target
    }
    if not response.answered:
        return [Heading(_("Response time")), Paragraph(target), Paragraph(_("No answers."))]
    done = _(
        "The first answer took %(median)s working minutes (median); %(in_time)s of %(answered)s "
        "answered messages were answered in time."
    ) % {
        "median": amount(response.median_minutes),
        "in_time": response.in_time,
        "answered": response.answered,
    }
    return [Heading(_("Response time")), Paragraph(target), Paragraph(done)]


def _cost_blocks(report: MonthlyReport) -> list[Block]:
    cost = report.cost
    if cost is None:
        return []
    lines = [
        _("**Cost of the month, time included:** %(amount)s") % {"amount": _euro(cost.so_far)},
        _per(
            _("**Posts published:** %(count)s"), cost.posts, _("%(amount)s per post"), cost.per_post
        ),
        _per(_("**Leads:** %(count)s"), cost.leads, _("%(amount)s per lead"), cost.per_lead),
    ]
    return [Heading(_("What your time returns")), Bullets(lines)]


def _per(counted: str, count: int, each: str, amount: Decimal | None) -> str:
    line = counted % {"count": count}
    return line if amount is None else f"{line}, {each % {'amount': _euro(amount)}}"


def _euro(value: Decimal) -> str:
    return f"€ {number_format(value, decimal_pos=2, force_grouping=True)}"


def report_pdf(report: MonthlyReport, language: str) -> bytes:
    organisation = report.organisation
    if report.kind == "month":
        title = _("Monthly report %(month)s") % {"month": report.month}
        footer = _("%(organisation)s · monthly report · %(month)s") % {
            "organisation": organisation.name,
            "month": report.month,
        }
    else:
        title = report_title(report)
        footer = f"{organisation.name} · {title}"
    return document_pdf(
        title=title,
        subtitle=organisation.name,
        blocks=report_blocks(report),
        footer=footer,
        language=language,
    )


def report_title(report: MonthlyReport) -> str:
    return _("Report %(period)s") % {"period": report.period}


def pdf_filename(report: MonthlyReport) -> str:
    prefix = "maandrapport" if report.kind == "month" else "rapport"
    return f"{prefix}-{report.organisation.slug}-{report.key}.pdf"
