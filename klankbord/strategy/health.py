"""The plan's health check: the gaps that make a social media plan fail in practice. Pure Python.

Each check names the step that fixes it; texts.HEALTH holds its label and one-line fix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from klankbord.strategy import recommend, rules
from klankbord.strategy.rules import Steps
from klankbord.strategy.vocabulary import PROMOTION, STEPS, VISUAL_FORMATS


@dataclass(frozen=True)
class Check:
    key: str
    ok: bool
    step: int  # 1-based number of the step that fixes it
    details: tuple[str, ...] = field(default=())  # e.g. the channels nobody uses


def _step(key: str) -> int:
    return STEPS.index(key) + 1


def has_goal(steps: Steps, business: recommend.Business) -> Check:
    return Check("goal", bool(rules.goals_of(steps)), _step("goals"))


def has_measurable_kpi(steps: Steps, business: recommend.Business) -> Check:
    return Check("measurable_kpi", bool(rules.measurable_kpis(steps)), _step("kpis"))


def has_time_budget(steps: Steps, business: recommend.Business) -> Check:
    hours = [
        rules.step(steps, "budget").get("hours_per_week"),
        rules.step(steps, "goals").get("hours_per_week"),
    ]
    return Check("time_budget", any(h for h in hours), _step("budget"))


def channels_have_audience(steps: Steps, business: recommend.Business) -> Check:
    profiles = [recommend.Profile.of(a) for a in rules.audiences_of(steps)]
    lonely = tuple(
        network
        for network in rules.networks_of(steps)
        if not any(recommend.uses(profile, business, network) for profile in profiles)
    )
    return Check("channel_audience", not lonely, _step("channels"), lonely)


def not_only_promotion(steps: Steps, business: recommend.Business) -> Check:
    kinds = {p.get("kind") for p in rules.pillars_of(steps) if p.get("name") or p.get("share")}
    return Check("not_only_promotion", kinds != {PROMOTION}, _step("content"))


def has_visuals(steps: Steps, business: recommend.Business) -> Check:
    content = rules.step(steps, "content")
    per_channel = content.get("formats") or {}
    # Formats of a channel dropped since do not count.
    formats = {f for network in rules.networks_of(steps) for f in per_channel.get(network, [])}
    planned = bool(content.get("visual_style")) or bool(formats & VISUAL_FORMATS)
    return Check("visuals", planned, _step("content"))


def has_answerer(steps: Steps, business: recommend.Business) -> Check:
    return Check("answerer", bool(rules.step(steps, "rhythm").get("who_answers")), _step("rhythm"))


def has_evaluation_date(steps: Steps, business: recommend.Business) -> Check:
    dated = any(kpi.get("evaluate_on") for kpi in rules.kpis_of(steps))
    return Check("evaluation_date", dated, _step("kpis"))


CHECKS: tuple[Callable[[Steps, recommend.Business], Check], ...] = (
    has_goal,
    has_measurable_kpi,
    has_time_budget,
    channels_have_audience,
    not_only_promotion,
    has_visuals,
    has_answerer,
    has_evaluation_date,
)


def check(steps: Steps, country: str = "BE") -> list[Check]:
    business = recommend.business_of(steps, country)
    return [run(steps, business) for run in CHECKS]
