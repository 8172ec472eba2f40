"""Meta pushes Threads replies and mentions to the Threads app's webhook, beside polling."""

import hashlib
import hmac
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from klankbord.channels import meta_webhooks, services
from klankbord.channels.models import Channel, ThreadsApp, WebhookEvent
from klankbord.channels.networks.base import OutgoingPost
from klankbord.channels.tests.connected import connect_threads
from klankbord.channels.tests.fakes.threads import APP_ID, APP_SECRET, FakeThreads
from klankbord.channels.tests.test_meta_webhooks import process
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Drop, Mention, Source
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
def channel(world: World, fake_threads: FakeThreads) -> Channel:
    connected = connect_threads(world, fake_threads)
    listening.sources_sync(world.org)
    return connected


@pytest.fixture
def app(world: World, channel: Channel) -> ThreadsApp:
    services.threads_app_save(
        organisation=world.org, app_id=APP_ID, app_secret=APP_SECRET, by=world.alice
    )
    return meta_webhooks.webhook_ensure(ThreadsApp.objects.get(organisation=world.org))


def url(app: ThreadsApp) -> str:
    return reverse("threads_webhook", args=[app.webhook_key])


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, Any]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"HTTP_X_HUB_SIGNATURE_256": f"sha256={digest}"}


def deliver(app: ThreadsApp, payload: dict[str, Any], **headers: Any) -> Any:
    body = json.dumps(payload).encode()
    extra: dict[str, Any] = headers or signed(body)
    # The receiver hands new events to the queue once they are committed.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(url(app), body, content_type="application/json", **extra)


def a_thread(channel: Channel, text: str = "Nieuw: spelt") -> str:
    return services.connector_for(channel).publish(OutgoingPost(text, "k")).remote_id


def test_meta_verifies_the_threads_address_with_its_verify_token(app: ThreadsApp) -> None:
    token = app.secrets["verify_token"]
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    response = Client().get(url(app), query)
    assert response.status_code == 200 and response.content == b"1158201444"


def test_a_wrong_verify_token_is_refused(app: ThreadsApp) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "raden", "hub.challenge": "1158201444"}
    assert Client().get(url(app), query).status_code == 403


def test_the_facebook_address_does_not_answer_for_the_threads_key(app: ThreadsApp) -> None:
    token = app.secrets["verify_token"]
    query = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1"}
    assert Client().get(reverse("meta_webhook", args=[app.webhook_key]), query).status_code == 404


