"""Answering Instagram comments privately once (Private Replies), from the inbox."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import ConnectorError, OutgoingPost
from klankbord.channels.services import connector_for
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram
from klankbord.inbox.models import Reply
from klankbord.inbox.replying import ReplyRefused, reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.listening import services as listening
from klankbord.orgs.models import Membership
from klankbord.test import World

pytestmark = pytest.mark.django_db
Status = Reply.Status


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    return FakeInstagram(fake_facebook)


@pytest.fixture
def account(world: World, fake: FakeInstagram) -> Channel:
    channel = connect_instagram(world, fake)
    listening.sources_sync(world.org)
    return channel


def our_messages(fake: FakeInstagram) -> list[str]:
    return [
        m["message"]
        for c in fake.conversations.values()
        for m in c["messages"]
        if m["from"]["id"] == fake.user_id
    ]


def test_a_comment_is_answered_privately_once_as_a_direct_message(
    account: Channel, fake: FakeInstagram, alice: Membership
) -> None:
    media = fake.add_media("Verse kerststollen")
    comment = fake.add_comment(media["id"], "Wat kost een stol?")
    item = item_for(account, comment["id"])

    reply = reply_send(item=item, by=alice, text="Een stol kost 12 euro.", private=True)

    assert reply.private and reply.status == Status.SENT
    assert reply.remote_id.startswith("instagram-dm/")
    assert our_messages(fake) == ["Een stol kost 12 euro."]
    with pytest.raises(ReplyRefused, match="one private answer to a comment"):
        reply_send(item=item, by=alice, text="En een taart?", private=True)


def test_an_old_comment_is_not_answered_privately(
    account: Channel, fake: FakeInstagram, alice: Membership
) -> None:
    comment = fake.add_comment(fake.add_media("Stollen")["id"], "Nog stollen?")
    item = item_for(account, comment["id"])
    later = time_machine.travel(timezone.now() + timedelta(days=8))
    with later, pytest.raises(ReplyRefused, match="only within 7 days"):
        reply_send(item=item, by=alice, text="Ja", private=True)
    assert our_messages(fake) == []


def test_instagram_refuses_a_second_private_answer_with_its_reason(
    account: Channel, fake: FakeInstagram
) -> None:
    comment = fake.add_comment(fake.add_media("Stollen")["id"], "Leveren jullie?")
    post = OutgoingPost(
        text="Ja, in Leuven.", idempotency_key="k", reply_to=comment["id"], visibility="direct"
    )
    connector = connector_for(account)
    connector.publish(post)
    assert connector.find_published(post) is None
    with pytest.raises(ConnectorError, match="already has it") as refused:
        connector.publish(post)
    assert refused.value.permanent and our_messages(fake) == ["Ja, in Leuven."]
