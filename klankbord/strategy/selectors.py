"""Reading the plan: its steps with their state, the health check, channel advice, and the
rhythm the Publish pillar holds channels to."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import localize
from django.utils.functional import Promise

from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import Organisation
from klankbord.orgs.selectors import local_today
from klankbord.strategy import evaluation, health, recommend, rules, texts
from klankbord.strategy.forms import editor
from klankbord.strategy.models import Plan, PlanVersion, StaffPolicy
from klankbord.strategy.policy import DEFAULT_CHOICES
from klankbord.strategy.rules import Steps
from klankbord.strategy.vocabulary import STEPS


def plan_of(organisation: Organisation) -> Plan | None:
    return Plan.objects.filter(organisation=organisation).first()


def plan_or_blank(organisation: Organisation) -> Plan:
    """The organisation's plan, or an empty one that is not stored until a step is saved."""
    return plan_of(organisation) or Plan(organisation=organisation)


def versions_of(organisation: Organisation) -> Sequence[PlanVersion]:
    return list(PlanVersion.objects.filter(organisation=organisation).select_related("created_by"))


def country_of(organisation: Organisation) -> str:
    """Where "local" is, for the reach figures: the organisation's time zone tells."""
    return "NL" if organisation.timezone == "Europe/Amsterdam" else "BE"


def posts_per_week(organisation: Organisation) -> dict[str, float]:
    """The plan's rhythm per network, for the regularity monitor; empty without a plan."""
    plan = plan_of(organisation)
    return rules.posts_per_week(plan.steps) if plan else {}


def step_initial(plan: Plan, key: str) -> dict[str, Any]:
    """A step's answers, with what other places already know filled in where it is empty."""
    data = dict(plan.steps[key])
    if key == "rhythm":
        # The inbox holds the target; a manager may have changed it there since.
        data["response_minutes"] = inbox_settings(plan.organisation).target_minutes
    if key == "budget":
        goals = plan.steps["goals"]
        rate = "consultant_rate" if goals.get("mode") == "consultant" else "internal_rate"
        data.setdefault("hours_per_week", goals.get("hours_per_week"))
        data.setdefault("hourly_cost", goals.get(rate))
    return data


@dataclass(frozen=True)
class StepState:
    number: int
    key: str
    title: Promise
    state: str  # complete, started, empty
    missing: list[Promise]


def step_states(steps: Steps) -> list[StepState]:
    return [
        StepState(
            number=number,
            key=key,
            title=texts.STEPS[key].title,
            state=_state(steps, key),
            missing=texts.missing_text(rules.missing(steps, key)),
        )
        for number, key in enumerate(STEPS, start=1)
    ]


def _state(steps: Steps, key: str) -> str:
    if rules.is_complete(steps, key):
        return "complete"
    return "started" if rules.is_started(steps, key) else "empty"


@dataclass(frozen=True)
class Progress:
    started: bool
    complete: int  # steps
    steps: int
    to_fix: int  # health checks in red
    review_due: bool


def progress(organisation: Organisation) -> Progress:
    """The plan in two numbers, for the dashboard, and whether its evaluation is due."""
    plan = plan_of(organisation)
    steps = plan.steps if plan else {}
    return Progress(
        started=plan is not None,
        complete=sum(rules.is_complete(steps, key) for key in STEPS),
        steps=len(STEPS),
        to_fix=sum(not found.ok for found in health.check(steps, country_of(organisation))),
        review_due=plan is not None and evaluation.review_due(plan, local_today(organisation)),
    )


@dataclass(frozen=True)
class HealthItem:
    key: str
    ok: bool
    label: Promise
    fix: Promise
    step: int
    details: list[str]


def health_items(steps: Steps, country: str) -> list[HealthItem]:
    return [
        HealthItem(
            key=found.key,
            ok=found.ok,
            label=texts.HEALTH[found.key][0],
            fix=texts.HEALTH[found.key][1],
            step=found.step,
            details=[texts.NETWORKS.get(name, name) for name in found.details],
        )
        for found in health.check(steps, country)
    ]


@dataclass(frozen=True)
class FigureView:
    text: str
    source: str
    year: int
    url: str


