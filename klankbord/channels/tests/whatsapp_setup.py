"""What WhatsApp's tests share: English messages, the fake Cloud API, a number Alice connected,
and webhook events processed at once, as the worker would, instead of through a broker."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pytest_httpserver import HTTPServer

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import FakeWhatsApp
from klankbord.channels.tests.test_whatsapp_connect import connect_url, entered
from klankbord.listening import services as listening
from klankbord.test import World

__all__ = ["channel", "connected", "fake", "in_english", "process"]


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fake(httpserver: HTTPServer, settings: Any) -> FakeWhatsApp:
    fake = FakeWhatsApp(httpserver)
    settings.WHATSAPP_GRAPH_URL = fake.base_url
    return fake


@pytest.fixture
def channel(world: World, fake: FakeWhatsApp, monkeypatch: pytest.MonkeyPatch) -> Channel:
    return connected(world, monkeypatch)


def connected(world: World, monkeypatch: pytest.MonkeyPatch) -> Channel:
    """Alice connects the fake's number through the form; its events are processed at once."""
    alice = Client()
    alice.force_login(world.alice)
    alice.post(connect_url(world), entered())
    listening.sources_sync(world.org)
    monkeypatch.setattr(meta_webhooks, "_enqueue", process)
    return Channel.objects.get(network="whatsapp")


def process(event_ids: list[int]) -> None:
    """Each new event processed as the worker would, instead of through a broker."""
    for event_id in event_ids:
        meta_webhooks.event_process(event_id)
