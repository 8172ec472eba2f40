from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from klankbord.channels.tests.fakes.bluesky import FakeBluesky
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.channels.tests.fakes.linkedin import FakeLinkedIn
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.channels.tests.fakes.threads import FakeThreads

# The browser fixtures of the core screens (log in through the form, compiled catalogues).
from klankbord.core.tests.conftest import log_in, translations

__all__ = ["log_in", "translations"]


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    # The fakes run on 127.0.0.1, which production refuses.
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def fake_mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver)


@pytest.fixture
def fake_bluesky(httpserver: HTTPServer) -> FakeBluesky:
    return FakeBluesky(httpserver)


@pytest.fixture
def fake_facebook(httpserver: HTTPServer) -> FakeFacebook:
    return FakeFacebook(httpserver)


@pytest.fixture
def fake_threads(httpserver: HTTPServer, settings: Any) -> FakeThreads:
    fake = FakeThreads(httpserver)
    settings.THREADS_GRAPH_URL = settings.THREADS_AUTHORIZE_URL = fake.base_url
    settings.THREADS_STATUS_WAIT_SECONDS = 0
    return fake


@pytest.fixture
def fake_google(httpserver: HTTPServer, settings: Any) -> FakeGoogle:
    fake = FakeGoogle(httpserver)
    settings.GOOGLE_OAUTH_URL = f"{fake.base_url}/o/oauth2/v2/auth"
    settings.GOOGLE_TOKEN_URL = f"{fake.base_url}/token"
    settings.GOOGLE_API_URLS = dict.fromkeys(
        ("accounts", "information", "v4", "performance"), fake.base_url
    )
    return fake


@pytest.fixture
def fake_linkedin(httpserver: HTTPServer, settings: Any) -> FakeLinkedIn:
    fake = FakeLinkedIn(httpserver)
    settings.LINKEDIN_API_URL = fake.base_url
    settings.LINKEDIN_OAUTH_URL = f"{fake.base_url}/oauth/v2"
    return fake