@dataclass(frozen=True)
class Advice:
    network: str
    label: str
    reasons: list[Promise]
    figures: list[FigureView]


def _advice(found: recommend.Recommendation) -> Advice:
    return Advice(
        network=found.network,
        label=texts.NETWORKS[found.network],
        reasons=[texts.REASONS[reason] for reason in found.reasons],
        figures=[
            FigureView(texts.figure_text(f), f.source.name, f.year, f.source.url)
            for f in found.figures
        ],
    )


@dataclass(frozen=True)
class ChannelAdvice:
    per_audience: list[tuple[str, list[Advice]]]
    overall: list[Advice]
    elsewhere: list[Promise]  # not social networks, but worth doing


def channel_advice(steps: Steps, country: str) -> ChannelAdvice:
    per_audience = recommend.for_plan(steps, country)
    names = [a.get("name") or "?" for a in rules.audiences_of(steps)]
    business = recommend.business_of(steps, country)
    profiles = [recommend.Profile.of(a) for a in rules.audiences_of(steps)]
    return ChannelAdvice(
        per_audience=[
            (name, [_advice(found) for found in found_list])
            for name, found_list in zip(names, per_audience, strict=True)
        ],
        overall=[_advice(found) for found in recommend.overall(per_audience)],
        elsewhere=[texts.ADVICE[code] for code in recommend.advice(profiles, business)],
    )


@dataclass(frozen=True)
class SummaryLine:
    label: str
    value: str


@dataclass(frozen=True)
class SummarySection:
    number: int
    title: Promise
    lines: list[SummaryLine]
    rows: list[list[SummaryLine]]


def summary(steps: Steps) -> list[SummarySection]:
    """The plan on one page: each step's filled-in answers, labelled as in its form."""
    sections = []
    for number, key in enumerate(STEPS, start=1):
        found = editor(key, steps, steps.get(key) or {})
        rows = found.rows.forms[: found.rows.initial_form_count()] if found.rows else []
        sections.append(
            SummarySection(
                number=number,
                title=texts.STEPS[key].title,
                lines=_lines(found.form),
                rows=[lines for lines in (_lines(row) for row in rows) if lines],
            )
        )
    return sections


def _lines(form: Any) -> list[SummaryLine]:
    lines = []
    for name, field in form.fields.items():
        shown = _shown(field, form.initial.get(name, field.initial))
        if shown:
            lines.append(SummaryLine(str(field.label), shown))
    return lines


def _shown(field: Any, value: Any) -> str:
    if value in (None, "", [], {}, False):
        return ""
    labels = dict(getattr(field, "choices", []) or [])
    if isinstance(value, list):
        return ", ".join(str(labels.get(item, item)) for item in value)
    if value is True:
        return "✓"
    if isinstance(value, int | float | date) and value not in labels:
        return str(localize(value))
    return str(labels.get(value, value))


def staff_policy_of(organisation: Organisation, language: str) -> StaffPolicy:
    """The staff policy in that language, or an empty one that is not stored until saved."""
    found = StaffPolicy.objects.filter(organisation=organisation, language=language).first()
    return found or StaffPolicy(organisation=organisation, language=language)


def staff_policy_choices(organisation: Organisation, language: str) -> dict[str, Any]:
    """The choices of that language's draft; a language not drafted yet starts from the choices
    made for another, since they do not depend on the language."""
    policies = StaffPolicy.objects.filter(organisation=organisation).exclude(choices={})
    found = (
        policies.filter(language=language).first()
        or policies.order_by("-generated_at", "-pk").first()
    )
    return {**DEFAULT_CHOICES, **(found.choices if found else {})}


def staff_policy_missing(steps: Steps) -> list[tuple[int, str]]:
    """What the plan does not say yet that the policy draws on: (step number, key)."""
    rhythm, channels = steps.get("rhythm") or {}, steps.get("channels") or {}
    wanted = [
        (4, "networks", channels.get("networks")),
        (6, "who_posts", rhythm.get("who_posts")),
        (6, "who_answers", rhythm.get("who_answers")),
    ]
    return [(step, key) for step, key, value in wanted if not value]
