"""Which networks reach an audience, why, and the published reach figures behind it.

Pure Python. Each rule adds points to one network for one reason; a network with enough points
is recommended, with every reason that gave it points (codes explained in texts.REASONS) and the
figures from data/reach.json for the audience's region and ages.
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from klankbord.strategy import rules
from klankbord.strategy.vocabulary import NETWORKS

REACH_FILE = Path(__file__).parent / "data" / "reach.json"
RECOMMEND_FROM = 3  # points
MOST = 4  # recommendations per audience
DEFAULT_AGES = (16, 75)


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    publisher: str
    url: str


@dataclass(frozen=True)
class Figure:
    network: str
    region: str  # flanders, belgium, netherlands
    measure: str  # monthly_share, use_share, daily_share, users_millions
    low: float
    high: float
    ages: tuple[int, int] | None
    population_from_age: int | None
    approximate: bool
    year: int
    source: Source


@dataclass(frozen=True)
class Profile:
    """One audience, as far as choosing networks goes."""

    kind: str = ""  # b2b, b2c
    area: str = ""
    age_from: int | None = None
    age_to: int | None = None
    networks: frozenset[str] = frozenset()  # the networks the plan says it uses

    @classmethod
    def of(cls, audience: Mapping[str, Any]) -> "Profile":
        return cls(
            kind=audience.get("kind") or "",
            area=audience.get("area") or "",
            age_from=audience.get("age_from"),
            age_to=audience.get("age_to"),
            networks=frozenset(audience.get("networks") or ()),
        )

    @property
    def ages(self) -> tuple[int, int]:
        low = self.age_from if self.age_from is not None else DEFAULT_AGES[0]
        high = self.age_to if self.age_to is not None else DEFAULT_AGES[1]
        return low, high

    @property
    def middle_age(self) -> float:
        return sum(self.ages) / 2

    def overlaps(self, low: int, high: int) -> bool:
        return self.ages[0] <= high and low <= self.ages[1]


@dataclass(frozen=True)
class Business:
    goals: frozenset[str] = frozenset()
    visual: bool = False  # what it sells shows well in pictures
    country: str = "BE"  # BE or NL: where "local" is


def business_of(steps: rules.Steps, country: str = "BE") -> Business:
    positioning = rules.step(steps, "positioning")
    return Business(
        goals=frozenset(rules.goals_of(steps)),
        visual=bool(positioning.get("visual")),
        country=country,
    )


@dataclass(frozen=True)
class Recommendation:
    network: str
    score: int
    reasons: tuple[str, ...]
    figures: tuple[Figure, ...]


Test = Callable[[Profile, Business], bool]


@dataclass(frozen=True)
class Rule:
    network: str
    reason: str
    points: int
    applies: Test


def _b2b(p: Profile, b: Business) -> bool:
    return p.kind == "b2b"


def _b2c(p: Profile, b: Business) -> bool:
    return p.kind == "b2c"


def _local(p: Profile, b: Business) -> bool:
    return p.area == "local"


def _young(p: Profile, b: Business) -> bool:
    return p.middle_age < 30


def _older(p: Profile, b: Business) -> bool:
    return p.middle_age >= 35


def _working_age(p: Profile, b: Business) -> bool:
    return p.overlaps(25, 64)


def _visual(p: Profile, b: Business) -> bool:
    return b.visual


def _recruiting(p: Profile, b: Business) -> bool:
    return "recruitment" in b.goals


def _professional(p: Profile, b: Business) -> bool:
    """Working age, and buying for a business or looking for a job."""
    return _working_age(p, b) and (_b2b(p, b) or _recruiting(p, b))


def _all(*tests: Test) -> Test:
    return lambda p, b: all(test(p, b) for test in tests)


RULES = (
    Rule("linkedin", "b2b", 3, _b2b),
    Rule("linkedin", "recruitment", 2, _recruiting),
    Rule("linkedin", "working_age", 1, _professional),
    Rule("facebook", "broad_adult", 2, _b2c),
    Rule("facebook", "local", 2, _all(_local, _b2c)),
    Rule("facebook", "local", 1, _all(_local, _b2b)),
    Rule("facebook", "over_35", 1, _older),
    Rule("instagram", "visual", 2, _visual),
    Rule("instagram", "b2c", 1, _b2c),
    Rule("instagram", "young", 2, _young),
    Rule("instagram", "employer_brand", 1, _all(_recruiting, _young)),
    Rule("tiktok", "young", 3, _young),
    Rule("tiktok", "employer_brand", 1, _all(_recruiting, _young)),
    Rule("tiktok", "visual", 1, _all(_visual, _young)),
    Rule("youtube", "how_to", 1, lambda p, b: bool({"service", "traffic"} & b.goals)),
    Rule("youtube", "visual", 1, _visual),
    Rule("pinterest", "inspiration", 2, lambda p, b: b.visual and "traffic" in b.goals),
    Rule("pinterest", "visual", 1, _all(_visual, _b2c)),
    Rule("x", "news", 1, _b2b),
)
DECLARED_POINTS = RECOMMEND_FROM  # the audience is known to use it: enough on its own


def for_audience(profile: Profile, business: Business) -> list[Recommendation]:
    """The networks worth considering for one audience, best first."""
    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    for rule in RULES:
        if rule.applies(profile, business):
            _add(scores, reasons, rule.network, rule.reason, rule.points)
    for network in sorted(profile.networks & set(NETWORKS)):
        _add(scores, reasons, network, "declared", DECLARED_POINTS)
    chosen = [n for n in _ranked(scores) if scores[n] >= RECOMMEND_FROM][:MOST]
    return [
        Recommendation(n, scores[n], tuple(reasons[n]), figures_for(n, profile, business))
        for n in chosen
    ]


def _add(
    scores: dict[str, int], reasons: dict[str, list[str]], network: str, reason: str, points: int
) -> None:
    scores[network] = scores.get(network, 0) + points
    found = reasons.setdefault(network, [])
    if reason not in found:
        found.append(reason)


def _ranked(scores: Mapping[str, int]) -> list[str]:
    return sorted(scores, key=lambda n: (-scores[n], NETWORKS.index(n)))


def for_plan(steps: rules.Steps, country: str = "BE") -> list[list[Recommendation]]:
    """The recommendations for each audience of the plan, in the plan's order."""
    business = business_of(steps, country)
    return [for_audience(Profile.of(a), business) for a in rules.audiences_of(steps)]


