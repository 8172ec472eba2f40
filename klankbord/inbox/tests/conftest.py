import pytest

# The fake networks of the channels' tests, for answering through them.
from klankbord.channels.tests.conftest import fake_bluesky, fake_facebook, fake_mastodon

# The browser fixtures of the core screens (log in through the form, compiled catalogues).
from klankbord.core.tests.conftest import log_in, translations
from klankbord.lib import http

# Alice's membership, which the inbox services take as `by`.
from klankbord.strategy.tests.conftest import alice

__all__ = ["alice", "fake_bluesky", "fake_facebook", "fake_mastodon", "log_in", "translations"]


@pytest.fixture
def one_try(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outages and lost answers without the seam's retries and their waits."""
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
