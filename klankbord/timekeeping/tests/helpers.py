"""Small fixtures for time and return: a plan with a budget, memberships, sent replies."""

from datetime import datetime
from typing import Any

from klankbord.analytics.tests.figures import item
from klankbord.inbox.models import Reply
from klankbord.orgs.models import Membership, Organisation
from klankbord.strategy.models import Plan
from klankbord.test import World

_counter = iter(range(1, 1_000_000))


def membership(world: World, user: Any, org: Organisation | None = None) -> Membership:
    return Membership.objects.select_related("organisation", "user").get(
        user=user, organisation=org or world.org
    )


def plan_with_budget(org: Organisation, **budget: Any) -> Plan:
    return Plan.objects.create(organisation=org, budget=budget)


def sent_reply(org: Organisation, author: Any, at: datetime, status: str = "sent") -> Reply:
    found = item(org, at)
    return Reply.objects.create(
        item=found, author=author, text="Dank je!", status=status, sent_at=at,
        idempotency_key=f"reply-{next(_counter)}",
    )  # fmt: skip
