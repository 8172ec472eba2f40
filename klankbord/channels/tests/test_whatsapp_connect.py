"""Connecting a WhatsApp Business number: ids checked, the token tried, secrets encrypted."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import (
    APP_SECRET,
    DISPLAY_NUMBER,
    PHONE_NUMBER_ID,
    TOKEN,
    VERIFIED_NAME,
    WABA_ID,
    FakeWhatsApp,
)
from klankbord.test import World


@pytest.fixture
def fake_whatsapp(httpserver: HTTPServer, settings: Any) -> FakeWhatsApp:
    fake = FakeWhatsApp(httpserver)
    settings.WHATSAPP_GRAPH_URL = fake.base_url
    return fake


def connect_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/whatsapp/"


def entered(**changes: str) -> dict[str, str]:
    return {
        "whatsapp_business_account_id": WABA_ID,
        "whatsapp_phone_number_id": PHONE_NUMBER_ID,
        "whatsapp_access_token": TOKEN,
        "whatsapp_app_secret": APP_SECRET,
        **changes,
    }


def test_the_owner_connects_a_number_shown_with_its_webhook(
    world: World, alice_client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    response = alice_client.post(connect_url(world), entered(), follow=True)
    channel = Channel.objects.get(organisation=world.org, network="whatsapp")
    assert channel.external_id == PHONE_NUMBER_ID
    assert (channel.handle, channel.display_name) == (DISPLAY_NUMBER, VERIFIED_NAME)
    assert channel.profile_url == "https://wa.me/32470123456"
    assert channel.settings["waba_id"] == WABA_ID
    assert channel.secrets["access_token"] == TOKEN
    assert channel.secrets["app_secret"] == APP_SECRET
    assert f"{DISPLAY_NUMBER} ({VERIFIED_NAME}) is connected" in response.text
    key, verify = channel.settings["webhook_key"], channel.secrets["verify_token"]
    assert f"http://testserver/webhooks/whatsapp/{key}/" in response.text
    assert verify in response.text
    assert TOKEN not in response.text and APP_SECRET not in response.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel WHERE id = %s", [channel.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and TOKEN not in stored and APP_SECRET not in stored


def test_a_reconnect_keeps_the_webhook_meta_knows(
    world: World, alice_client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    alice_client.post(connect_url(world), entered())
    first = Channel.objects.get(network="whatsapp")
    alice_client.post(connect_url(world), entered(whatsapp_app_secret="a-new-app-secret"))
    again = Channel.objects.get(network="whatsapp")
    assert again.pk == first.pk
    assert again.settings["webhook_key"] == first.settings["webhook_key"]
    assert again.secrets["verify_token"] == first.secrets["verify_token"]
    assert again.secrets["app_secret"] == "a-new-app-secret"


def test_meta_verifies_the_webhook_with_its_token_only(
    world: World, alice_client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    alice_client.post(connect_url(world), entered())
    channel = Channel.objects.get(network="whatsapp")
    url = f"/webhooks/whatsapp/{channel.settings['webhook_key']}/"
    token = channel.secrets["verify_token"]
    meta = Client()
    good = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    response = meta.get(url, good)
    assert response.status_code == 200 and response.text == "1158201444"
    assert meta.get(url, {**good, "hub.verify_token": "guess"}).status_code == 403
    assert meta.get("/webhooks/whatsapp/unknown-key/", good).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"whatsapp_business_account_id": "my-business"},
            "whatsapp_business_account_id",
            "A WhatsApp Business Account ID is a number",
        ),
        (
            {"whatsapp_phone_number_id": "+32 470 12 34 56"},
            "whatsapp_phone_number_id",
            "A phone number ID is a number, as Meta shows it; not the phone number",
        ),
        ({"whatsapp_access_token": "EAA token"}, "whatsapp_access_token", "has no spaces"),
        ({"whatsapp_app_secret": ""}, "whatsapp_app_secret", "This field is required"),
    ],
)
def test_bad_input_is_refused_without_asking_meta(
    world: World,
    alice_client: Client,
    fake_whatsapp: FakeWhatsApp,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = alice_client.post(connect_url(world), entered(**changes))
    assert response.status_code == 200
    assert message in response.text
    assert not Channel.objects.filter(network="whatsapp").exists()
    assert fake_whatsapp.requests == []


def test_a_token_meta_refuses_is_said_plainly(
    world: World, alice_client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    response = alice_client.post(connect_url(world), entered(whatsapp_access_token="EAAwrong"))
    assert "Meta does not accept this access token" in response.text
    assert not Channel.objects.filter(network="whatsapp").exists()


def test_a_phone_number_id_the_token_cannot_reach_is_said_plainly(
    world: World, alice_client: Client, fake_whatsapp: FakeWhatsApp
) -> None:
    response = alice_client.post(connect_url(world), entered(whatsapp_phone_number_id="1234567"))
    assert "This token cannot reach this phone number ID" in response.text
    assert not Channel.objects.filter(network="whatsapp").exists()


def test_only_the_owner_connects_whatsapp(world: World, fake_whatsapp: FakeWhatsApp) -> None:
    bob_client = Client()
    bob_client.force_login(world.bob)  # an editor
    response = bob_client.post(connect_url(world), entered())
    assert response.status_code in (403, 404)
    assert not Channel.objects.filter(network="whatsapp").exists()
    assert fake_whatsapp.requests == []
