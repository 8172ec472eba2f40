"""Meta pushes comments and messages to a Page's webhook: signed, stored once, processed."""

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import translation

from klankbord.channels import meta_webhooks
from klankbord.channels.models import Channel, FacebookApp, WebhookEvent
from klankbord.channels.networks.facebook import message_id
from klankbord.channels.services import facebook_app_save
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import APP_SECRET, FakeFacebook
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids handed to the task queue, instead of a broker."""
    found: list[int] = []
    monkeypatch.setattr(meta_webhooks, "_enqueue", found.extend)
    return found


@pytest.fixture
def page(world: World, fake_facebook: FakeFacebook) -> Channel:
    channel = connect_facebook(world, fake_facebook)
    listening.sources_sync(world.org)
    return channel


@pytest.fixture
def app(world: World, page: Channel) -> FacebookApp:
    facebook_app_save(organisation=world.org, app_id="1234", app_secret=APP_SECRET, by=world.alice)
    return meta_webhooks.webhook_ensure(FacebookApp.objects.get(organisation=world.org))


def url(app: FacebookApp) -> str:
    return reverse("meta_webhook", args=[app.webhook_key])


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"HTTP_X_HUB_SIGNATURE_256": f"sha256={digest}"}


def deliver(app: FacebookApp, payload: dict[str, Any], **headers: str) -> Any:
    body = json.dumps(payload).encode()
    # The receiver hands new events to the queue once they are committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(
            url(app), body, content_type="application/json", **(headers or signed(body))
        )


def comment_change(
    page: Channel, comment_id: str, verb: str = "add", **extra: Any
) -> dict[str, Any]:
    # The shape of a Page feed webhook (docs/graph-api/webhooks/reference/page/#feed).
    post_id = f"{page.external_id}_555"
    value = {
        "from": {"id": "24242424", "name": "Jan Peeters"},
        "post": {"status_type": "added_photos", "is_published": True, "id": post_id},
        "message": "Zijn jullie open op zondag?",
        "post_id": post_id,
        "comment_id": comment_id,
        "created_time": int(time.time()),
        "item": "comment",
        "parent_id": post_id,
        "verb": verb,
        **extra,
    }
    return {
        "object": "page",
        "entry": [
            {
                "id": page.external_id,
                "time": int(time.time()),
                "changes": [{"field": "feed", "value": value}],
            }
        ],
    }


def message_delivery(
    page: Channel, psid: str, mid: str, text: str, echo: bool = False
) -> dict[str, Any]:
    # The shape of a Messenger messages webhook (docs/messenger-platform/webhooks).
    message: dict[str, Any] = {"mid": mid, "text": text}
    if echo:
        message["is_echo"] = True
    return {
        "object": "page",
        "entry": [
            {
                "id": page.external_id,
                "time": int(time.time() * 1000),
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": page.external_id},
                        "timestamp": int(time.time() * 1000),
                        "message": message,
                    }
                ],
            }
        ],
    }


def process(ids: list[int]) -> None:
    for event_id in ids:
        meta_webhooks.event_process(event_id)


def test_meta_verifies_the_address_with_the_verify_token(app: FacebookApp) -> None:
    token = app.secrets["verify_token"]
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}

    response = Client().get(url(app), query)

    assert response.status_code == 200 and response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")


@pytest.mark.parametrize("token", ["guess", "", "één"])
def test_a_wrong_verify_token_is_refused(app: FacebookApp, token: str) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    assert Client().get(url(app), query).status_code == 403


def test_an_unknown_address_is_not_found(app: FacebookApp) -> None:
    assert (
        Client()
        .post("/webhooks/meta/nothing-here/", b"{}", content_type="application/json")
        .status_code
        == 404
    )


def test_a_signed_comment_is_stored_acknowledged_and_becomes_a_mention(
    app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    response = deliver(app, comment_change(page, "555_901"))

    assert response.status_code == 200
    [event] = WebhookEvent.objects.all()
    assert event.key == "comment:555_901:add" and enqueued == [event.pk]
    assert not Mention.objects.exists()  # acknowledged before any work is done

    process(enqueued)

    mention = Mention.objects.get()
    assert (mention.kind, mention.remote_id, mention.text) == (
        "reply",
        "555_901",
        "Zijn jullie open op zondag?",
    )
    assert mention.author_name == "Jan Peeters" and mention.in_reply_to == f"{page.external_id}_555"
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.DONE
    app.refresh_from_db()
    assert app.last_event_at is not None


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_HUB_SIGNATURE_256": "sha256=" + "0" * 64},
        {"HTTP_X_HUB_SIGNATURE_256": "sha1=abc"},
    ],
    ids=["missing", "wrong", "other-scheme"],
)
def test_a_bad_or_missing_signature_is_refused_and_nothing_is_stored(
    app: FacebookApp, page: Channel, enqueued: list[int], headers: dict[str, str]
) -> None:
    body = json.dumps(comment_change(page, "555_902")).encode()
    headers = headers or {"HTTP_X_NOTHING": "1"}

    response = Client().post(url(app), body, content_type="application/json", **headers)

    assert response.status_code == 403
    assert not WebhookEvent.objects.exists() and enqueued == []


def test_a_body_signed_with_another_secret_is_refused(app: FacebookApp, page: Channel) -> None:
    body = json.dumps(comment_change(page, "555_903")).encode()
    response = Client().post(
        url(app), body, content_type="application/json", **signed(body, "other")
    )
    assert response.status_code == 403 and not WebhookEvent.objects.exists()


def test_signed_garbage_is_a_bad_request_and_nothing_is_stored(app: FacebookApp) -> None:
    body = b"not json at all"
    response = Client().post(url(app), body, content_type="application/json", **signed(body))
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_an_event_delivered_twice_is_stored_and_processed_once(
    app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    deliver(app, comment_change(page, "555_904"))
    deliver(app, comment_change(page, "555_904"))

    assert WebhookEvent.objects.count() == 1 and len(enqueued) == 1
    process(enqueued + enqueued)  # the queue repeats a message: the claim lets one through
    assert Mention.objects.count() == 1


def test_a_removal_that_arrives_before_its_comment_wins(
    app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    deliver(app, comment_change(page, "555_905", verb="remove"))
    deliver(app, comment_change(page, "555_905"))

    process(enqueued)

    assert not Mention.objects.exists()
    assert set(WebhookEvent.objects.values_list("status", flat=True)) == {"done"}


def test_a_reply_that_arrives_before_its_parent_is_kept_too(
    app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    deliver(app, comment_change(page, "555_907", parent_id="555_906", message="Ja, tot 12u"))
    deliver(app, comment_change(page, "555_906"))

    process(enqueued)

    assert sorted(Mention.objects.values_list("remote_id", "in_reply_to")) == [
        ("555_906", f"{page.external_id}_555"),
        ("555_907", "555_906"),
    ]


def test_the_pages_own_comment_is_stored_as_an_event_but_not_as_a_mention(
    app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    own = {"from": {"id": page.external_id, "name": page.handle}}
    deliver(app, comment_change(page, "555_908", **own))
    process(enqueued)
    assert WebhookEvent.objects.count() == 1 and not Mention.objects.exists()


def test_a_message_becomes_a_message_with_the_senders_name_and_polling_does_not_repeat_it(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    sent = fake_facebook.add_message(page.external_id, "Kan ik een taart bestellen?")
    psid = next(iter(fake_facebook.conversations.values()))["psid"]

    deliver(app, message_delivery(page, psid, sent["id"], "Kan ik een taart bestellen?"))
    deliver(app, message_delivery(page, psid, "m_echo", "Ons antwoord", echo=True))
    process(enqueued)

    mention = Mention.objects.get()
    assert mention.kind == "message" and mention.author_name == "Els Maes"
    assert mention.remote_id == message_id(psid, sent["id"])
    source = Source.objects.get(channel=page, kind=Source.Kind.MENTIONS)
    assert sources.poll(source.pk) == 0  # the poller reads the same message: a duplicate
    assert Mention.objects.count() == 1


def test_an_outage_while_processing_leaves_the_event_for_the_sweeper(
    app: FacebookApp,
    page: Channel,
    fake_facebook: FakeFacebook,
    enqueued: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from klankbord.channels.tests.fakes.facebook import Fault
    from klankbord.lib import http

    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    sent = fake_facebook.add_message(page.external_id, "Hallo?")
    psid = next(iter(fake_facebook.conversations.values()))["psid"]
    fake_facebook.faults.append(
        Fault(500, {"message": "An unknown error has occurred.", "code": 1})
    )
    deliver(app, message_delivery(page, psid, sent["id"], "Hallo?"))

    process(enqueued)

    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.NEW and event.error and not Mention.objects.exists()
    WebhookEvent.objects.update(received_at=event.received_at - meta_webhooks.SWEEP_AFTER * 2)
    enqueued.clear()
    assert meta_webhooks.events_sweep() == [event.pk]
    process(enqueued)
    assert Mention.objects.get().text == "Hallo?"


def test_the_channel_page_says_which_way_in_is_active(
    alice_client: Client, app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    channels_url = reverse("channels", args=[page.organisation.slug])
    before = alice_client.get(channels_url).content.decode()
    assert "come in by polling" in before and app.webhook_key in before

    deliver(app, comment_change(page, "555_909"))

    after = alice_client.get(channels_url).content.decode()
    assert "come in by webhook (last event" in after


def test_saving_the_meta_app_again_keeps_the_webhook_address_and_token(
    world: World, app: FacebookApp
) -> None:
    facebook_app_save(
        organisation=world.org, app_id="1234", app_secret="new-secret", by=world.alice
    )

    again = FacebookApp.objects.get(organisation=world.org)
    assert again.webhook_key == app.webhook_key
    assert again.secrets["verify_token"] == app.secrets["verify_token"]
    assert again.secrets["app_secret"] == "new-secret"


def test_a_sender_whose_profile_meta_refuses_is_a_facebook_user(
    app: FacebookApp, page: Channel, enqueued: list[int]
) -> None:
    deliver(app, message_delivery(page, "777000777", "m_unknown", "Hallo, nog open?"))
    with translation.override("en"):  # a worker runs in the site's language
        process(enqueued)
    mention = Mention.objects.get()
    assert mention.author_name == "Facebook user" and mention.text == "Hallo, nog open?"


def test_the_second_message_of_a_sender_reuses_their_name(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    first = fake_facebook.add_message(page.external_id, "Hallo")
    second = fake_facebook.add_message(page.external_id, "Nog een vraag")
    psid = next(iter(fake_facebook.conversations.values()))["psid"]
    deliver(app, message_delivery(page, psid, first["id"], "Hallo"))
    process(enqueued)
    enqueued.clear()
    fake_facebook.conversations.clear()  # Meta would no longer tell

    deliver(app, message_delivery(page, psid, second["id"], "Nog een vraag"))
    process(enqueued)

    assert list(Mention.objects.values_list("author_name", flat=True)) == ["Els Maes"] * 2
