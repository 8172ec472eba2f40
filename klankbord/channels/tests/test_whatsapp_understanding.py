"""A WhatsApp message is read like every mention; a lead from it is handed over with its number."""

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_NAME,
    CUSTOMER_WA_ID,
    DISPLAY_NUMBER,
    VERIFIED_NAME,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_webhooks import deliver
from klankbord.channels.tests.whatsapp_setup import channel, fake, in_english
from klankbord.inbox import handoff
from klankbord.inbox.models import InboxSettings, Item
from klankbord.test import World
from klankbord.understanding.services import read

__all__ = ["channel", "fake", "in_english"]
pytestmark = pytest.mark.django_db
CAKE = "Hebben jullie morgen nog een taart voor 12 personen?"
LOOKING = "Ik zoek nog een bakker omgeving Leuven voor een verjaardagstaart, doen jullie dat?"


def arrives(channel: Channel, wamid: str, text: str) -> Item:
    deliver(channel, webhook_delivery(text_message(wamid, text)))
    return Item.objects.select_related("mention").get(mention__remote_id__endswith=wamid)


def test_a_whatsapp_question_is_read_like_any_mention(world: World, channel: Channel) -> None:
    mention = arrives(channel, "wamid.1", CAKE).mention
    [alone] = read(world.org, [CAKE])
    found = (mention.language, mention.sentiment, mention.places)
    assert found == (alone.language, alone.sentiment, alone.places)
    assert (mention.language, mention.sentiment) == ("nl", "neutral")
    # Asked of the bakery itself, in a private message, a question about buying is also a lead.
    assert mention.intents == ["question", "lead"]
    assert mention.priority >= 4


def test_a_question_that_is_not_about_buying_stays_a_question(
    world: World, channel: Channel
) -> None:
    mention = arrives(channel, "wamid.4", "Waar kan ik bij jullie parkeren?").mention
    assert "lead" not in mention.intents


def test_a_customer_still_choosing_a_bakery_is_a_lead_with_its_place(
    world: World, alice_client: Client, channel: Channel
) -> None:
    item = arrives(channel, "wamid.2", LOOKING)
    assert item.mention.intents == ["question", "lead"]
    assert [(p["name"], p["near"]) for p in item.mention.places] == [("Leuven", True)]
    listed = alice_client.get(f"/o/{world.org.slug}/inbox/", {"intent": "lead"})
    assert f"/inbox/{item.pk}/" in listed.text


def test_marked_as_lead_it_goes_to_the_csv_and_the_crm_with_its_number(
    world: World, alice_client: Client, channel: Channel, httpserver: HTTPServer, settings: Any
) -> None:
    item = arrives(channel, "wamid.3", CAKE)
    alice_client.post(
        f"/o/{world.org.slug}/inbox/{item.pk}/actie/", {"action": "lead", "lead": "1"}
    )
    response = alice_client.get(f"/o/{world.org.slug}/inbox/leads.csv")
    [row] = csv.DictReader(io.StringIO(response.content.decode()))
    assert row["network"] == "whatsapp" and row["text"] == CAKE
    assert row["channel"] == "'" + DISPLAY_NUMBER  # a leading + is kept from spreadsheet formulas
    assert (row["author_handle"], row["author_name"]) == ("'+" + CUSTOMER_WA_ID, CUSTOMER_NAME)

    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    InboxSettings.objects.update_or_create(
        organisation=world.org, defaults={"lead_webhook_url": httpserver.url_for("/crm")}
    )
    httpserver.expect_oneshot_request("/crm", method="POST").respond_with_data("ok")
    assert handoff.send_leads() == 1
    [(request, _response)] = [
        (r, s) for r, s in httpserver.log if r.path == "/crm"
    ]  # fmt: skip
    lead = json.loads(request.data)["lead"]
    assert lead["network"] == "whatsapp" and lead["text"] == CAKE
    assert lead["channel"] == {"handle": DISPLAY_NUMBER, "name": VERIFIED_NAME}
