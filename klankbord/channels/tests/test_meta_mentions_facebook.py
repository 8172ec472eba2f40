"""Posts by visitors on a Facebook Page and posts that tag or mention it come in once, by polling
and by webhook, and are answered once from the inbox with a comment below them."""

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from klankbord.channels import meta_webhooks, services
from klankbord.channels.models import Channel, FacebookApp, WebhookEvent
from klankbord.channels.services import facebook_app_save
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import APP_SECRET, FakeFacebook, Fault
from klankbord.channels.tests.test_meta_webhooks import deliver, process
from klankbord.inbox import services as inbox
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import ReplyRefused, reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.lib import http
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World

pytestmark = pytest.mark.django_db
COMMENTS = r"/\d+_\d+/comments"


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
def page(world: World, fake_facebook: FakeFacebook) -> Channel:
    channel = connect_facebook(world, fake_facebook)
    listening.sources_sync(world.org)
    return channel


@pytest.fixture
def app(world: World, page: Channel) -> FacebookApp:
    facebook_app_save(organisation=world.org, app_id="1234", app_secret=APP_SECRET, by=world.alice)
    return meta_webhooks.webhook_ensure(FacebookApp.objects.get(organisation=world.org))


def source_of(page: Channel) -> Source:
    return Source.objects.get(channel=page, kind=Source.Kind.MENTIONS)


def alice_in(world: World) -> Membership:
    return Membership.objects.get(user=world.alice, organisation=world.org)


def delivery(page: Channel, field: str, value: dict[str, Any]) -> dict[str, Any]:
    # docs/graph-api/webhooks/reference/page: the feed and mention fields of the page object.
    entry: dict[str, Any] = {"id": page.external_id, "time": int(time.time()), "changes": []}
    entry["changes"].append({"field": field, "value": value})
    return {"object": "page", "entry": [entry]}


def visitor_post_change(post: dict[str, Any], verb: str = "add") -> dict[str, Any]:
    return {
        "from": post["from"],
        "item": "status",
        "post_id": post["id"],
        "message": post["message"],
        "created_time": int(time.time()),
        "verb": verb,
    }


def mention_change(post_id: str, comment_id: str = "", **extra: Any) -> dict[str, Any]:
    value = {
        "post_id": post_id,
        "sender_name": "Tom Claes",
        "sender_id": "24242424",
        "item": "comment" if comment_id else "post",
        "verb": "add",
        **extra,
    }
    if comment_id:
        value["comment_id"] = comment_id
    return value


