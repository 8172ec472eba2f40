import pytest

from klankbord.channels.models import Channel

# The browser fixtures of the core screens (log in through the form, compiled catalogues).
from klankbord.core.tests.conftest import log_in, translations
from klankbord.test import World

__all__ = ["log_in", "translations"]


@pytest.fixture
def sandbox(world: World) -> Channel:
    """The practice network, connected for Bakkerij Alice: publishes without a network."""
    return Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
