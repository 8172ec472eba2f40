"""Replying from the inbox: through the fakes on loopback, at most once, and never blindly."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import OutgoingPost, Profile
from klankbord.channels.networks.bluesky import chat_id
from klankbord.channels.services import channel_connect, connector_for
from klankbord.channels.tests.connected import connect_bluesky, connect_mastodon
from klankbord.channels.tests.fakes.bluesky import BUUR, DID, HANDLE, FakeBluesky
from klankbord.channels.tests.fakes.bluesky import KLANT as KLANT_BSKY
from klankbord.channels.tests.fakes.bluesky_chat import FOLLOWERS_ONLY
from klankbord.channels.tests.fakes.mastodon import FakeMastodon, Fault
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import ReplyRefused, reply_check, reply_look_up, reply_send
from klankbord.inbox.selectors import thread_of
from klankbord.inbox.tests.polled import item_for
from klankbord.listening import sources
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import AuditEvent, Membership
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create
from klankbord.test import World

Status = Reply.Status
KLANT = "@klant@example.social"


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    # The fakes run on 127.0.0.1, which production refuses.
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    # The messages are checked in their source language; the catalogues translate them.
    with translation.override("en"):
        yield


@pytest.fixture
def mastodon(world: World, fake_mastodon: FakeMastodon) -> Channel:
    return connect_mastodon(world, fake_mastodon)


@pytest.fixture
def bluesky(world: World, fake_bluesky: FakeBluesky) -> Channel:
    return connect_bluesky(world, fake_bluesky)


def test_a_mastodon_reply_answers_the_mention_and_the_item(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership, world: World
) -> None:
    question = fake_mastodon.add_mention("Zijn jullie open op zondag?")
    item = item_for(mastodon, question["id"])

    reply = reply_send(item=item, by=alice, text="Ja, van 7 tot 12 uur!")

    status = fake_mastodon.statuses[reply.remote_id]
    assert status["in_reply_to_id"] == question["id"]
    assert status["visibility"] == "public"
    # Mastodon only tells the people a post names, so the author is named as the web app does.
    assert status["text"] == f"{KLANT} Ja, van 7 tot 12 uur!"
    assert (reply.status, reply.url, reply.error) == (Status.SENT, status["url"], "")
    assert reply.sent_at is not None and reply.author == world.alice
    assert item.status == Item.Status.ANSWERED and item.draft == ""
    assert item.first_response_at == reply.sent_at
    assert item.first_response_seconds is not None
    assert AuditEvent.objects.filter(action="inbox.replied", target=f"#{item.pk}").exists()


def test_an_author_already_named_is_not_named_twice(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Hebben jullie speltbrood?")
    item = item_for(mastodon, question["id"])
    reply = reply_send(item=item, by=alice, text=f"Dag {KLANT}, elke vrijdag!")
    assert fake_mastodon.published_texts() == [f"Dag {KLANT}, elke vrijdag!"]
    assert reply.text == f"Dag {KLANT}, elke vrijdag!"


def test_a_bluesky_reply_in_a_thread_has_the_thread_as_root_and_the_answered_post_as_parent(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    opening = fake_bluesky.add_mention("Wie kent een goede bakker in Leuven?")
    question = fake_bluesky.add_mention(
        f"@{HANDLE} misschien jullie? Open op zondag?", reply_to=opening
    )
    item = item_for(bluesky, question)

    reply = reply_send(item=item, by=alice, text="Ja, van 7 tot 12 uur!")

    [record] = fake_bluesky.our_posts()
    assert record["reply"]["root"]["uri"] == opening
    assert record["reply"]["parent"]["uri"] == question
    assert record["reply"]["parent"]["cid"] == fake_bluesky.records[question]["cid"]
    assert record["text"] == "Ja, van 7 tot 12 uur!"
    assert reply.status == Status.SENT and reply.remote_id.startswith(f"at://{DID}/")
    assert reply.url.startswith(f"https://bsky.app/profile/{HANDLE}/post/")
    assert item.status == Item.Status.ANSWERED


def test_an_unknown_outcome_is_never_sent_twice_and_the_look_up_finds_the_reply(
    mastodon: Channel,
    fake_mastodon: FakeMastodon,
    alice: Membership,
    settings: Any,
    one_try: None,
) -> None:
    question = fake_mastodon.add_mention("Kan ik een taart bestellen?")
    item = item_for(mastodon, question["id"])
    # The fake stores the reply, then answers too late; the look-up right after waits behind it.
    settings.HTTP_TIMEOUT_SECONDS = 0.3
    fake_mastodon.hang_after_accept = 1

    reply = reply_send(item=item, by=alice, text="Zeker, bel ons even.")

    assert reply.status == Status.UNCONFIRMED
    item.refresh_from_db()
    assert item.is_open and item.draft == "Zeker, bel ons even."
    with pytest.raises(ReplyRefused) as refused:
        reply_send(item=item, by=alice, text="Zeker, bel ons even.")
    assert "Check it first" in refused.value.message
    assert Reply.objects.count() == 1

    settings.HTTP_TIMEOUT_SECONDS = 5
    reply_look_up(reply=reply)

    assert reply.status == Status.SENT
    assert fake_mastodon.published_texts() == [f"{KLANT} Zeker, bel ons even."]
    assert fake_mastodon.statuses[reply.remote_id]["in_reply_to_id"] == question["id"]
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED
    assert item.first_response_at == reply.created_at


def test_a_reply_stuck_sending_after_its_sender_stopped_is_looked_up_and_may_go_again(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership, world: World
) -> None:
    question = fake_bluesky.add_mention(f"@{HANDLE} nog plaats op de workshop?")
    item = item_for(bluesky, question)
    long_ago = timezone.now() - timedelta(hours=1)
    stuck = Reply.objects.create(
        item=item,
        author=world.alice,
        channel=bluesky,
        text="Ja!",
        idempotency_key="stuck-1",
        status=Status.SENDING,
        created_at=long_ago,
    )
    with pytest.raises(ReplyRefused):
        reply_send(item=item, by=alice, text="Ja!")

    reply_look_up(reply=stuck)

    # Bluesky has no post under the key's record key: it never went out.
    assert stuck.status == Status.FAILED
    assert "you can send it again" in stuck.error
    assert reply_send(item=item, by=alice, text="Ja!").status == Status.SENT
    assert len(fake_bluesky.our_posts()) == 1


def test_a_reply_sending_right_now_is_not_looked_up_yet(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership, world: World
) -> None:
    question = fake_mastodon.add_mention("Hallo?")
    item = item_for(mastodon, question["id"])
    busy = Reply.objects.create(
        item=item, author=world.alice, channel=mastodon, text="x", idempotency_key="busy-1"
    )
    with pytest.raises(ReplyRefused) as refused:
        reply_send(item=item, by=alice, text="Nog een antwoord")
    assert "being sent right now" in refused.value.message
    assert reply_look_up(reply=busy).status == Status.SENDING
    assert fake_mastodon.published_texts() == []


def test_text_over_the_servers_limit_is_refused_before_anything_is_sent(
    world: World, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    fake_mastodon.max_characters = 100  # this server's own limit, stored when connecting
    channel = connect_mastodon(world, fake_mastodon)
    question = fake_mastodon.add_mention("Wat kost een taart?")
    item = item_for(channel, question["id"])
    text = (
        "Een taart voor acht personen kost 24 euro, met verse aardbeien 28 euro. "
        "Tot zondag, smakelijk!"
    )
    assert len(text) < 100 < len(f"@klant {text}")  # the author's name counts as @klant

    with pytest.raises(ReplyRefused) as refused:
        reply_send(item=item, by=alice, text=text)

    assert "too long for Mastodon" in refused.value.message
    assert "(101 of 100)" in refused.value.message
    assert fake_mastodon.published_texts() == []
    assert not Reply.objects.exists()
    item.refresh_from_db()
    assert item.status == Item.Status.NEW


def test_more_than_300_characters_is_refused_for_bluesky_before_sending(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    question = fake_bluesky.add_mention(f"@{HANDLE} vraagje")
    item = item_for(bluesky, question)
    with pytest.raises(ReplyRefused):
        reply_check(item, "é" * 301)
    with pytest.raises(ReplyRefused):
        reply_send(item=item, by=alice, text="é" * 301)
    assert "com.atproto.repo.createRecord" not in fake_bluesky.calls
    assert reply_check(item, "👍🏽" * 300) == bluesky


@pytest.mark.parametrize("outage", ["refused", "503"])
def test_during_an_outage_the_reply_fails_and_the_item_keeps_its_draft(
    outage: str,
    mastodon: Channel,
    fake_mastodon: FakeMastodon,
    alice: Membership,
    unused_port: int,
    one_try: None,
) -> None:
    question = fake_mastodon.add_mention("Zijn jullie open?")
    item = item_for(mastodon, question["id"])
    if outage == "refused":
        Channel.objects.filter(pk=mastodon.pk).update(base_url=f"http://127.0.0.1:{unused_port}")
    else:
        fake_mastodon.faults.append(
            Fault(503, {"error": "Service Unavailable"}, path="/api/v1/statuses")
        )

    reply = reply_send(item=item, by=alice, text="Ja, tot 18 uur.")

    assert reply.status == Status.FAILED
    # A 503 may come after the server made the reply: it was looked up, and it is not there.
    assert ("Mastodon" if outage == "refused" else "was not sent") in reply.error
    item.refresh_from_db()
    assert item.is_open and item.draft == "Ja, tot 18 uur."
    assert fake_mastodon.published_texts() == []
    # Once the network is back, the same text simply goes out.
    Channel.objects.filter(pk=mastodon.pk).update(base_url=fake_mastodon.base_url)
    assert reply_send(item=item, by=alice, text=item.draft).status == Status.SENT
    assert fake_mastodon.published_texts() == [f"{KLANT} Ja, tot 18 uur."]


def test_a_reply_to_a_deleted_mastodon_post_says_so_and_keeps_the_item(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Nog croissants?")
    item = item_for(mastodon, question["id"])
    fake_mastodon.delete_status(question["id"])

    reply = reply_send(item=item, by=alice, text="Ja, nog tien!")

    assert reply.status == Status.FAILED
    assert reply.error == "The post to reply to no longer exists."
    item.refresh_from_db()
    assert item.is_open and item.draft == "Ja, nog tien!"
    assert fake_mastodon.published_texts() == []


def test_a_reply_to_a_deleted_bluesky_post_says_so_and_keeps_the_item(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    question = fake_bluesky.add_mention(f"@{HANDLE} nog croissants?")
    item = item_for(bluesky, question)
    del fake_bluesky.records[question]  # the author deleted it

    reply = reply_send(item=item, by=alice, text="Ja, nog tien!")

    assert (reply.status, reply.error) == (Status.FAILED, "The post to reply to no longer exists.")
    item.refresh_from_db()
    assert item.is_open and item.draft == "Ja, nog tien!"
    assert fake_bluesky.our_posts() == []


def test_a_private_reply_on_mastodon_goes_out_as_a_direct_message_to_the_author(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Mijn bestelling was niet klaar.")
    item = item_for(mastodon, question["id"])

    reply = reply_send(item=item, by=alice, text="Sorry! Mag ik je nummer?", private=True)

    status = fake_mastodon.statuses[reply.remote_id]
    assert status["visibility"] == "direct"
    assert status["text"] == f"{KLANT} Sorry! Mag ik je nummer?"
    assert reply.private and reply.status == Status.SENT


def test_a_direct_message_is_stored_as_a_message_and_answered_privately(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    message = fake_mastodon.add_mention("Kan ik mijn adres doorgeven?", visibility="direct")
    item = item_for(mastodon, message["id"])
    assert item.mention.kind == "message"

    reply = reply_send(item=item, by=alice, text="Natuurlijk, stuur het maar.")

    # A private conversation is never answered in public.
    assert reply.private
    assert fake_mastodon.statuses[reply.remote_id]["visibility"] == "direct"


def test_a_private_mention_below_our_post_stays_a_message_when_read_as_a_reply(
    mastodon: Channel, fake_mastodon: FakeMastodon, world: World
) -> None:
    ours = connector_for(mastodon).publish(
        OutgoingPost(text="Nieuw: speltbrood", idempotency_key="p1")
    )
    post = post_create(
        organisation=world.org, author=world.alice, text="Nieuw: speltbrood", channels=[mastodon]
    )
    post.targets.update(
        status=PostTarget.Status.PUBLISHED, remote_id=ours.remote_id, published_at=timezone.now()
    )
    fake_mastodon.add_mention("Wat kost het?", reply_to=ours.remote_id, visibility="direct")
    fake_mastodon.add_mention("Lekker!", reply_to=ours.remote_id)
    comments = Source.objects.get(channel=mastodon, kind=Source.Kind.COMMENTS)

    sources.poll(comments.pk)

    stored = dict(Mention.objects.filter(source=comments).values_list("text", "kind"))
    assert stored == {"Wat kost het?": "message", "Lekker!": "reply"}


def test_a_bluesky_direct_message_is_answered_in_its_conversation_exactly_once(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    convo, asked = fake_bluesky.chat.add_message(
        "Kan ik morgen een taart halen?", author=KLANT_BSKY
    )
    item = item_for(bluesky, chat_id(convo, asked))
    assert item.mention.kind == "message" and item.mention.author_handle == f"@{KLANT_BSKY}"

    reply = reply_send(item=item, by=alice, text="Ja, vanaf 8 uur!")

    # A private conversation is never answered in public, nor twice.
    assert reply.private and reply.status == Status.SENT
    assert (
        fake_bluesky.chat.our_messages() == ["Ja, vanaf 8 uur!"] and fake_bluesky.our_posts() == []
    )
    last = fake_bluesky.chat.convos[convo].messages[-1]
    assert reply.remote_id == chat_id(convo, last["id"])
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED
    # Their answer is a new item that shows the conversation so far; ours is not read back.
    _convo, thanks = fake_bluesky.chat.add_message("Top, tot morgen!", author=KLANT_BSKY)
    following = item_for(bluesky, chat_id(convo, thanks))
    assert [(post.text, post.ours) for post in thread_of(following)] == [
        ("Kan ik morgen een taart halen?", False),
        ("Ja, vanaf 8 uur!", True),
    ]
    assert Mention.objects.filter(kind="message").count() == 2


def test_an_unknown_outcome_of_a_bluesky_message_is_looked_up_and_never_sent_twice(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership, settings: Any, one_try: None
) -> None:
    convo, asked = fake_bluesky.chat.add_message("Is mijn bestelling klaar?", author=KLANT_BSKY)
    item = item_for(bluesky, chat_id(convo, asked))
    # The fake stores the message, then answers too late; the look-up right after waits behind it.
    settings.HTTP_TIMEOUT_SECONDS = 0.3
    fake_bluesky.chat.hang_after_send = 1

    reply = reply_send(item=item, by=alice, text="Ja, ze staat klaar.")

    assert reply.status == Status.UNCONFIRMED
    with pytest.raises(ReplyRefused) as refused:
        reply_send(item=item, by=alice, text="Ja, ze staat klaar.")
    assert "Check it first" in refused.value.message

    settings.HTTP_TIMEOUT_SECONDS = 5
    reply_look_up(reply=reply)

    assert reply.status == Status.SENT
    assert fake_bluesky.chat.our_messages() == ["Ja, ze staat klaar."]
    assert reply.remote_id == chat_id(convo, fake_bluesky.chat.convos[convo].messages[-1]["id"])
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED
    assert item.first_response_at == reply.created_at


def test_a_lost_bluesky_message_that_never_arrived_may_be_sent_again(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership, world: World
) -> None:
    convo, asked = fake_bluesky.chat.add_message("Hallo?", author=KLANT_BSKY)
    item = item_for(bluesky, chat_id(convo, asked))
    stuck = Reply.objects.create(
        item=item, author=world.alice, channel=bluesky, text="Dag!", private=True,
        idempotency_key="stuck-dm", status=Status.UNCONFIRMED,
    )  # fmt: skip

    assert reply_look_up(reply=stuck).status == Status.FAILED
    assert reply_send(item=item, by=alice, text="Dag!").status == Status.SENT
    assert fake_bluesky.chat.our_messages() == ["Dag!"]


def test_a_private_reply_to_a_bluesky_post_goes_to_its_author_as_a_message(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    question = fake_bluesky.add_mention(f"@{HANDLE} mag ik privé iets vragen?")
    item = item_for(bluesky, question)

    reply = reply_send(item=item, by=alice, text="Zeker, zeg het maar.", private=True)

    assert reply.private and reply.status == Status.SENT
    convo = fake_bluesky.chat.convo_with(KLANT_BSKY)
    assert [m["text"] for m in convo.messages] == ["Zeker, zeg het maar."]
    assert fake_bluesky.our_posts() == []


def test_someone_on_bluesky_who_takes_no_messages_gets_no_private_reply(
    bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    question = fake_bluesky.add_mention(f"@{HANDLE} jullie brood was oud", author=BUUR)
    item = item_for(bluesky, question)
    fake_bluesky.chat.not_accepting[fake_bluesky.handles[BUUR]] = FOLLOWERS_ONLY

    reply = reply_send(item=item, by=alice, text="Sorry! Mag ik je nummer?", private=True)

    assert reply.status == Status.FAILED
    assert reply.error == "This person does not accept direct messages from you on Bluesky."
    item.refresh_from_db()
    assert item.is_open and item.draft == "Sorry! Mag ik je nummer?"
    assert fake_bluesky.chat.our_messages() == [] and fake_bluesky.our_posts() == []


def test_an_app_password_without_access_to_messages_fails_the_reply_not_the_channel(
    world: World, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    fake_bluesky.app_password_dms = False
    channel = connect_bluesky(world, fake_bluesky)
    question = fake_bluesky.add_mention(f"@{HANDLE} even privé?")
    item = item_for(channel, question)

    reply = reply_send(item=item, by=alice, text="Natuurlijk.", private=True)

    assert reply.status == Status.FAILED
    assert "Allow access to your direct messages" in reply.error
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    assert reply_send(item=item, by=alice, text="Natuurlijk.").status == Status.SENT


def test_a_feed_mention_cannot_be_answered(world: World, alice: Membership) -> None:
    feed = channel_connect(
        organisation=world.org,
        network="rss",
        profile=Profile(
            external_id="https://blog.example/feed", handle="Blog", display_name="Blog"
        ),
        by=world.alice,
        base_url="https://blog.example/feed",
    )
    source = Source.objects.get(channel=feed, kind=Source.Kind.FEED)
    mention = Mention.objects.create(
        organisation=world.org,
        source=source,
        network="rss",
        remote_id="https://blog.example/beste-bakker",
        key="rss-1",
        text="De beste bakker van Leuven",
    )
    item = Item.objects.create(organisation=world.org, mention=mention)
    with pytest.raises(ReplyRefused) as refused:
        reply_check(item, "Dank je!")
    assert refused.value.message == "You cannot reply on a feed."
    with pytest.raises(ReplyRefused):
        reply_send(item=item, by=alice, text="Dank je!")


def test_a_revoked_token_fails_the_reply_and_marks_the_channel_broken(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Hallo?")
    item = item_for(mastodon, question["id"])
    fake_mastodon.revoke_all_tokens()

    reply = reply_send(item=item, by=alice, text="Dag!")

    assert reply.status == Status.FAILED and "Reconnect" in reply.error
    mastodon.refresh_from_db()
    assert mastodon.status == Channel.Status.BROKEN
    with pytest.raises(ReplyRefused) as refused:
        reply_check(item, "Dag!")
    assert "not connected" in refused.value.message


def test_a_rate_limit_says_when_to_try_again(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Hallo?")
    item = item_for(mastodon, question["id"])
    fake_mastodon.faults.append(
        Fault(429, {"error": "Too many requests"}, {"Retry-After": "600"}, "/api/v1/statuses")
    )
    reply = reply_send(item=item, by=alice, text="Dag!")
    assert reply.status == Status.FAILED
    assert "slow down" in reply.error and "Try again after" in reply.error
    assert fake_mastodon.published_texts() == []


def test_a_reply_is_never_sent_from_inside_another_transaction(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Hallo?")
    item = item_for(mastodon, question["id"])
    with transaction.atomic(), pytest.raises(RuntimeError):
        # Its "sending" row would not be committed before the network hears of it.
        reply_send(item=item, by=alice, text="Dag!")
    assert fake_mastodon.published_texts() == []


def test_an_empty_reply_is_refused(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Hallo?")
    item = item_for(mastodon, question["id"])
    with pytest.raises(ReplyRefused):
        reply_check(item, "  \n ")


def test_a_bluesky_message_may_be_longer_than_a_post_but_not_endless(
    world: World, bluesky: Channel, fake_bluesky: FakeBluesky, alice: Membership
) -> None:
    convo, asked = fake_bluesky.chat.add_message("Wat zit er in jullie desem?", author=KLANT_BSKY)
    item = item_for(bluesky, chat_id(convo, asked))
    long_answer = "Bloem, water, zout en tijd. " * 20  # 560 graphemes: too long for a post
    assert reply_check(item, long_answer) == bluesky
    counter = Client()
    counter.force_login(world.alice)
    shown = counter.post(
        f"/o/{world.org.slug}/inbox/{item.pk}/tellen/", {"text": long_answer}
    ).content.decode()
    assert '<span class="counter-figure">560 / 1000</span>' in shown
    with pytest.raises(ReplyRefused) as refused:
        reply_check(item, "a" * 1001)
    assert "too long for Bluesky" in refused.value.message
    assert fake_bluesky.chat.our_messages() == []
