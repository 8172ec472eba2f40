"""Posts that tag the Instagram account (polled) and captions and comments that @-mention it
(announced only by webhook) come in once, and a mention is answered once from the inbox."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from klankbord.channels import meta_webhooks, services
from klankbord.channels.models import Channel, FacebookApp, WebhookEvent
from klankbord.channels.networks.instagram import mention_id
from klankbord.channels.services import facebook_app_save
from klankbord.channels.tests.fakes.facebook import APP_SECRET, FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram
from klankbord.channels.tests.test_meta_webhooks import deliver, process
from klankbord.inbox import services as inbox
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import ReplyRefused, reply_send
from klankbord.lib import http
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World

pytestmark = pytest.mark.django_db
MENTIONS = r"/\d+/mentions"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


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


def source_of(account: Channel) -> Source:
    return Source.objects.get(channel=account, kind=Source.Kind.MENTIONS)


def mentions_delivery(account: Channel, media_id: str, comment_id: str = "") -> dict[str, Any]:
    # docs/instagram-platform/webhooks: the mentions field of the instagram object.
    value = {"media_id": media_id}
    if comment_id:
        value["comment_id"] = comment_id
    entry: dict[str, Any] = {"id": account.external_id, "time": int(time.time()), "changes": []}
    entry["changes"].append({"field": "mentions", "value": value})
    return {"object": "instagram", "entry": [entry]}


def item_of(account: Channel, remote_id: str) -> Item:
    mention = Mention.objects.get(remote_id=remote_id)
    inbox.items_from_mentions(source=source_of(account), mentions=[mention])
    return Item.objects.select_related("mention__source__channel").get(mention=mention)


def alice_in(world: World) -> Membership:
    return Membership.objects.get(user=world.alice, organisation=world.org)


def test_posts_that_tag_the_account_come_in_once_over_several_polls_without_our_own(
    account: Channel, fake: FakeInstagram
) -> None:
    tag = fake.add_others_post("Ontbijt bij de beste bakker", tagged=True)
    fake.add_others_post("Onze eigen foto", username=fake.user["username"], tagged=True)
    fake.add_others_post("Niets met jullie te maken")
    source = source_of(account)

    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0
    fake.add_others_post("Weer lekker", username="an.claes", tagged=True)
    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0

    mention = Mention.objects.get(remote_id=mention_id(tag["id"]))
    assert (mention.kind, mention.author_handle) == ("mention", "@lies.wouters")
    assert mention.text == "Ontbijt bij de beste bakker" and mention.url == tag["permalink"]
    assert Mention.objects.count() == 2
    source.refresh_from_db()
    assert "tags" in json.loads(source.cursor)


def test_a_caption_mention_comes_in_once_through_the_webhook(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_others_post("Taart van @bakkerijvandevelde, top!")
    payload = mentions_delivery(account, media["id"])

    assert deliver(app, payload).status_code == 200
    assert deliver(app, payload).status_code == 200  # Meta delivers again
    assert WebhookEvent.objects.filter(network="instagram").count() == 1
    process(enqueued)

    mention = Mention.objects.get(remote_id=mention_id(media["id"]))
    assert (mention.kind, mention.author_handle) == ("mention", "@lies.wouters")
    assert mention.text == "Taart van @bakkerijvandevelde, top!"
    assert mention.url == media["permalink"]


def test_a_comment_mention_comes_in_with_its_post_named(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_others_post("Zondagsontbijt")
    comment = fake.add_comment_on_others(media["id"], "Van @bakkerijvandevelde?")
    deliver(app, mentions_delivery(account, media["id"], comment["id"]))
    process(enqueued)

    mention = Mention.objects.get(remote_id=mention_id(media["id"], comment["id"]))
    assert (mention.kind, mention.text) == ("mention", "Van @bakkerijvandevelde?")
    assert mention.author_handle == "@jan.peeters"
    assert mention.in_reply_to == mention_id(media["id"])


def test_our_own_comment_mentioning_us_is_not_brought_in(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_others_post("Zondagsontbijt")
    ours = fake.add_comment_on_others(
        media["id"], "Dank je! @bakkerijvandevelde", username=fake.user["username"]
    )
    deliver(app, mentions_delivery(account, media["id"], ours["id"]))
    process(enqueued)

    assert not Mention.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_a_mention_deleted_before_we_read_it_is_done_without_trying_again(
    app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_others_post("Even @bakkerijvandevelde vermelden")
    fake.delete_others_post(media["id"])
    deliver(app, mentions_delivery(account, media["id"]))
    process(enqueued)
    process(enqueued)
    assert meta_webhooks.events_sweep() == []

    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.DONE and event.attempts == 1
    assert not Mention.objects.exists()
    assert fake.requests_to("GET", rf"/{account.external_id}") == 2  # connect, then this


def test_a_caption_mention_is_answered_once_with_a_comment(
    world: World, app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_others_post("Taart van @bakkerijvandevelde")
    deliver(app, mentions_delivery(account, media["id"]))
    process(enqueued)

    reply = reply_send(
        item=item_of(account, mention_id(media["id"])), by=alice_in(world), text="Dank je!"
    )

    assert reply.status == Reply.Status.SENT
    ours = fake.comments[reply.remote_id]
    assert (ours["media_id"], ours["text"], ours["username"]) == (
        media["id"],
        "Dank je!",
        fake.user["username"],
    )
    assert fake.requests_to("POST", MENTIONS) == 1


def test_a_comment_mention_is_answered_below_the_comment(
    world: World, app: FacebookApp, account: Channel, fake: FakeInstagram, enqueued: list[int]
) -> None:
    media = fake.add_others_post("Zondagsontbijt")
    comment = fake.add_comment_on_others(media["id"], "@bakkerijvandevelde open?")
    deliver(app, mentions_delivery(account, media["id"], comment["id"]))
    process(enqueued)
    item = item_of(account, mention_id(media["id"], comment["id"]))

    reply = reply_send(item=item, by=alice_in(world), text="Ja, tot 12 uur.")

    assert reply.status == Reply.Status.SENT
    assert fake.comments[reply.remote_id]["parent_id"] == comment["id"]


def test_a_lost_answer_to_a_mention_stays_unclear_and_is_never_sent_again(
    world: World,
    app: FacebookApp,
    account: Channel,
    fake: FakeInstagram,
    enqueued: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    media = fake.add_others_post("Taart van @bakkerijvandevelde")
    deliver(app, mentions_delivery(account, media["id"]))
    process(enqueued)
    item = item_of(account, mention_id(media["id"]))
    fake.drop_after_accept = 1

    reply = reply_send(item=item, by=alice_in(world), text="Dank je!")

    # Instagram shows no answers to mentions: a look-up cannot tell, so no resend.
    assert reply.status == Reply.Status.UNCONFIRMED
    with pytest.raises(ReplyRefused):
        reply_send(item=item, by=alice_in(world), text="Dank je!")
    assert fake.requests_to("POST", MENTIONS) == 1
    assert [c["text"] for c in fake.comments.values()] == ["Dank je!"]


def test_a_post_that_only_tags_the_account_cannot_be_answered_and_says_why(
    world: World, account: Channel, fake: FakeInstagram
) -> None:
    tag = fake.add_others_post("Ontbijt", tagged=True)
    sources.poll(source_of(account).pk)

    reply = reply_send(
        item=item_of(account, mention_id(tag["id"])), by=alice_in(world), text="Dank je!"
    )

    assert reply.status == Reply.Status.FAILED and "not mentioned" in reply.error
    assert not fake.comments


def test_the_connector_reads_tags_with_only_fields_graph_has(
    account: Channel, fake: FakeInstagram
) -> None:
    fake.add_others_post("Ontbijt", tagged=True)
    found = services.connector_for(account).mentions()
    assert [m.kind for m in found.mentions] == ["mention"]
    assert fake.requests_to("GET", rf"/{account.external_id}/tags") == 1
