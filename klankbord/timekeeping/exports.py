"""The time entries and the return of a period as tables to download: headings in the reader's
language, numbers as numbers, every text cell neutralised by lib.spreadsheets."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from klankbord.lib.spreadsheets import Value
from klankbord.orgs.models import Organisation
from klankbord.strategy.selectors import plan_of
from klankbord.timekeeping.models import TimeEntry
from klankbord.timekeeping.selectors import return_figures


def entry_table(entries: list[TimeEntry]) -> tuple[list[str], list[list[Value]]]:
    headers = [_("Day"), _("Member"), _("Activity"), _("Minutes"), _("Hours"), _("Source"),
               _("Note")]  # fmt: skip
    rows: list[list[Value]] = [
        [
            entry.day,
            entry.member.display_name if entry.member else _("Former member"),
            entry.get_activity_display(),
            entry.minutes,
            round(entry.minutes / 60, 2),
            entry.get_source_display(),
            entry.note,
        ]
        for entry in entries
    ]
    return headers, rows


def return_table(
    organisation: Organisation, start: date, end: date
) -> tuple[list[str], list[list[Value]]]:
    """Measure's "Time and return" as one table; an unknown figure is an empty cell, not 0."""
    r = return_figures(organisation, start, end, plan=plan_of(organisation))
    b = r.budget
    headers = [_("Figure"), _("Count"), _("Amount (€)"), _("Cost of one (€)")]
    time = pgettext("budget: the cost of the hours spent", "Time")  # "Tijd", not the clock's "Uur"
    rows: list[list[Value]] = [
        [time, float(r.hours), _number(r.time_cost), None],
        [_("Ads"), None, _number(r.ads), None],
        [_("Tools"), None, _number(r.tools), None],
        [_("Outside help"), None, _number(r.outside_help), None],
        [_("Total cost"), None, _number(r.cost), None],
        [_("Reactions"), r.reactions, None, _number(r.per_reaction)],
        [_("Link clicks"), r.clicks, None, _number(r.per_click)],
        [_("Leads"), r.leads, None, _number(r.per_lead)],
        [_("Value"), None, _number(r.value), None],
        [_("Return"), None, _number(r.result), None],
        [_("Planned: time and ads"), _number(b.planned_hours), _number(b.planned), None],
        [_("Spent: time and ads"), float(b.spent_hours), _number(b.spent), None],
    ]
    return headers, rows


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)
