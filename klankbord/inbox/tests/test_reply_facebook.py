"""Answering Facebook comments in public and Messenger messages in private, each exactly once."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError, OutgoingPost
from klankbord.channels.networks.facebook import message_id
from klankbord.channels.services import connector_for
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import ReplyRefused, reply_look_up, reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.orgs.models import Membership
from klankbord.test import World

pytestmark = pytest.mark.django_db
Status = Reply.Status
COMMENT_REPLIES = r"/\d+_\d+/comments"
SEND = r"/\d+/messages"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    # The fake runs on 127.0.0.1, which production refuses.
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture
def page(world: World, fake_facebook: FakeFacebook) -> Channel:
    return connect_facebook(world, fake_facebook)


def a_comment(fake: FakeFacebook, page: Channel, text: str) -> dict[str, Any]:
    post = fake._new_post(page.external_id, "Nieuw: speltbrood!")
    return fake.add_comment(post["id"], text)


def a_message(fake: FakeFacebook, page: Channel, text: str) -> str:
    sent = fake.add_message(page.external_id, text)
    conversation = next(iter(fake.conversations.values()))
    return message_id(conversation["psid"], sent["id"])


def our_replies(fake: FakeFacebook, page: Channel) -> list[str]:
    return [c["message"] for c in fake.comments.values() if c["from"]["id"] == page.external_id]


def our_messages(fake: FakeFacebook, page: Channel) -> list[str]:
    return [
        m["message"]
        for c in fake.conversations.values()
        for m in c["messages"]
        if m["from"]["id"] == page.external_id
    ]


def test_a_comment_is_answered_in_public_below_it(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership
) -> None:
    question = a_comment(fake_facebook, page, "Is het speltbrood ook glutenvrij?")
    item = item_for(page, question["id"])

    reply = reply_send(item=item, by=alice, text="Nee, maar vrijdag wel!")

    ours = fake_facebook.comments[reply.remote_id]
    assert ours["parent"] == question["id"] and ours["message"] == "Nee, maar vrijdag wel!"
    assert reply.status == Status.SENT and not reply.private
    assert reply.url == f"https://www.facebook.com/{reply.remote_id}"
    item.refresh_from_db()
    assert item.status == Item.Status.ANSWERED


def test_an_unclear_comment_reply_is_looked_up_among_the_replies_and_never_sent_twice(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership, one_try: None
) -> None:
    question = a_comment(fake_facebook, page, "Kan ik een taart bestellen?")
    item = item_for(page, question["id"])
    fake_facebook.drop_after_accept = 1

    reply = reply_send(item=item, by=alice, text="Zeker, bel ons even.")

    # The look-up right after the lost answer found it among the comment's replies.
    assert reply.status == Status.SENT
    assert our_replies(fake_facebook, page) == ["Zeker, bel ons even."]
    assert fake_facebook.requests_to("POST", COMMENT_REPLIES) == 1
    assert fake_facebook.requests_to("GET", rf"/{question['id']}/comments") == 1


def test_a_comment_reply_lost_before_it_arrived_fails_and_may_go_again(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership, one_try: None
) -> None:
    question = a_comment(fake_facebook, page, "Open op maandag?")
    item = item_for(page, question["id"])
    fake_facebook.drop_before_accept = 1

    reply = reply_send(item=item, by=alice, text="Nee, op maandag zijn we dicht.")

    assert reply.status == Status.FAILED and "not sent" in reply.error
    again = reply_send(item=item, by=alice, text="Nee, op maandag zijn we dicht.")
    assert again.status == Status.SENT
    assert our_replies(fake_facebook, page) == ["Nee, op maandag zijn we dicht."]


def test_a_messenger_message_is_answered_privately_as_a_response(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership
) -> None:
    remote_id = a_message(fake_facebook, page, "Kan ik morgen een taart halen?")
    item = item_for(page, remote_id)
    assert item.mention.kind == "message"

    reply = reply_send(item=item, by=alice, text="Ja, vanaf 8 uur!")

    assert reply.private and reply.status == Status.SENT
    assert our_messages(fake_facebook, page) == ["Ja, vanaf 8 uur!"]
    assert our_replies(fake_facebook, page) == []
    [(request, _response)] = [
        entry for entry in fake_facebook.server.log if entry[0].path.endswith("/messages")
    ]
    assert request.form["messaging_type"] == "RESPONSE"
    assert reply.remote_id.startswith(remote_id.rsplit("/", 1)[0] + "/m_")


def test_an_unclear_messenger_answer_is_looked_up_in_the_conversation_and_never_sent_twice(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership, one_try: None
) -> None:
    remote_id = a_message(fake_facebook, page, "Is mijn bestelling klaar?")
    item = item_for(page, remote_id)
    fake_facebook.drop_after_accept = 1

    reply = reply_send(item=item, by=alice, text="Ja, ze staat klaar.")

    assert reply.status == Status.SENT
    assert our_messages(fake_facebook, page) == ["Ja, ze staat klaar."]
    assert fake_facebook.requests_to("POST", SEND) == 1


def test_an_unclear_answer_that_cannot_be_checked_stays_unconfirmed_and_blocks_another(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership, one_try: None
) -> None:
    remote_id = a_message(fake_facebook, page, "Hebben jullie nog pistolets?")
    item = item_for(page, remote_id)
    fake_facebook.drop_after_accept = 1
    fake_facebook.faults.append(
        Fault(500, {"message": "An unknown error has occurred.", "code": 1}, path=r"/t_\d+/.*")
    )

    reply = reply_send(item=item, by=alice, text="Ja, nog tien.")

    assert reply.status == Status.UNCONFIRMED
    with pytest.raises(ReplyRefused, match="Check it first"):
        reply_send(item=item, by=alice, text="Ja, nog tien.")
    reply_look_up(reply=reply)
    assert reply.status == Status.SENT
    assert fake_facebook.requests_to("POST", SEND) == 1


def test_a_message_older_than_24_hours_is_refused_before_anything_is_sent(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership
) -> None:
    remote_id = a_message(fake_facebook, page, "Kunnen jullie leveren?")
    item = item_for(page, remote_id)

    later = time_machine.travel(timezone.now() + timedelta(hours=25))
    with later, pytest.raises(ReplyRefused) as refused:
        reply_send(item=item, by=alice, text="Ja, in Leuven.")

    assert "within 24 hours of the customer's last message" in refused.value.message
    assert fake_facebook.requests_to("POST", SEND) == 0 and Reply.objects.count() == 0


def test_a_newer_message_in_the_conversation_opens_the_window_again(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership
) -> None:
    old = a_message(fake_facebook, page, "Kunnen jullie leveren?")
    item = item_for(page, old)
    with time_machine.travel(timezone.now() + timedelta(hours=30)):
        newer = a_message(fake_facebook, page, "Hallo? Nog steeds de vraag")
        item_for(page, newer)

        reply = reply_send(item=item, by=alice, text="Sorry! Ja, in Leuven.")

    assert reply.status == Status.SENT


def test_a_comment_is_answered_privately_once_in_messenger(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership
) -> None:
    """Meta's Private Replies: one Messenger message to the author of a comment."""
    question = a_comment(fake_facebook, page, "Wat kost een taart?")
    item = item_for(page, question["id"])

    reply = reply_send(item=item, by=alice, text="Een taart kost 24 euro.", private=True)

    assert reply.private and reply.status == Status.SENT
    assert our_messages(fake_facebook, page) == ["Een taart kost 24 euro."]
    assert reply.remote_id.startswith("messenger/")
    with pytest.raises(ReplyRefused, match="one private answer to a comment"):
        reply_send(item=item, by=alice, text="Nog een vraag?", private=True)
    assert fake_facebook.requests_to("POST", SEND) == 1


