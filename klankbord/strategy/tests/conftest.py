# The browser fixtures of the core screens, and Alice's membership for the plan's services.
import pytest

from klankbord.core.tests.conftest import log_in, translations
from klankbord.orgs.models import Membership
from klankbord.test import World

__all__ = ["alice", "log_in", "translations"]


@pytest.fixture
def alice(world: World) -> Membership:
    """Alice's membership of her bakery: what plan services take as `by`."""
    return Membership.objects.get(user=world.alice, organisation=world.org)
