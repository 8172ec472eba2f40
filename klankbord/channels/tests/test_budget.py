"""The rate budget lives in the database, so every worker on every machine respects it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from klankbord.channels.services import DatabaseBudget

pytestmark = pytest.mark.django_db


def test_a_used_up_budget_blocks_until_the_reset() -> None:
    reset = timezone.now() + timedelta(minutes=5)
    DatabaseBudget().record("mastodon:acct", 0, reset)
    assert DatabaseBudget().blocked_until("mastodon:acct") == reset
    assert DatabaseBudget().blocked_until("mastodon:other") is None


def test_a_budget_with_requests_left_or_a_past_reset_does_not_block() -> None:
    DatabaseBudget().record("a", 12, timezone.now() + timedelta(minutes=5))
    DatabaseBudget().record("b", 0, timezone.now() - timedelta(seconds=1))
    assert DatabaseBudget().blocked_until("a") is None
    assert DatabaseBudget().blocked_until("b") is None
