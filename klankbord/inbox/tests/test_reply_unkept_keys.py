"""Inbox replies through Mastodon servers that break the Idempotency-Key promise (one ignores the
key, one answers a repeat with 500): a reply whose connection drops is looked up, never sent
again, and the customer gets one answer."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.inbox.models import Reply
from klankbord.inbox.replying import reply_send
from klankbord.inbox.tests.polled import item_for
from klankbord.inbox.tests.test_replying import KLANT
from klankbord.orgs.models import Membership
from klankbord.test import World

Status = Reply.Status


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(params=["ignored", "error"])
def fake_mastodon(request: pytest.FixtureRequest, httpserver: HTTPServer) -> FakeMastodon:
    fake = FakeMastodon(httpserver)
    fake.idempotency_mode = request.param
    return fake


@pytest.fixture
def mastodon(world: World, fake_mastodon: FakeMastodon) -> Channel:
    return connect_mastodon(world, fake_mastodon)


def our_statuses(fake: FakeMastodon) -> list[dict[str, Any]]:
    return [s for s in fake.statuses.values() if s["account"] == fake.account]


@pytest.mark.parametrize("visibility", ["public", "direct"])
def test_a_reply_whose_connection_dropped_is_found_and_sent_once(
    visibility: str, mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Hebben jullie nog taart?", visibility=visibility)
    item = item_for(mastodon, question["id"])
    fake_mastodon.drop_after_accept = 1

    reply = reply_send(item=item, by=alice, text="Ja, nog twee.")

    assert (reply.status, reply.private) == (Status.SENT, visibility == "direct")
    [status] = our_statuses(fake_mastodon)
    assert reply.remote_id == status["id"]
    assert (status["in_reply_to_id"], status["visibility"]) == (question["id"], visibility)
    assert fake_mastodon.dropped == 1 and fake_mastodon.repeated_keys == 0


def test_the_same_answer_to_two_customers_is_told_apart(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    first = item_for(mastodon, fake_mastodon.add_mention("Open op zondag?")["id"])
    reply_send(item=first, by=alice, text="Ja!")
    second = fake_mastodon.add_mention("Open op maandag?", acct="buur@example.social")
    item = item_for(mastodon, second["id"])
    fake_mastodon.drop_after_accept = 1

    reply = reply_send(item=item, by=alice, text="Ja!")

    assert reply.status == Status.SENT
    assert fake_mastodon.statuses[reply.remote_id]["in_reply_to_id"] == second["id"]
    assert Counter(s["in_reply_to_id"] for s in our_statuses(fake_mastodon)) == {
        first.mention.remote_id: 1,
        second["id"]: 1,
    }


def test_a_reply_lost_before_the_server_took_it_fails_and_may_go_again_once(
    mastodon: Channel, fake_mastodon: FakeMastodon, alice: Membership
) -> None:
    question = fake_mastodon.add_mention("Kan ik bestellen?")
    item = item_for(mastodon, question["id"])
    fake_mastodon.drop_before_accept = 1

    lost = reply_send(item=item, by=alice, text="Zeker.")

    assert lost.status == Status.FAILED
    assert "was not sent" in lost.error
    assert our_statuses(fake_mastodon) == []
    again = reply_send(item=item, by=alice, text="Zeker.")
    assert again.status == Status.SENT
    assert [s["text"] for s in our_statuses(fake_mastodon)] == [f"{KLANT} Zeker."]
