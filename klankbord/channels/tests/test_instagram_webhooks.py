"""Meta pushes Instagram comments and direct messages to the same webhook as the Page's."""

import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel, FacebookApp, WebhookEvent
from klankbord.channels.networks.instagram import message_id
from klankbord.channels.services import facebook_app_save
from klankbord.channels.tests.fakes.facebook import APP_SECRET, FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram
from klankbord.channels.tests.test_meta_webhooks import deliver, process
from klankbord.listening import services as listening
from klankbord.listening.models import Mention
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    found: list[int] = []
    monkeypatch.setattr(meta_webhooks, "_enqueue", found.extend)
    return found


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    return FakeInstagram(fake_facebook)


@pytest.fixture
def account(world: World, fake: FakeInstagram) -> Channel:
    channel = connect_instagram(world, fake)
    listening.sources_sync(world.org)
    return channel


@pytest.fixture
def app(world: World, account: Channel) -> FacebookApp:
    facebook_app_save(organisation=world.org, app_id="1234", app_secret=APP_SECRET, by=world.alice)
    return meta_webhooks.webhook_ensure(FacebookApp.objects.get(organisation=world.org))


def comment_delivery(account: Channel, comment_id: str, media_id: str, **value: Any) -> dict:
    # docs/instagram-platform/webhooks — the comments field of the instagram object.
    change = {
        "from": {"id": "17890000000000042", "username": "jan.peeters"},
        "media": {"id": media_id, "media_product_type": "FEED"},
        "id": comment_id,
        "text": "Hebben jullie ook glutenvrij brood?",
        **value,
    }
    entry = {"id": account.external_id, "time": int(time.time()), "changes": []}
    entry["changes"].append({"field": "comments", "value": change})
    return {"object": "instagram", "entry": [entry]}


def message_delivery(account: Channel, igsid: str, mid: str, text: str) -> dict:
    messaging = {
        "sender": {"id": igsid},
        "recipient": {"id": account.external_id},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": mid, "text": text},
    }
    entry = {"id": account.external_id, "time": int(time.time() * 1000)}
    return {"object": "instagram", "entry": [{**entry, "messaging": [messaging]}]}


def test_a_comment_comes_in_once_with_the_address_of_its_post(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_media("Verse croissants vandaag")
    payload = comment_delivery(account, "17858893269000001", media["id"])
    assert deliver(app, payload).status_code == 200
    assert deliver(app, payload).status_code == 200  # Meta delivers again
    assert WebhookEvent.objects.filter(network="instagram").count() == 1
    process(enqueued)
    mention = Mention.objects.get(remote_id="17858893269000001")
    assert mention.network == "instagram" and mention.author_handle == "@jan.peeters"
    assert mention.text == "Hebben jullie ook glutenvrij brood?"
    assert mention.url == media["permalink"].rstrip("/") + "/c/17858893269000001/"


def test_our_own_comment_is_not_brought_in(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_media("Kerststollen")
    ours = {"from": {"id": account.external_id, "username": "bakkerijvandevelde"}}
    deliver(app, comment_delivery(account, "17858893269000002", media["id"], **ours))
    process(enqueued)
    assert not Mention.objects.exists()


def test_a_direct_message_comes_in_with_the_customers_name(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    sent = fake.add_message("Kan ik een taart bestellen voor zaterdag?", username="els.maes")
    igsid = sent["from"]["id"]
    deliver(app, message_delivery(account, igsid, sent["id"], sent["message"]))
    process(enqueued)
    mention = Mention.objects.get(kind="message")
    assert mention.remote_id == message_id(igsid, sent["id"])
    assert mention.author_name == "@els.maes"
    assert mention.text == "Kan ik een taart bestellen voor zaterdag?"


def test_an_instagram_delivery_with_a_bad_signature_stores_nothing(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    payload = comment_delivery(account, "17858893269000003", "1")
    response = deliver(app, payload, HTTP_X_HUB_SIGNATURE_256="sha256=" + "0" * 64)
    assert response.status_code == 403
    assert not WebhookEvent.objects.exists() and not enqueued


def test_the_instagram_channel_says_its_comments_come_by_webhook(
    alice_client: Client, app: FacebookApp, account: Channel, fake: FakeInstagram,
    enqueued: list[int],
) -> None:  # fmt: skip
    channels_url = reverse("channels", args=[account.organisation.slug])
    assert f'id="way-in-{account.pk}"' in alice_client.get(channels_url).text
    deliver(app, comment_delivery(account, "17858893269000004", fake.add_media("Stol")["id"]))
    after = alice_client.get(channels_url).text
    assert "come in by webhook (last event" in after
    assert "the Instagram object to comments, mentions and messages" in after