def overall(per_audience: Iterable[Sequence[Recommendation]]) -> list[Recommendation]:
    """One list for the whole plan: points added up over the audiences."""
    scores: dict[str, int] = {}
    reasons: dict[str, list[str]] = {}
    figures: dict[str, list[Figure]] = {}
    for recommendations in per_audience:
        for found in recommendations:
            for reason in found.reasons:
                _add(scores, reasons, found.network, reason, 0)
            scores[found.network] += found.score
            known = figures.setdefault(found.network, [])
            known.extend(f for f in found.figures if f not in known)
    return [
        Recommendation(n, scores[n], tuple(reasons[n]), tuple(figures[n])) for n in _ranked(scores)
    ]


def uses(profile: Profile, business: Business, network: str) -> bool:
    """The audience is known or expected to be on the network."""
    if network in profile.networks:
        return True
    return any(found.network == network for found in for_audience(profile, business))


def advice(profiles: Iterable[Profile], business: Business) -> list[str]:
    """Places that are not social networks but matter for these audiences (texts.ADVICE)."""
    profiles = list(profiles)
    found = []
    if any(p.area == "local" for p in profiles):
        found.append("google_reviews")
    if "service" in business.goals and any(p.kind == "b2c" for p in profiles):
        found.append("whatsapp")
    return found


# --- reach figures -----------------------------------------------------------------------------


def regions(profile: Profile, business: Business) -> tuple[str, ...]:
    """Whose figures describe this audience; Flemish figures stand in for Belgium where needed."""
    area = profile.area
    if area in ("", "local"):
        area = "netherlands" if business.country == "NL" else "belgium"
    return {
        "flanders": ("flanders",),
        "belgium": ("flanders", "belgium"),
        "netherlands": ("netherlands",),
    }.get(area, ("flanders", "belgium", "netherlands"))


def figures_for(network: str, profile: Profile, business: Business) -> tuple[Figure, ...]:
    wanted = regions(profile, business)
    return tuple(
        figure
        for figure in reach_figures()
        if figure.network == network
        and figure.region in wanted
        and (figure.ages is None or profile.overlaps(*figure.ages))
    )


@cache
def reach_figures() -> tuple[Figure, ...]:
    return tuple(parse_reach(json.loads(REACH_FILE.read_text(encoding="utf-8"))))


def parse_reach(data: Mapping[str, Any]) -> list[Figure]:
    sources = {
        key: Source(key=key, name=s["name"], publisher=s["publisher"], url=s["url"])
        for key, s in data["sources"].items()
    }
    return [
        Figure(
            network=f["network"],
            region=f["region"],
            measure=f["measure"],
            low=f["low"],
            high=f["high"],
            ages=(f["ages"][0], f["ages"][1]) if f.get("ages") else None,
            population_from_age=f.get("population_from_age"),
            approximate=bool(f["approximate"]),
            year=int(f["year"]),
            source=sources[f["source"]],
        )
        for f in data["figures"]
    ]
