"""Small fixtures for the Measure pillar: published posts, inbox items, mentions and a plan."""

from datetime import datetime, timedelta
from typing import Any

from klankbord.channels.models import Channel
from klankbord.inbox.models import Item
from klankbord.listening.models import Mention
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import Post, PostTarget
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.plans import bakery_plan

_counter = iter(range(1, 1_000_000))


def channel(org: Organisation, network: str = "facebook") -> Channel:
    found, _created = Channel.objects.get_or_create(
        organisation=org, network=network, external_id=f"{network}-{org.slug}",
        defaults={"handle": f"@{org.slug}"},
    )  # fmt: skip
    return found


def published(org: Organisation, at: datetime, network: str = "facebook", **fields: Any) -> None:
    post = Post.objects.create(organisation=org, text="Verse pistolets")
    PostTarget.objects.create(
        post=post, channel=channel(org, network), text=post.text,
        status=fields.pop("status", PostTarget.Status.PUBLISHED), published_at=at, **fields,
    )  # fmt: skip


def mention(org: Organisation, at: datetime, sentiment: str = "neutral") -> Mention:
    n = next(_counter)
    return Mention.objects.create(
        organisation=org, network="mastodon", remote_id=str(n), key=f"k{n}",
        text="Lekker brood bij de bakker", published_at=at, sentiment=sentiment,
    )  # fmt: skip


def item(
    org: Organisation,
    arrived: datetime,
    *,
    answered_after: timedelta | None = None,
    due_after: timedelta | None = timedelta(hours=2),
    working_minutes: int | None = None,
    is_lead: bool = False,
) -> Item:
    answered = arrived + answered_after if answered_after is not None else None
    minutes = working_minutes
    if minutes is None and answered_after is not None:
        minutes = int(answered_after.total_seconds() // 60)
    return Item.objects.create(
        organisation=org, mention=mention(org, arrived), arrived_at=arrived,
        due_at=arrived + due_after if due_after is not None else None,
        first_response_at=answered,
        first_response_seconds=minutes * 60 if minutes is not None else None,
        is_lead=is_lead,
    )  # fmt: skip


def plan_with_kpis(org: Organisation, *kpis: dict[str, Any]) -> Plan:
    steps = bakery_plan()
    steps["kpis"] = {"kpis": list(kpis)}
    return Plan.objects.create(organisation=org, **steps)


def kpi(metric: str = "", target: float | None = 10, period: str = "month") -> dict[str, Any]:
    return {"goal": "awareness", "indicator": "berichten", "target": target, "period": period,
            "metric": metric, "evaluate_on": ""}  # fmt: skip
