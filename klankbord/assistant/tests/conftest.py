from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.test import World


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    # The fake runs on 127.0.0.1, which an installation allows only when it says so.
    settings.KLANKBORD_ASSISTANT_ALLOW_LOCAL = True
    settings.KLANKBORD_ASSISTANT_TIMEOUT = 5.0


@pytest.fixture
def fake_llm(httpserver: HTTPServer) -> FakeLLM:
    return FakeLLM(httpserver, key="sk-test-secret-123")


@pytest.fixture
def connection(world: World, fake_llm: FakeLLM) -> Connection:
    return Connection.objects.create(
        organisation=world.org,
        enabled=True,
        base_url=fake_llm.base_url.rstrip("/"),
        model="mistral-small",
        secrets={"api_key": "sk-test-secret-123"},
        monthly_requests=10,
    )
