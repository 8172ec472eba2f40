"""Measure's charts with their words: title, description, and the same figures as a table.

One Chart is drawn three ways (SVG on the page, reportlab in the PDF, PNG in the e-mail), always
with the table behind it for whoever would rather read, or cannot see the picture.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from klankbord.analytics import chart_shapes as shapes
from klankbord.analytics.charts import Grid, MeasureSeries, Sparks, measure_series, sparks
from klankbord.analytics.svg import svg
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy import rules
from klankbord.strategy.models import Plan
from klankbord.strategy.selectors import plan_of


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    desc: str
    canvas: shapes.Canvas
    header: list[str]
    rows: list[list[str]]
    small: bool = False
    # The chart with its table as the page shows it, when drawn ahead (analytics/pages.py).
    html: SafeString | None = None

    @property
    def svg(self) -> SafeString:
        return svg(self.canvas, key=self.key, title=self.title, desc=self.desc, small=self.small)


def drawn(chart: Chart | None) -> Chart | None:
    """The chart with its figure and table drawn now, without the shapes and rows it was drawn
    from: kept figures are drawn once, not at every look."""
    if chart is None:
        return None
    html = render_to_string("analytics/partials/charts_chart.html", {"chart": chart})
    return replace(chart, html=html, canvas=shapes.Canvas(0, 0), rows=[])


def number(value: float | None) -> str:
    """A figure in the reader's language, at most one decimal; "—" for none."""
    if value is None:
        return "—"
    return _number(type(value).__name__, value, get_language())


@lru_cache(maxsize=4096)  # a year of daily follower counts repeats the same figures
def _number(_kind: str, value: float, _language: str | None) -> str:
    return number_format(value, decimal_pos=0 if value == int(value) else 1, force_grouping=True)


def day_text(day: date) -> str:
    return date_format(day, "j M")


def week_text(monday: date) -> str:
    return _("week of %(day)s") % {"day": day_text(monday)}


def measure_charts(
    organisation: Organisation, start: date, end: date, *, plan: Plan | None, target_minutes: int
) -> dict[str, Chart]:
    """The Measure page's charts for start..end, by key; a chart without data is left out."""
    planned = sum(rules.posts_per_week(plan.steps).values()) if plan else None
    found = measure_series(
        organisation, start, end, planned=planned or None, target_minutes=target_minutes
    )
    charts = [
        followers_chart(found, start, end),
        reactions_chart(found),
        heat_chart("reaction_hours", found.reaction_hours, reactions=True),
        heat_chart("message_hours", found.message_hours, reactions=False),
        published_chart(found),
        response_chart(found),
    ]
    return {chart.key: chart for chart in charts if chart is not None}


def followers_chart(found: MeasureSeries, start: date, end: date) -> Chart | None:
    if not found.followers:
        return None
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    lines = []
    for series in found.followers:
        by_day = dict(series.points)
        lines.append((series.label, [by_day.get(day) for day in days]))
    labels = [day_text(day) for day in days]
    rows = [[label, *[number(values[n]) for _l, values in lines]] for n, label in enumerate(labels)]
    rows = [row for row in rows if any(cell != "—" for cell in row[1:])]
    latest = ", ".join(f"{s.label}: {number(s.last)}" for s in found.followers)
    return Chart(
        "followers",
        _("Followers per day"),
        _("Followers of each account, counted once a day. Latest: %(latest)s.")
        % {"latest": latest},
        shapes.line_chart(labels, lines, number),
        [_("Day"), *[label for label, _v in lines]],
        rows,
    )


def reactions_chart(found: MeasureSeries) -> Chart | None:
    if not any(value is not None for _w, value in found.reactions):
        return None
    values = [value for _w, value in found.reactions]
    weeks = [week for week, _v in found.reactions]
    return Chart(
        "reactions",
        _("Reactions per post, per week"),
        _("Reactions per post of the posts published each week, from %(first)s to %(last)s.")
        % {"first": day_text(weeks[0]), "last": day_text(weeks[-1])},
        shapes.line_chart(
            [day_text(w) for w in weeks], [(_("Reactions per post"), values)], number
        ),
        [_("Week"), _("Reactions per post")],
        [[week_text(week), number(value)] for week, value in found.reactions],
    )