def test_a_bad_signature_is_refused_and_nothing_is_stored(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    reply = fake_threads.add_reply(a_thread(channel), "Ook glutenvrij?")
    payload = fake_threads.webhook_delivery(reply["id"])
    assert deliver(app, payload, HTTP_X_HUB_SIGNATURE_256="sha256=" + "0" * 64).status_code == 403
    body = json.dumps(payload).encode()
    # Signed with the Facebook app's secret, or another: not this Threads app's.
    assert deliver(app, payload, **signed(body, "een-ander-geheim")).status_code == 403
    assert not WebhookEvent.objects.exists() and not enqueued
    app.refresh_from_db()
    assert app.last_event_at is None


def test_a_page_delivery_at_the_threads_address_is_a_bad_request(app: ThreadsApp) -> None:
    payload = {"object": "page", "entry": [{"id": "1", "changes": []}]}
    assert deliver(app, payload).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_reply_comes_in_once_as_polling_makes_it(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    thread = a_thread(channel)
    reply = fake_threads.add_reply(thread, "Ook glutenvrij?")
    payload = fake_threads.webhook_delivery(reply["id"])
    assert deliver(app, payload).status_code == 200
    assert deliver(app, payload).status_code == 200  # Meta delivers again
    assert WebhookEvent.objects.filter(network="threads").count() == 1
    process(enqueued)
    process(enqueued)  # a repeated task finds the event done
    mention = Mention.objects.get()
    assert (mention.network, mention.kind, mention.remote_id) == ("threads", "reply", reply["id"])
    assert (mention.author_handle, mention.text) == ("@jan.peeters", "Ook glutenvrij?")
    assert mention.url == reply["permalink"]


def test_a_reply_by_webhook_and_then_polled_is_one_mention(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    reply = fake_threads.add_reply(a_thread(channel), "Open op zondag?")
    deliver(app, fake_threads.webhook_delivery(reply["id"]))
    process(enqueued)
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    assert sources.poll(source.pk) == 0  # the poller reads the same reply: a duplicate
    assert Mention.objects.filter(remote_id=reply["id"]).count() == 1


def test_a_polled_reply_delivered_afterwards_is_not_stored_again(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    reply = fake_threads.add_reply(a_thread(channel), "Hoe laat open?")
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    assert sources.poll(source.pk) == 1
    deliver(app, fake_threads.webhook_delivery(reply["id"]))
    process(enqueued)
    assert Mention.objects.filter(remote_id=reply["id"]).count() == 1


def test_a_nested_reply_that_arrives_before_its_parent_is_kept_with_both(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    thread = a_thread(channel)
    question = fake_threads.add_reply(thread, "Ook glutenvrij?")
    nested = fake_threads.add_reply(question["id"], "Graag!", username="els.maes")
    deliver(app, fake_threads.webhook_delivery(nested["id"]))
    deliver(app, fake_threads.webhook_delivery(question["id"]))
    process(enqueued)
    found = dict(Mention.objects.values_list("remote_id", "in_reply_to"))
    assert found == {nested["id"]: question["id"], question["id"]: thread}


def test_our_own_reply_is_stored_as_an_event_but_not_brought_in(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    question = fake_threads.add_reply(a_thread(channel), "Ook glutenvrij?")
    ours = services.connector_for(channel).publish(
        OutgoingPost("Ja, op vrijdag", "a", reply_to=question["id"])
    )
    deliver(app, fake_threads.webhook_delivery(ours.remote_id))
    process(enqueued)
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
    assert not Mention.objects.exists()
    # Left out before the listening pipeline, as polling leaves it out: not even a drop.
    assert not Drop.objects.exists()


def test_a_mention_comes_in_for_the_threads_profile(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    post = fake_threads.add_mention("Beste croissants bij @bakkerij.vandevelde")
    deliver(app, fake_threads.webhook_delivery(post["id"], "mentions"))
    process(enqueued)
    mention = Mention.objects.get()
    assert (mention.kind, mention.remote_id, mention.author_handle) == (
        "mention",
        post["id"],
        "@lies.wouters",
    )
    assert Mention.objects.filter(source__channel=channel).count() == 1


def test_publish_and_delete_events_bring_nothing_in(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    thread = a_thread(channel)
    payload = fake_threads.webhook_delivery(thread, "mentions")
    payload["values"]["field"] = "publish"
    assert deliver(app, payload).status_code == 200
    assert not WebhookEvent.objects.exists() and not enqueued


def test_the_channel_page_shows_the_threads_way_in(
    alice_client: Client,
    app: ThreadsApp,
    channel: Channel,
    fake_threads: FakeThreads,
    enqueued: list[int],
) -> None:
    channels_url = reverse("channels", args=[channel.organisation.slug])
    before = alice_client.get(channels_url).text
    assert f'id="way-in-{channel.pk}"' in before
    assert "Replies and mentions come in by polling" in before
    assert url(app) in before and app.secrets["verify_token"] in before
    reply = fake_threads.add_reply(a_thread(channel), "Tot zondag")
    deliver(app, fake_threads.webhook_delivery(reply["id"]))
    after = alice_client.get(channels_url).text
    assert "Replies and mentions come in by webhook (last event" in after


def test_saving_the_threads_app_again_keeps_the_webhook_address_and_token(
    world: World, app: ThreadsApp
) -> None:
    services.threads_app_save(
        organisation=world.org, app_id=APP_ID, app_secret="nieuw-geheim", by=world.alice
    )
    again = ThreadsApp.objects.get(organisation=world.org)
    assert again.webhook_key == app.webhook_key
    assert again.secrets["verify_token"] == app.secrets["verify_token"]
    assert again.secrets["app_secret"] == "nieuw-geheim"


def test_a_lost_threads_task_is_swept_up_and_brings_the_reply_in(
    app: ThreadsApp, channel: Channel, fake_threads: FakeThreads, enqueued: list[int]
) -> None:
    reply = fake_threads.add_reply(a_thread(channel), "Nog plaats zaterdag?")
    deliver(app, fake_threads.webhook_delivery(reply["id"]))
    enqueued.clear()  # the broker lost the task
    later = timezone.now() + meta_webhooks.SWEEP_AFTER + timedelta(seconds=1)
    swept = meta_webhooks.events_sweep(later)
    assert swept == list(WebhookEvent.objects.values_list("pk", flat=True))
    process(enqueued)
    assert Mention.objects.get().remote_id == reply["id"]
