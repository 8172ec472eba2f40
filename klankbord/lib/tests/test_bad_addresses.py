"""A bad address in a form is a clear error in the user's language, never a crash (HTTP 500)."""

import socket
from typing import Any

import pytest
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.inbox.models import InboxSettings
from klankbord.lib.tests.ssrf import fake_getaddrinfo
from klankbord.listening.models import Webhook
from klankbord.test import World

pytestmark = pytest.mark.django_db
HUNDRED_KB_URL = "https://example.org/" + "a" * 100_000


@pytest.fixture
def client(world: World, alice_client: Client, settings: Any, monkeypatch: Any) -> Client:
    world.alice.language = "nl-be"
    world.alice.save()
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = False
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)  # no real DNS
    return alice_client


@pytest.mark.parametrize(
    ("instance", "message"),
    [
        ("javascript:alert(1)", "Dat is geen adres van een Mastodon-server."),
        (":65536", "Dat is geen adres van een Mastodon-server."),
        ("[127.0.0.1]", "Dat is geen adres van een Mastodon-server."),
        ("http://host:99999", "Dat is geen adres van een Mastodon-server."),
        ("http://[::1]:8000", "wijst naar een privé- of gereserveerd adres"),
        ("nergens.example.test", "De server nergens.example.test is niet te vinden."),
        (HUNDRED_KB_URL, "Zorg dat deze waarde niet meer dan"),
    ],
)
def test_a_bad_mastodon_server_is_a_form_error(
    client: Client, world: World, instance: str, message: str
) -> None:
    url = f"/o/{world.org.slug}/instellingen/kanalen/mastodon/"
    response = client.post(url, {"instance": instance})
    assert response.status_code == 200
    assert message in response.text
    assert not Channel.objects.exists()


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("https://nergens.example.test/hook", "Klankbord vindt de server van dit adres niet."),
        ("http://127.0.0.1:9/hook", "Klankbord kan niet naar dit adres sturen"),
        (HUNDRED_KB_URL, "Zorg dat deze waarde niet meer dan"),
        ("http://[127.0.0.1]/", "Voer een geldige URL in."),
    ],
)
def test_a_bad_webhook_address_is_a_form_error(
    client: Client, world: World, address: str, message: str
) -> None:
    url = f"/o/{world.org.slug}/luisteren/meldingen/"
    response = client.post(url, {"action": "webhook", "url": address, "urgencies": ["lead"]})
    assert response.status_code == 422
    assert message in response.text
    assert not Webhook.objects.exists()


def test_an_unresolvable_lead_webhook_is_a_form_error(client: Client, world: World) -> None:
    data = {
        "action": "settings", "target_minutes": "120", "holiday_region": "BE-VLG",
        "lead_webhook_url": "https://crm.nergens.example.test/leads",
    }  # fmt: skip
    response = client.post(f"/o/{world.org.slug}/inbox/instellingen/", data)
    assert response.status_code == 200
    assert "Klankbord vindt de server van dit adres niet." in response.text
    assert not InboxSettings.objects.filter(lead_webhook_url__contains="nergens").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Kijk: http://[127.0.0.1]/", "Dit is geen geldig webadres."),
        (f"Kijk: {HUNDRED_KB_URL}", "Het adres is te lang."),
        ("Kijk: http://127.0.0.1:99999/", "Dit is geen geldig webadres."),
        ("Kijk: http://[::ffff:127.0.0.1]/", "wijst naar een privé- of gereserveerd adres"),
    ],
)
def test_a_bad_link_in_a_post_is_a_clear_preview_error(
    client: Client, world: World, text: str, message: str
) -> None:
    response = client.post(f"/o/{world.org.slug}/publiceren/linkvoorbeeld/", {"text": text})
    assert response.status_code == 200
    assert message in response.text


@pytest.mark.parametrize("address", ["http://[127.0.0.1]/", "http://host:99999/", HUNDRED_KB_URL])
def test_a_bad_feed_address_is_a_form_error(client: Client, world: World, address: str) -> None:
    response = client.post(f"/o/{world.org.slug}/instellingen/kanalen/feed/", {"url": address})
    assert response.status_code == 200
    assert '<p class="error" role="alert">' in response.text
    assert not Channel.objects.exists()