def heat_chart(key: str, grid: Grid, *, reactions: bool) -> Chart | None:
    cells = [(day, hour, value) for day, row in enumerate(grid) for hour, value in enumerate(row)]
    if not any(value for _d, _h, value in cells):
        return None
    day, hour, most = max(cells, key=lambda cell: cell[2])
    busiest = {"day": WEEKDAYS[day], "hour": _hours(hour), "count": number(most)}
    if reactions:
        title = _("Reactions by the hour the post went out")
        desc = _("Weekdays down, hours across. Most reactions: %(day)s %(hour)s, %(count)s.")
    else:
        title = _("Messages by the hour they arrived")
        desc = _("Weekdays down, hours across. Most messages: %(day)s %(hour)s, %(count)s.")
    return Chart(
        key,
        title,
        desc % busiest,
        shapes.heat_chart(grid, [str(WEEKDAYS_ABBR[n]) for n in range(7)], number),
        [_("Day"), _("Hour"), _("Reactions") if reactions else _("Messages")],
        [[str(WEEKDAYS[d]), _hours(h), number(v)] for d, h, v in cells if v],
    )


def _hours(hour: int) -> str:
    return f"{hour:02d}:00\u2013{(hour + 1) % 24:02d}:00"  # an en dash


def published_chart(found: MeasureSeries) -> Chart | None:
    if found.planned is None and not any(count for _w, count in found.published):
        return None
    target = (
        (_("Plan: %(n)s") % {"n": number(found.planned)}, found.planned) if found.planned else None
    )
    return Chart(
        "published",
        _("Planned and published posts per week"),
        _("Posts published each week against the %(planned)s a week of the plan's rhythm.")
        % {"planned": number(found.planned)},
        shapes.bar_chart(
            [day_text(w) for w, _c in found.published],
            [count for _w, count in found.published],
            number,
            target,
        ),
        [_("Week"), _("Published"), _("Planned")],
        [[week_text(w), number(count), number(found.planned)] for w, count in found.published],
    )


def response_chart(found: MeasureSeries) -> Chart | None:
    if not any(value is not None for _w, value in found.response):
        return None
    target = found.target_minutes
    return Chart(
        "response",
        _("Time to first answer per week"),
        _(
            "The median working minutes to the first answer each week, against the target of "
            "%(target)s minutes."
        )
        % {"target": number(target)},
        shapes.line_chart(
            [day_text(w) for w, _v in found.response],
            [(_("Median"), [value for _w, value in found.response])],
            number,
            (_("Target: %(n)s") % {"n": number(target)}, float(target)),
        ),
        [_("Week"), _("Median (working minutes)"), _("Target")],
        [[week_text(w), number(value), number(target)] for w, value in found.response],
    )


# --- the dashboard card ------------------------------------------------------------------------


def spark_charts(organisation: Organisation) -> list[Chart]:
    found: Sparks = sparks(organisation, local_today(organisation))
    return [
        _spark("spark_posts", _("Posts published"), found.posts),
        _spark("spark_reactions", _("Reactions"), found.reactions),
        _spark("spark_messages", _("Messages"), found.messages),
    ]


def _spark(key: str, label: str, weeks: Sequence[tuple[date, int]]) -> Chart:
    values = [count for _w, count in weeks]
    desc = _("Per week, the last %(n)s weeks: %(values)s.") % {
        "n": len(values),
        "values": ", ".join(number(v) for v in values),
    }
    return Chart(
        key,
        label,
        desc,
        shapes.spark(values),
        [_("Week"), label],
        [[week_text(w), number(v)] for w, v in weeks],
        small=True,
    )


# --- the monthly report ------------------------------------------------------------------------


def report_charts(
    organisation: Organisation, start: date, end: date, *, has_plan: bool, target_minutes: int
) -> list[Chart]:
    """The Measure page's charts for one month, in the order the page shows them."""
    plan = plan_of(organisation) if has_plan else None
    found = measure_charts(organisation, start, end, plan=plan, target_minutes=target_minutes)
    return list(found.values())
