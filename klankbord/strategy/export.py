"""The whole plan as a document a business owner can read, print or pass on (PDF)."""

from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from klankbord.lib.pdf import Block, Bullets, Heading, Note, Paragraph, Table, document_pdf
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy import rules, selectors, texts
from klankbord.strategy.forms import FORMS
from klankbord.strategy.models import Plan
from klankbord.strategy.selectors import SummaryLine, SummarySection
from klankbord.strategy.vocabulary import STEPS

# Steps whose rows read best side by side; audiences have too many answers for one line.
ROWS_AS_TABLE = {"content", "kpis"}


def plan_blocks(plan: Plan, organisation: Organisation) -> list[Block]:
    steps = plan.steps
    blocks: list[Block] = []
    for key, section in zip(STEPS, selectors.summary(steps), strict=True):
        blocks += _section_blocks(key, section)
        blocks += _extras(key, steps)
    blocks += _health_blocks(steps, selectors.country_of(organisation))
    if plan.next_review_on:
        when = date_format(plan.next_review_on, "DATE_FORMAT")
        blocks.append(Paragraph(_("**Next evaluation:** %(when)s") % {"when": when}))
    return blocks


def _section_blocks(key: str, section: SummarySection) -> list[Block]:
    blocks: list[Block] = [Heading(f"{section.number}. {section.title}")]
    if not section.lines and not section.rows:
        return [*blocks, Note(_("This step is not filled in yet."), tone="warning")]
    blocks += [_line(line) for line in section.lines]
    if key in ROWS_AS_TABLE and section.rows:
        blocks.append(_rows_table(section.rows))
    else:
        for number, row in enumerate(section.rows, start=1):
            blocks.append(Heading(f"{_row_name(key)} {number}", level=2))
            blocks += [_line(line) for line in row]
    return blocks


def _row_name(key: str) -> str:
    return str(FORMS[key].row_name)


def _shown(value: str) -> str:
    # The web summary ticks a yes; the document's font has no tick, and a word reads better.
    return _("yes") if value == "✓" else value


def _line(line: SummaryLine) -> Paragraph:
    # A label that asks a question needs no colon after it.
    label = line.label if line.label.endswith(("?", ":")) else f"{line.label}:"
    return Paragraph(f"**{label}** {_shown(line.value)}")


def _rows_table(rows: list[list[SummaryLine]]) -> Table:
    """One column per answer any row has, in the form's order; an answer a row lacks is a dash."""
    labels: list[str] = []
    for row in rows:
        labels += [line.label for line in row if line.label not in labels]
    cells = [{line.label: _shown(line.value) for line in row} for row in rows]
    return Table(labels, [[found.get(label, "—") for label in labels] for found in cells])


def _extras(key: str, steps: rules.Steps) -> list[Block]:
    """What the plan page works out from a step: the self-check, rhythm and budget."""
    if key == "goals" and rules.is_started(steps, key):
        return [Note(str(texts.VERDICTS[rules.verdict(steps).code]))]
    if key == "rhythm":
        return _rhythm_blocks(steps)
    if key == "budget" and rules.is_started(steps, key):
        return _budget_blocks(steps)
    return []


def _rhythm_blocks(steps: rules.Steps) -> list[Block]:
    rows = [
        [texts.NETWORKS[network], _number(per_week), str(rules.silence_days(per_week))]
        for network, per_week in rules.posts_per_week(steps).items()
    ]
    if not rows:
        return []
    header = [_("Channel"), _("Posts per week"), _("Warning after (days without a post)")]
    return [Heading(_("Rhythm"), level=2), Table(header, rows)]


def _budget_blocks(steps: rules.Steps) -> list[Block]:
    budget = rules.monthly_budget(steps)
    rows = [
        [_("Time"), _euro(budget.time)],
        [_("Ads"), _euro(budget.ads)],
        [_("Tools"), _euro(budget.tools)],
        [_("Outside help"), _euro(budget.outside_help)],
        [_("**Total**"), f"**{_euro(budget.total)}**"],
    ]
    return [Heading(_("Budget per month"), level=2), Table([_("Cost"), _("Per month")], rows)]


def _number(value: float) -> str:
    return number_format(value, decimal_pos=0 if value == int(value) else 2)


def _euro(amount: float) -> str:
    return f"€ {number_format(amount, decimal_pos=2, force_grouping=True)}"


def _health_blocks(steps: rules.Steps, country: str) -> list[Block]:
    items = selectors.health_items(steps, country)
    good = sum(item.ok for item in items)
    lines = []
    for item in items:
        if item.ok:
            lines.append(_("In order: %(check)s") % {"check": item.label})
            continue
        fix = f"{item.fix} ({', '.join(item.details)})" if item.details else str(item.fix)
        lines.append(
            _("**To fix: %(check)s.** %(fix)s See step %(step)s.")
            % {"check": item.label, "fix": fix, "step": item.step}
        )
    summary = _("%(good)s of %(total)s in order.") % {"good": good, "total": len(items)}
    return [
        Heading(_("Health check")),
        Note(summary, tone="ok" if good == len(items) else "warning"),
        Bullets(lines),
    ]


def plan_pdf(plan: Plan, organisation: Organisation, language: str) -> bytes:
    today = local_today(organisation)
    subtitle = organisation.name
    if plan.version:
        subtitle += " · " + _("version %(number)s") % {"number": plan.version}
    return document_pdf(
        title=_("Social media plan"),
        subtitle=subtitle,
        blocks=plan_blocks(plan, organisation),
        footer=_("%(organisation)s · social media plan · %(when)s")
        % {"organisation": organisation.name, "when": date_format(today, "DATE_FORMAT")},
        language=language,
    )


def pdf_filename(organisation: Organisation, today: date) -> str:
    return f"socialemediaplan-{organisation.slug}-{today.isoformat()}.pdf"