def test_visitor_posts_and_posts_tagging_the_page_come_in_without_our_own(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    fake_facebook._new_post(page.external_id, "Onze kerststollen zijn er!")
    visitor = fake_facebook.add_visitor_post(page.external_id, "Waren jullie gisteren open?")
    tagging = fake_facebook.add_tagging_post(page.external_id, "Lekkerste brood van Gent!")

    found = services.connector_for(page).mentions()

    assert sorted((m.kind, m.text) for m in found.mentions) == [
        ("mention", "Lekkerste brood van Gent!"),
        ("mention", "Waren jullie gisteren open?"),
    ]
    assert {m.remote_id for m in found.mentions} == {visitor["id"], tagging["id"]}
    # Graph keeps a person's name from the Page when it reads their post.
    assert {m.author_name for m in found.mentions} == {"Facebook user"}
    assert {"posts", "tagged"} <= set(json.loads(found.cursor))


def test_each_post_is_stored_once_over_several_polls(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    source = source_of(page)
    fake_facebook.add_visitor_post(page.external_id, "Hebben jullie ook spelt?")
    fake_facebook.add_tagging_post(page.external_id, "Met @Bakkerij Vandevelde op stap")

    assert sources.poll(source.pk) == 2
    assert sources.poll(source.pk) == 0
    fake_facebook.add_tagging_post(page.external_id, "Weer een taart van hen")
    assert sources.poll(source.pk) == 1
    assert sources.poll(source.pk) == 0

    assert Mention.objects.filter(kind="mention").count() == 3


def test_a_visitor_post_comes_in_once_through_the_webhook_and_polling_adds_nothing(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    post = fake_facebook.add_visitor_post(page.external_id, "Kan ik hier een taart bestellen?")
    payload = delivery(page, "feed", visitor_post_change(post))

    assert deliver(app, payload).status_code == 200
    assert deliver(app, payload).status_code == 200  # Meta delivers again
    assert WebhookEvent.objects.filter(key=f"post:{post['id']}:add").count() == 1
    process(enqueued)

    mention = Mention.objects.get(remote_id=post["id"])
    assert (mention.kind, mention.author_name) == ("mention", "Lies Wouters")
    assert mention.text == "Kan ik hier een taart bestellen?"
    assert sources.poll(source_of(page).pk) == 0
    assert Mention.objects.count() == 1


def test_our_own_post_on_the_feed_webhook_is_not_brought_in(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    post = fake_facebook._new_post(page.external_id, "Nieuw: speltbrood")
    deliver(app, delivery(page, "feed", visitor_post_change(post)))
    process(enqueued)

    assert not Mention.objects.exists()
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_a_mention_webhook_is_read_from_graph_with_the_senders_name(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    post = fake_facebook.add_tagging_post(page.external_id, "Bedankt Bakkerij Vandevelde!")
    deliver(app, delivery(page, "mention", mention_change(post["id"])))
    process(enqueued)

    mention = Mention.objects.get(remote_id=post["id"])
    assert (mention.kind, mention.text) == ("mention", "Bedankt Bakkerij Vandevelde!")
    assert mention.author_name == "Tom Claes"
    assert sources.poll(source_of(page).pk) == 0  # the tagged edge brings the same post


def test_a_comment_that_mentions_the_page_comes_in_below_its_post(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    post = fake_facebook.add_tagging_post(page.external_id, "Ontbijt vandaag")
    comment = fake_facebook.add_comment(post["id"], "Van Bakkerij Vandevelde, toch?")
    deliver(app, delivery(page, "mention", mention_change(post["id"], comment["id"])))
    process(enqueued)

    mention = Mention.objects.get(remote_id=comment["id"])
    assert (mention.kind, mention.in_reply_to) == ("mention", post["id"])
    assert mention.text == "Van Bakkerij Vandevelde, toch?"
    assert mention.author_name == "Jan Peeters"


def test_a_mention_deleted_before_we_read_it_is_done_without_trying_again(
    app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    post = fake_facebook.add_tagging_post(page.external_id, "Even later verwijderd")
    fake_facebook.delete_post(post["id"])
    deliver(app, delivery(page, "mention", mention_change(post["id"])))
    process(enqueued)
    process(enqueued)  # a second delivery of the task changes nothing
    assert meta_webhooks.events_sweep() == []

    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.DONE and event.attempts == 1
    assert post["id"] in event.error  # Graph's reason, in the organisation's language
    assert not Mention.objects.exists()
    assert fake_facebook.requests_to("GET", rf"/{post['id']}") == 1


def test_a_visitor_post_is_answered_once_with_a_comment_below_it(
    world: World, page: Channel, fake_facebook: FakeFacebook
) -> None:
    post = fake_facebook.add_visitor_post(page.external_id, "Open op tweede kerstdag?")
    item = item_for(page, post["id"])

    reply = reply_send(item=item, by=alice_in(world), text="Ja, tot 12 uur!")

    assert reply.status == Reply.Status.SENT and not reply.private
    ours = fake_facebook.comments[reply.remote_id]
    assert (ours["post_id"], ours["from"]["id"]) == (post["id"], page.external_id)
    assert fake_facebook.requests_to("POST", COMMENTS) == 1


def test_a_lost_answer_to_a_tagging_post_is_looked_up_not_sent_again(
    world: World, page: Channel, fake_facebook: FakeFacebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    post = fake_facebook.add_tagging_post(page.external_id, "Beste croissants ooit")
    item = item_for(page, post["id"])
    fake_facebook.drop_after_accept = 1

    reply = reply_send(item=item, by=alice_in(world), text="Dank je wel!")

    assert reply.status == Reply.Status.SENT
    assert fake_facebook.requests_to("POST", COMMENTS) == 1
    answers = [c for c in fake_facebook.comments.values() if c["post_id"] == post["id"]]
    assert [c["message"] for c in answers] == ["Dank je wel!"]


def test_a_visitor_post_is_answered_privately_once_in_messenger(
    world: World, page: Channel, fake_facebook: FakeFacebook
) -> None:
    post = fake_facebook.add_visitor_post(page.external_id, "Wat kost een verjaardagstaart?")
    item = item_for(page, post["id"])

    reply = reply_send(item=item, by=alice_in(world), text="Vanaf 24 euro.", private=True)

    assert reply.private and reply.status == Reply.Status.SENT
    assert reply.remote_id.startswith("messenger/")
    (conversation,) = fake_facebook.conversations.values()
    assert [m["message"] for m in conversation["messages"]] == ["Vanaf 24 euro."]
    assert conversation["name"] == "Lies Wouters"
    with pytest.raises(ReplyRefused):
        reply_send(item=item, by=alice_in(world), text="Nog iets?", private=True)
    assert fake_facebook.requests_to("POST", r"/\d+/messages") == 1


def test_a_refused_tagged_edge_leaves_the_other_kinds_coming_in(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    # Meta may ask for Page Public Content Access before it shows the posts that tag a Page.
    refusal = {
        "message": "(#10) This endpoint requires the 'Page Public Content Access'",
        "code": 10,
    }
    fake_facebook.faults.append(Fault(400, refusal, path=r"/\d+/tagged"))
    fake_facebook.add_visitor_post(page.external_id, "Hebben jullie ook spelt?")

    assert sources.poll(source_of(page).pk) == 1
    page.refresh_from_db()
    assert page.status == Channel.Status.CONNECTED
    fake_facebook.add_tagging_post(page.external_id, "Met dank aan de bakker")
    assert sources.poll(source_of(page).pk) == 1  # the tag, once Meta shows it


def test_a_comment_that_mentions_the_page_is_answered_once_below_it(
    world: World, app: FacebookApp, page: Channel, fake_facebook: FakeFacebook, enqueued: list[int]
) -> None:
    post = fake_facebook.add_tagging_post(page.external_id, "Ontbijt vandaag")
    comment = fake_facebook.add_comment(post["id"], "Van Bakkerij Vandevelde, toch?")
    deliver(app, delivery(page, "mention", mention_change(post["id"], comment["id"])))
    process(enqueued)
    mention = Mention.objects.get(remote_id=comment["id"])
    inbox.items_from_mentions(source=source_of(page), mentions=[mention])
    item = Item.objects.get(mention=mention)

    reply = reply_send(item=item, by=alice_in(world), text="Inderdaad, smakelijk!")

    assert reply.status == Reply.Status.SENT
    ours = fake_facebook.comments[reply.remote_id]
    assert (ours["parent"], ours["from"]["id"]) == (comment["id"], page.external_id)
    assert fake_facebook.requests_to("POST", COMMENTS) == 1
