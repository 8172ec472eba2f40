"""The time entries as a table to download: headings in the reader's language, minutes and
hours as numbers, every text cell neutralised by lib.spreadsheets."""

from django.utils.translation import gettext as _

from klankbord.lib.spreadsheets import Value
from klankbord.timekeeping.models import TimeEntry


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
