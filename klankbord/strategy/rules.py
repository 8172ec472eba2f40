"""What a plan's answers add up to: which steps are complete, the time the chosen rhythm takes,
whether that fits ("doen of niet?"), the monthly budget and content warnings. Pure Python.

A plan is a mapping of step key (vocabulary.STEPS) to that step's answers, as stored in Plan.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from klankbord.strategy.vocabulary import (
    PROMOTION,
    PROMOTION_MAX_SHARE,
    STEPS,
    VIDEO_FIRST,
)

Steps = Mapping[str, Mapping[str, Any]]

MINUTES_PER_POST = 30  # write, find a picture, adapt, schedule
MINUTES_PER_VIDEO_POST = 60
COMMUNITY_MINUTES_PER_CHANNEL = 60  # a week of answering and reacting on one channel
PLANNING_MINUTES = 60  # a week of planning, listening and looking at the figures
WEEKS_PER_MONTH = 52 / 12
# Time available against time needed: from this ratio on it fits; below TIGHT it does not.
FITS, TIGHT = 1.0, 0.75


def step(steps: Steps, key: str) -> Mapping[str, Any]:
    return steps.get(key) or {}


def missing(steps: Steps, key: str) -> list[str]:
    """What a step still needs to count as complete (codes explained in texts.MISSING)."""
    return list(_MISSING[key](steps))


def is_complete(steps: Steps, key: str) -> bool:
    return not missing(steps, key)


def is_started(steps: Steps, key: str) -> bool:
    return any(_filled(value) for value in step(steps, key).values())


def _filled(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_filled(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_filled(v) for v in value)
    return value not in (None, "", False)


def _goals_missing(steps: Steps) -> Iterable[str]:
    goals = step(steps, "goals")
    if not goals.get("goals"):
        yield "goal"
    if not goals.get("primary"):
        yield "primary"
    if goals.get("hours_per_week") is None:
        yield "hours"
    if not goals.get("who"):
        yield "who"


def _audiences_missing(steps: Steps) -> Iterable[str]:
    audiences = audiences_of(steps)
    if not audiences:
        yield "audience"
        return
    for field, code in (("name", "audience_name"), ("kind", "audience_kind"),
                        ("area", "audience_area")):  # fmt: skip
        if not all(a.get(field) for a in audiences):
            yield code
    if not all(a.get("age_from") is not None and a.get("age_to") is not None for a in audiences):
        yield "audience_age"


def _positioning_missing(steps: Steps) -> Iterable[str]:
    positioning = step(steps, "positioning")
    if not positioning.get("desired_image"):
        yield "desired_image"
    if not positioning.get("difference"):
        yield "difference"
    if not (positioning.get("address") and positioning.get("register")):
        yield "tone"


def _channels_missing(steps: Steps) -> Iterable[str]:
    if not networks_of(steps):
        yield "network"


def _content_missing(steps: Steps) -> Iterable[str]:
    if not any(p.get("name") and p.get("share") for p in pillars_of(steps)):
        yield "pillar"


def _rhythm_missing(steps: Steps) -> Iterable[str]:
    rhythm = step(steps, "rhythm")
    per_week = rhythm.get("posts_per_week") or {}
    networks = networks_of(steps)
    if not networks or not all(per_week.get(network) for network in networks):
        yield "posts_per_week"
    if not rhythm.get("who_posts"):
        yield "who_posts"


def _budget_missing(steps: Steps) -> Iterable[str]:
    budget = step(steps, "budget")
    if budget.get("hours_per_week") is None:
        yield "budget_hours"
    if budget.get("hourly_cost") is None:
        yield "hourly_cost"


def _kpis_missing(steps: Steps) -> Iterable[str]:
    measured = {kpi.get("goal") for kpi in measurable_kpis(steps)}
    if not measured:
        yield "kpi"
    elif not set(goals_of(steps)) <= measured:
        yield "kpi_per_goal"


_MISSING = {
    "goals": _goals_missing,
    "audiences": _audiences_missing,
    "positioning": _positioning_missing,
    "channels": _channels_missing,
    "content": _content_missing,
    "rhythm": _rhythm_missing,
    "budget": _budget_missing,
    "kpis": _kpis_missing,
}
assert set(_MISSING) == set(STEPS)


# --- reading the parts -------------------------------------------------------------------------


def goals_of(steps: Steps) -> list[str]:
    return list(step(steps, "goals").get("goals") or [])


def audiences_of(steps: Steps) -> list[Mapping[str, Any]]:
    return list(step(steps, "audiences").get("audiences") or [])


def networks_of(steps: Steps) -> list[str]:
    return list(step(steps, "channels").get("networks") or [])


def pillars_of(steps: Steps) -> list[Mapping[str, Any]]:
    return list(step(steps, "content").get("pillars") or [])


def kpis_of(steps: Steps) -> list[Mapping[str, Any]]:
    return list(step(steps, "kpis").get("kpis") or [])


def measurable_kpis(steps: Steps) -> list[Mapping[str, Any]]:
    """KPIs with an indicator, a target and a period: the ones that can be checked."""
    return [
        kpi
        for kpi in kpis_of(steps)
        if kpi.get("indicator") and kpi.get("target") is not None and kpi.get("period")
    ]


def posts_per_week(steps: Steps) -> dict[str, float]:
    """The rhythm of the chosen channels: network -> posts per week (only those set)."""
    per_week = step(steps, "rhythm").get("posts_per_week") or {}
    return {n: float(per_week[n]) for n in networks_of(steps) if per_week.get(n)}


def silence_days(per_week: float) -> int:
    """The longest gap in days a channel may have and still keep its rhythm."""
    return max(1, math.ceil(7 / per_week))


# --- the self-check: doen of niet? -------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    code: str  # no_hours, no_rhythm, go, tight, stop
    available: float | None  # hours per week
    needed: float | None


def hours_needed(steps: Steps) -> float | None:
    """Hours per week the chosen channels and rhythm take; None until a rhythm is set."""
    per_week = posts_per_week(steps)
    if not per_week:
        return None
    minutes: float = PLANNING_MINUTES
    for network, posts in per_week.items():
        per_post = MINUTES_PER_VIDEO_POST if network in VIDEO_FIRST else MINUTES_PER_POST
        minutes += COMMUNITY_MINUTES_PER_CHANNEL + posts * per_post
    return round(minutes / 60, 1)


def verdict(steps: Steps) -> Verdict:
    available = step(steps, "goals").get("hours_per_week")
    needed = hours_needed(steps)
    if available is None:
        return Verdict("no_hours", None, needed)
    if needed is None:
        return Verdict("no_rhythm", available, None)
    ratio = available / needed
    code = "go" if ratio >= FITS else "tight" if ratio >= TIGHT else "stop"
    return Verdict(code, available, needed)


# --- money -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    time: float  # euro per month
    ads: float
    tools: float
    outside_help: float

    @property
    def total(self) -> float:
        return round(self.time + self.ads + self.tools + self.outside_help, 2)


def monthly_budget(steps: Steps) -> Budget:
    budget = step(steps, "budget")
    hours = budget.get("hours_per_week") or 0
    cost = budget.get("hourly_cost") or 0
    return Budget(
        time=round(hours * cost * WEEKS_PER_MONTH, 2),
        ads=float(budget.get("ad_spend") or 0),
        tools=float(budget.get("tools_cost") or 0),
        outside_help=float(budget.get("outside_help") or 0),
    )


def self_check_cost(steps: Steps) -> float | None:
    """What the available hours cost per month at the chosen rate, or None without one."""
    goals = step(steps, "goals")
    rate_field = "consultant_rate" if goals.get("mode") == "consultant" else "internal_rate"
    hours, rate = goals.get("hours_per_week"), goals.get(rate_field)
    if hours is None or rate is None:
        return None
    return round(float(hours) * float(rate) * WEEKS_PER_MONTH, 2)


# --- content -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentWarning:
    code: str  # too_much_promotion, shares_not_100
    value: float


def promotion_share(steps: Steps) -> float:
    return sum(p.get("share") or 0 for p in pillars_of(steps) if p.get("kind") == PROMOTION)


def content_warnings(steps: Steps) -> list[ContentWarning]:
    pillars = [p for p in pillars_of(steps) if p.get("share")]
    if not pillars:
        return []
    warnings = []
    promotion = promotion_share(steps)
    if promotion > PROMOTION_MAX_SHARE:
        warnings.append(ContentWarning("too_much_promotion", promotion))
    total = sum(p["share"] for p in pillars)
    if total != 100:
        warnings.append(ContentWarning("shares_not_100", total))
    return warnings
