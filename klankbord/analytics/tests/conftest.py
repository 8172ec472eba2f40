from typing import Any

import pytest

# The fake networks of the channels' tests, for collecting results and counting followers.
from klankbord.channels.tests.conftest import fake_bluesky, fake_mastodon

# Alice's membership, which the plan's services take as `by`, for the plan's evaluation.
from klankbord.strategy.tests.conftest import alice

__all__ = ["alice", "fake_bluesky", "fake_mastodon"]


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    # The fakes run on 127.0.0.1, which production refuses.
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