def test_a_comment_older_than_seven_days_is_not_answered_privately(
    page: Channel, fake_facebook: FakeFacebook, alice: Membership
) -> None:
    question = a_comment(fake_facebook, page, "Wat kost een taart?")
    item = item_for(page, question["id"])

    later = time_machine.travel(timezone.now() + timedelta(days=8))
    with later, pytest.raises(ReplyRefused, match="only within 7 days"):
        reply_send(item=item, by=alice, text="Stuur ons een bericht", private=True)

    assert fake_facebook.requests_to("POST", SEND) == 0


def test_a_private_answer_that_meta_already_has_is_explained_not_sent_twice(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    """A lost answer is sent again (Meta takes one per comment); the second is refused."""
    question = a_comment(fake_facebook, page, "Leveren jullie?")
    post = OutgoingPost(
        text="Ja, in Leuven.", idempotency_key="k", reply_to=question["id"], visibility="direct"
    )
    connector = connector_for(page)
    connector.publish(post)
    assert connector.find_published(post) is None  # Graph shows no private answer to a comment

    with pytest.raises(ConnectorError, match="already has it") as refused:
        connector.publish(post)

    assert refused.value.permanent
    assert our_messages(fake_facebook, page) == ["Ja, in Leuven."]


def test_meta_refusing_outside_the_window_is_explained(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    remote_id = a_message(fake_facebook, page, "Vraagje")
    post = OutgoingPost(
        text="Antwoord", idempotency_key="k", reply_to=remote_id, visibility="direct"
    )

    later = time_machine.travel(timezone.now() + timedelta(hours=25))
    with later, pytest.raises(ConnectorError) as refused:
        connector_for(page).publish(post)

    assert refused.value.permanent and "24 hours" in refused.value.message


def test_a_comment_offers_a_private_answer_on_the_item_page(
    page: Channel, fake_facebook: FakeFacebook, alice_client: Client
) -> None:
    question = a_comment(fake_facebook, page, "Hoeveel kost een rijsttaart?")
    item = item_for(page, question["id"])

    html = alice_client.get(reverse("inbox_item", args=[item.organisation.slug, item.pk]))

    assert 'name="private"' in html.content.decode()
    assert 'id="reply-form"' in html.content.decode()
