"""Bluesky end to end against a fake that checks every call against the lexicons."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    AuthError,
    ConnectorError,
    Media,
    OutgoingPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.bluesky import facets
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.bluesky import BUUR, DID, HANDLE, FakeBluesky, Fault
from klankbord.channels.tests.fakes.lexicon import LexiconError, validate_call
from klankbord.test import World


@pytest.fixture
def channel(alice_client: Client, world: World, fake_bluesky: FakeBluesky) -> Channel:
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/kanalen/bluesky/",
        {
            "handle": "@" + HANDLE,
            "app_password": fake_bluesky.app_password,
            "pds": fake_bluesky.base_url,
        },
    )
    assert response.status_code == 302, response.content
    return Channel.objects.get(organisation=world.org, network="bluesky")


def test_connecting_stores_the_session_encrypted(channel: Channel) -> None:
    assert channel.external_id == DID
    assert channel.handle == f"@{HANDLE}"
    assert "session" in channel.secrets


def test_a_wrong_app_password_is_explained(
    alice_client: Client, world: World, fake_bluesky: FakeBluesky
) -> None:
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/kanalen/bluesky/",
        {"handle": HANDLE, "app_password": "nope-nope-nope-nope", "pds": fake_bluesky.base_url},
    )
    assert response.status_code == 200
    assert "Invalid identifier or password" in response.text
    assert not Channel.objects.exists()


def test_facets_use_utf8_byte_offsets() -> None:
    text = "Één brood 🥐 voor @klant.bsky.social: zie https://bakkerij.be/menu #Leuven"
    found = facets(text, lambda handle: "did:plc:klant000000000000000000")
    encoded = text.encode()
    kinds = {f["features"][0]["$type"].split("#")[1]: f["index"] for f in found}
    assert (
        encoded[kinds["mention"]["byteStart"] : kinds["mention"]["byteEnd"]]
        == b"@klant.bsky.social"
    )
    assert (
        encoded[kinds["link"]["byteStart"] : kinds["link"]["byteEnd"]]
        == b"https://bakkerij.be/menu"
    )
    assert encoded[kinds["tag"]["byteStart"] : kinds["tag"]["byteEnd"]] == b"#Leuven"


def test_it_publishes_a_valid_record_with_facets_and_an_image(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    post = OutgoingPost(
        text="Nieuw: speltbrood 🍞 https://bakkerij.be #Leuven",
        idempotency_key="post-1-target-1",
        media=(Media(content=PNG, mime_type="image/png", alt_text="Speltbrood op de toonbank"),),
    )
    published = services.connector_for(channel).publish(post)
    [record] = fake_bluesky.our_posts()
    assert record["embed"]["images"][0]["alt"] == "Speltbrood op de toonbank"
    assert {f["features"][0]["$type"] for f in record["facets"]} == {
        "app.bsky.richtext.facet#link",
        "app.bsky.richtext.facet#tag",
    }
    assert published.url.startswith(f"https://bsky.app/profile/{HANDLE}/post/")


def test_a_retry_finds_the_post_instead_of_posting_twice(
    channel: Channel, fake_bluesky: FakeBluesky, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    fake_bluesky.hang_after_create = 1
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Eén keer", idempotency_key="lost-1")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    found = connector.find_published(post)
    assert found is not None
    assert connector.publish(post) == found
    assert len(fake_bluesky.our_posts()) == 1


def test_a_reply_carries_root_and_parent(channel: Channel, fake_bluesky: FakeBluesky) -> None:
    question = fake_bluesky.add_mention("Hebben jullie glutenvrij brood?")
    services.connector_for(channel).publish(
        OutgoingPost(text="Ja, op vrijdag!", idempotency_key="r1", reply_to=question)
    )
    [record] = fake_bluesky.our_posts()
    assert record["reply"]["parent"]["uri"] == question
    assert record["reply"]["root"]["uri"] == question


def test_more_than_300_graphemes_is_refused_before_sending(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="é" * 301, idempotency_key="x"))
    assert caught.value.permanent
    assert "com.atproto.repo.createRecord" not in fake_bluesky.calls
    services.connector_for(channel).publish(OutgoingPost(text="👍🏽" * 300, idempotency_key="y"))


def test_mentions_and_replies_are_read_once_each(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    for n in range(120):
        fake_bluesky.add_mention(f"Vraag {n}")
    connector = services.connector_for(channel)
    first = connector.mentions("")
    assert [m.text for m in first.mentions] == [f"Vraag {n}" for n in range(120)]
    assert connector.mentions(first.cursor).mentions == []
    fake_bluesky.add_mention("Nog één")
    assert [m.text for m in connector.mentions(first.cursor).mentions] == ["Nog één"]


def test_search_follows_the_cursor(channel: Channel, fake_bluesky: FakeBluesky) -> None:
    for n in range(30):
        fake_bluesky.add_mention(f"Beste bakker van Leuven nummer {n}")
    connector = services.connector_for(channel)
    page = connector.search("bakker leuven")  # type: ignore[attr-defined]
    rest = connector.search("bakker leuven", page.cursor)  # type: ignore[attr-defined]
    assert len(page.mentions) + len(rest.mentions) == 30


def test_metrics_per_post(channel: Channel, fake_bluesky: FakeBluesky) -> None:
    connector = services.connector_for(channel)
    ours = connector.publish(OutgoingPost(text="Tel mij", idempotency_key="m1"))
    fake_bluesky.counts[ours.remote_id] = {"likeCount": 9, "repostCount": 2, "quoteCount": 1}
    fake_bluesky.add_mention("Leuk", reason="reply", reply_to=ours.remote_id)
    metrics = connector.metrics([ours.remote_id])[ours.remote_id]
    assert (metrics.likes, metrics.shares, metrics.replies, metrics.quotes) == (9, 2, 1, 1)


def test_replies_to_our_post_are_read_through_the_whole_thread(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    connector = services.connector_for(channel)
    ours = connector.publish(OutgoingPost(text="Nieuw: speltbrood", idempotency_key="t1"))
    question = fake_bluesky.add_mention(
        "Ook zonder zaadjes?", reason="reply", reply_to=ours.remote_id
    )
    answer = connector.publish(
        OutgoingPost(text="Ja, op zaterdag.", idempotency_key="t2", reply_to=question)
    )
    thanks = fake_bluesky.add_mention("Top!", reason="reply", reply_to=answer.remote_id)
    fake_bluesky.add_mention("Ik ook graag", reason="reply", reply_to=question, author=BUUR)
    fake_bluesky.add_mention("Elders", reason="mention")

    replies = connector.replies(ours.remote_id)  # type: ignore[attr-defined]

    assert [(r.text, r.in_reply_to) for r in replies] == [
        ("Ook zonder zaadjes?", ours.remote_id),
        ("Ja, op zaterdag.", question),
        ("Top!", answer.remote_id),
        ("Ik ook graag", question),
    ]
    assert {r.kind for r in replies} == {"reply"}
    first = replies[0]
    assert (first.remote_id, first.author_handle, first.author_name) == (
        question,
        "@klant.bsky.social",
        "Klant",
    )
    assert (
        first.url == f"https://bsky.app/profile/klant.bsky.social/post/{question.rsplit('/', 1)[1]}"
    )
    assert first.created_at is not None
    assert replies[-1].author_handle == "@buur.bsky.social"
    assert fake_bluesky.records[thanks]["value"]["reply"]["root"]["uri"] == ours.remote_id


def test_replies_skip_blocked_ones_and_stop_at_the_depth(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    connector = services.connector_for(channel)
    ours = connector.publish(OutgoingPost(text="Wie wil proeven?", idempotency_key="t3"))
    parent = ours.remote_id
    for level in range(8):
        parent = fake_bluesky.add_mention(f"Niveau {level}", reason="reply", reply_to=parent)
    fake_bluesky.add_mention("Geblokkeerd", reason="reply", reply_to=ours.remote_id, author=BUUR)
    fake_bluesky.blocked.add(fake_bluesky.handles[BUUR])

    texts = [r.text for r in connector.replies(ours.remote_id)]  # type: ignore[attr-defined]

    # The first six levels; what is deeper waits until Bluesky shows it higher up.
    assert texts == [f"Niveau {level}" for level in range(6)]


def test_replies_to_a_deleted_post_are_a_permanent_error(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    connector = services.connector_for(channel)
    ours = connector.publish(OutgoingPost(text="Oeps", idempotency_key="t4"))
    fake_bluesky.delete_post(ours.remote_id)
    with pytest.raises(ConnectorError) as caught:
        connector.replies(ours.remote_id)  # type: ignore[attr-defined]
    assert caught.value.permanent
    assert f"Post not found: {ours.remote_id}" in caught.value.message


def test_the_fake_thread_view_matches_the_lexicon(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    connector = services.connector_for(channel)
    question = fake_bluesky.add_mention("Vraag")
    ours = connector.publish(OutgoingPost(text="Antwoord", idempotency_key="t5", reply_to=question))
    fake_bluesky.add_mention("Dank", reason="reply", reply_to=ours.remote_id)
    fake_bluesky.delete_post(question)
    status, output = fake_bluesky.app_bsky_feed_getPostThread(
        None,  # type: ignore[arg-type]
        {"uri": ours.remote_id, "depth": 1, "parentHeight": 3},
        None,
    )
    assert status == 200
    validate_call("app.bsky.feed.getPostThread", params=None, body=None, output=output)
    assert output["thread"]["parent"]["$type"] == "app.bsky.feed.defs#notFoundPost"
    assert [r["post"]["record"]["text"] for r in output["thread"]["replies"]] == ["Dank"]
    assert "replies" not in output["thread"]["replies"][0]


def test_an_expired_session_is_refreshed_once_and_stored(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    before = channel.secrets["session"]
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3)):
        services.connector_for(channel).profile()
        channel.refresh_from_db()
        after = channel.secrets["session"]
        assert after != before
        refreshes = fake_bluesky.calls.count("com.atproto.server.refreshSession")
        # A second connector reads the stored session and needs no refresh of its own.
        services.connector_for(Channel.objects.get(pk=channel.pk)).profile()
        assert fake_bluesky.calls.count("com.atproto.server.refreshSession") == refreshes == 1


def test_a_revoked_refresh_token_falls_back_to_the_app_password(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    fake_bluesky.refresh.clear()
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3)):
        assert services.connector_for(channel).profile().handle == f"@{HANDLE}"
    assert fake_bluesky.calls.count("com.atproto.server.createSession") == 2


def test_revoked_access_marks_the_channel_broken(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    fake_bluesky.revoke_everything()
    with time_machine.travel(datetime.now(UTC) + timedelta(hours=3)):
        with pytest.raises(AuthError):
            services.connector_for(channel).profile()
        services.channel_check(channel=channel)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.BROKEN
    assert "Reconnect the channel" in channel.status_reason


def test_rate_limits_are_handed_back_with_the_reset_time(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    fake_bluesky.faults.append(
        Fault(
            429,
            {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            {
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(int(datetime.now(UTC).timestamp()) + 600),
            },
            "com.atproto.repo.createRecord",
        )
    )
    with pytest.raises(RateLimitError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="rl"))
    assert caught.value.retry_at > datetime.now(UTC) + timedelta(minutes=9)


def test_the_fake_itself_rejects_an_invalid_record() -> None:
    with pytest.raises(LexiconError):
        validate_call(
            "com.atproto.repo.createRecord",
            params={},
            body={"repo": DID, "collection": "app.bsky.feed.post"},
            output=None,
        )


def test_the_app_password_and_tokens_are_not_stored_in_plaintext(
    channel: Channel, fake_bluesky: FakeBluesky
) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel")
        [stored] = [row[0] for row in cursor.fetchall()]
    assert fake_bluesky.app_password not in stored
    assert all(token not in stored for token in fake_bluesky.refresh | fake_bluesky.access)
