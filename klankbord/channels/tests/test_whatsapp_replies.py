"""Answering a WhatsApp customer from the inbox: inside the 24-hour window, exactly once."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_WA_ID,
    FakeWhatsApp,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_webhooks import deliver
from klankbord.channels.tests.whatsapp_setup import channel, fake, in_english
from klankbord.inbox import services as inbox
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import ReplyRefused, reply_send
from klankbord.lib import http
from klankbord.listening.models import Mention, Source
from klankbord.orgs.models import Membership
from klankbord.test import World

__all__ = ["channel", "fake", "in_english"]
pytestmark = pytest.mark.django_db
WAMID = "wamid.HBgLMzI0NzU5ODc2NTQVAgASGBQzQTdCNUY3RjBFQkRGRkY4QzY4NwA="
SENT = r"/v\d+\.\d+/\d+/messages"


def customer_item(channel: Channel, fake: FakeWhatsApp, text: str = "Taart voor 12?") -> Item:
    fake.customer_wrote(CUSTOMER_WA_ID)
    deliver(channel, webhook_delivery(text_message(WAMID, text)))
    mention = Mention.objects.get()
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    inbox.items_from_mentions(source=source, mentions=[mention])
    return Item.objects.get(mention=mention)


def alice_in(world: World) -> Membership:
    return Membership.objects.get(user=world.alice, organisation=world.org)


def posts(fake: FakeWhatsApp) -> int:
    return sum(1 for method, path in fake.requests if method == "POST" and "/messages" in path)


def test_an_answer_inside_the_window_is_sent_once(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)

    reply = reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")

    assert reply.status == Reply.Status.SENT and reply.private
    assert [m["text"] for m in fake.sent] == ["Ja, dat lukt!"]
    assert fake.sent[0]["to"] == CUSTOMER_WA_ID
    assert fake.sent[0]["biz_opaque_callback_data"] == reply.idempotency_key
    assert reply.remote_id == f"whatsapp/{CUSTOMER_WA_ID}/{fake.sent[0]['id']}"
    assert posts(fake) == 1


def test_an_answer_outside_the_window_is_refused_before_sending(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)
    later = timezone.now() + timedelta(hours=25)

    with time_machine.travel(later), pytest.raises(ReplyRefused) as refused:
        reply_send(item=item, by=alice_in(world), text="Sorry voor het late antwoord")

    assert "only an approved message template can be sent" in refused.value.message
    assert posts(fake) == 0 and not Reply.objects.exists()


def test_the_reengagement_error_from_whatsapp_is_explained(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)
    # WhatsApp's own clock says the window closed (our copy of the message came late).
    fake.customer_wrote(CUSTOMER_WA_ID, at=time.time() - 25 * 3600)

    reply = reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")

    assert reply.status == Reply.Status.FAILED
    assert "more than 24 hours passed" in reply.error
    assert "message template" in reply.error
    assert fake.sent == []


def test_a_lost_answer_stays_unconfirmed_and_is_never_sent_twice(
    world: World, channel: Channel, fake: FakeWhatsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    item = customer_item(channel, fake)
    fake.drop_after_accept = 1

    reply = reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")

    # The Cloud API cannot be asked whether it went out: it stays unclear, nothing is resent.
    assert reply.status == Reply.Status.UNCONFIRMED
    assert "check the conversation in WhatsApp" in reply.error
    with pytest.raises(ReplyRefused):
        reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")
    assert posts(fake) == 1 and len(fake.sent) == 1


@pytest.mark.parametrize("code", [130429, 131056])
def test_a_throttled_answer_fails_with_when_to_try_again_and_nothing_sent(
    world: World, channel: Channel, fake: FakeWhatsApp, code: int
) -> None:
    item = customer_item(channel, fake)
    fake.throttle = [code]

    reply = reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")

    assert reply.status == Reply.Status.FAILED
    assert f"WhatsApp asks us to slow down (error {code})" in reply.error
    assert "Try again after" in reply.error
    assert fake.sent == []
    # Sent again at once, it waits for WhatsApp without calling it; later it goes out once.
    early = reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")
    assert early.status == Reply.Status.FAILED and posts(fake) == 1
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        again = reply_send(item=item, by=alice_in(world), text="Ja, dat lukt!")
    assert again.status == Reply.Status.SENT
    assert [m["text"] for m in fake.sent] == ["Ja, dat lukt!"]
