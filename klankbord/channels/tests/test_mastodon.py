"""Mastodon end to end against the fake instance: connect, publish, read, recover."""

from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from django.db import connection
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
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.mastodon import FakeMastodon, Fault
from klankbord.orgs.models import AuditEvent
from klankbord.test import World


def connect_through_the_views(client: Client, world: World, fake: FakeMastodon) -> Channel:
    response = client.post(
        f"/o/{world.org.slug}/instellingen/kanalen/mastodon/", {"instance": fake.base_url}
    )
    assert response.status_code == 302
    authorize = response["Location"]
    assert authorize.startswith(fake.base_url + "/oauth/authorize?")
    # The user approves on their instance, which sends the browser back to us.
    approved = httpx.get(authorize, follow_redirects=False)
    assert approved.status_code == 302
    callback = urlsplit(approved.headers["location"])
    assert callback.path == "/kanalen/mastodon/terug/"
    done = client.get(f"{callback.path}?{callback.query}")
    assert done.status_code == 302
    return Channel.objects.get(organisation=world.org, network="mastodon")


@pytest.fixture
def channel(alice_client: Client, world: World, fake_mastodon: FakeMastodon) -> Channel:
    return connect_through_the_views(alice_client, world, fake_mastodon)


def test_connecting_registers_the_app_and_stores_the_account(
    channel: Channel, fake_mastodon: FakeMastodon, world: World, alice_client: Client
) -> None:
    assert len(fake_mastodon.apps) == 1
    assert channel.handle == f"@bakkerij@{fake_mastodon.server.host}"
    assert channel.status == Channel.Status.CONNECTED
    assert channel.secrets["access_token"] in fake_mastodon.tokens
    assert channel.settings["limits"]["max_characters"] == 500
    assert AuditEvent.objects.filter(organisation=world.org, action="channel.connect").exists()
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/kanalen/").text
    assert "@bakkerij@" in page


def test_a_second_connection_reuses_the_app_registration(
    channel: Channel, fake_mastodon: FakeMastodon, world: World, alice_client: Client
) -> None:
    connect_through_the_views(alice_client, world, fake_mastodon)
    assert len(fake_mastodon.apps) == 1
    assert Channel.objects.filter(organisation=world.org, network="mastodon").count() == 1


def test_the_database_holds_no_plaintext_token(channel: Channel) -> None:
    token = channel.secrets["access_token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel")
        stored = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT secrets FROM channels_mastodonapp")
        stored += [row[0] for row in cursor.fetchall()]
    assert stored and all(token not in value for value in stored)
    assert all(value.startswith("fernet:") for value in stored)
    assert token not in repr(channel)


def test_a_callback_with_a_foreign_state_is_refused(
    alice_client: Client, world: World, fake_mastodon: FakeMastodon
) -> None:
    response = alice_client.get("/kanalen/mastodon/terug/?code=x&state=forged", follow=True)
    assert not Channel.objects.exists()
    assert "not started here" in response.text


def test_it_publishes_text_with_an_idempotency_key(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Verse croissants vandaag 🥐", idempotency_key="post-1-target-1")
    published = connector.publish(post)
    again = connector.publish(post)
    assert published == again
    assert fake_mastodon.published_texts() == ["Verse croissants vandaag 🥐"]
    assert published.url.endswith(published.remote_id)


def test_it_publishes_an_image_with_alt_text_after_processing(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    media = Media(content=PNG, mime_type="image/png", alt_text="Een mand vol croissants")
    published = services.connector_for(channel).publish(
        OutgoingPost(text="Kijk!", idempotency_key="img-1", media=(media,))
    )
    status = fake_mastodon.statuses[published.remote_id]
    assert status["media_attachments"][0]["description"] == "Een mand vol croissants"
    assert status["media_attachments"][0]["url"]


def test_replies_and_content_warnings(channel: Channel, fake_mastodon: FakeMastodon) -> None:
    question = fake_mastodon.add_mention("Zijn jullie open op zondag?")
    published = services.connector_for(channel).publish(
        OutgoingPost(
            text="Ja, van 7 tot 12 uur!",
            idempotency_key="reply-1",
            reply_to=question["id"],
            content_warning="openingsuren",
        )
    )
    status = fake_mastodon.statuses[published.remote_id]
    assert status["in_reply_to_id"] == question["id"]
    assert status["spoiler_text"] == "openingsuren"


def test_a_lost_answer_is_retried_with_the_same_key_and_posts_once(
    channel: Channel, fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    fake_mastodon.hang_after_accept = 1
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Eén keer, niet twee keer", idempotency_key="lost-1")
    published = connector.publish(post)
    assert connector.find_published(post) == published
    assert fake_mastodon.published_texts() == ["Eén keer, niet twee keer"]


def test_without_an_answer_at_all_the_outcome_is_unknown(
    channel: Channel, fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from klankbord.lib import http

    settings.HTTP_TIMEOUT_SECONDS = 0.5
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    fake_mastodon.hang_after_accept = 1
    with pytest.raises(UnknownOutcomeError):
        services.connector_for(channel).publish(
            OutgoingPost(text="Misschien", idempotency_key="lost-2")
        )
    assert fake_mastodon.published_texts() == ["Misschien"]


def test_mentions_are_read_page_by_page_without_gaps(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    for n in range(95):
        fake_mastodon.add_mention(f"Vraag nummer {n}")
    connector = services.connector_for(channel)
    seen, cursor = [], ""
    for _ in range(5):
        page = connector.mentions(cursor)
        seen += [m.text for m in page.mentions]
        cursor = page.cursor
    assert sorted(seen) == sorted(f"Vraag nummer {n}" for n in range(95))
    assert len(seen) == 95
    assert connector.mentions(cursor).mentions == []


def test_replies_to_our_posts_and_their_metrics(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    ours = connector.publish(OutgoingPost(text="Nieuw: speculaasbrood", idempotency_key="m-1"))
    fake_mastodon.add_mention("Lekker!", reply_to=ours.remote_id)
    fake_mastodon.statuses[ours.remote_id]["favourites_count"] = 7
    replies = connector.replies(ours.remote_id)  # type: ignore[attr-defined]
    assert [r.text for r in replies] == ["Lekker!"]
    assert replies[0].kind == "reply"
    metrics = connector.metrics([ours.remote_id])[ours.remote_id]
    assert (metrics.likes, metrics.replies) == (7, 1)


def test_a_rate_limit_with_retry_after_is_handed_back_for_a_post(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.faults.append(
        Fault(429, {"error": "Too many requests"}, {"Retry-After": "120"}, "/api/v1/statuses")
    )
    with pytest.raises(RateLimitError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="rl-1"))
    assert caught.value.retry_at is not None
    assert fake_mastodon.published_texts() == []


def test_a_rate_limit_without_retry_after_uses_the_reset_header(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.remaining = 0
    fake_mastodon.faults.append(Fault(429, {"error": "Too many requests"}, {}, "/api/v1/statuses"))
    with pytest.raises(RateLimitError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="x", idempotency_key="rl-2"))
    # The fake's X-RateLimit-Reset is five minutes ahead.
    from datetime import timedelta

    from django.utils import timezone

    assert caught.value.retry_at > timezone.now() + timedelta(minutes=4)


def test_a_server_error_on_reading_is_retried(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.faults.append(Fault(502, {"error": "Bad gateway"}, {}, "/api/v1/notifications"))
    fake_mastodon.add_mention("Nog steeds hier")
    page = services.connector_for(channel).mentions("")
    assert [m.text for m in page.mentions] == ["Nog steeds hier"]


def test_a_validation_error_is_permanent_with_the_reason(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).publish(OutgoingPost(text="", idempotency_key="empty"))
    assert caught.value.permanent
    assert "Text can't be blank" in caught.value.message


def test_a_revoked_token_marks_the_channel_broken_with_a_clear_reason(
    channel: Channel, fake_mastodon: FakeMastodon, alice_client: Client, world: World
) -> None:
    fake_mastodon.revoke_all_tokens()
    with pytest.raises(AuthError):
        services.connector_for(channel).profile()
    alice_client.post(f"/o/{world.org.slug}/instellingen/kanalen/{channel.pk}/controleren/")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.BROKEN
    assert "Reconnect" in channel.status_reason
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/kanalen/").text
    assert "Reconnect" in page


def test_disconnecting_forgets_the_token_but_keeps_the_channel(
    channel: Channel, alice_client: Client, world: World
) -> None:
    alice_client.post(f"/o/{world.org.slug}/instellingen/kanalen/{channel.pk}/ontkoppelen/")
    channel.refresh_from_db()
    assert channel.status == Channel.Status.DISCONNECTED
    assert channel.secrets == {}
    assert AuditEvent.objects.filter(action="channel.disconnect").exists()


def test_an_instance_address_inside_the_network_is_refused(
    alice_client: Client, world: World, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = False
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/kanalen/mastodon/", {"instance": "http://127.0.0.1:9"}
    )
    assert response.status_code == 200
    assert "not allowed" in response.text
    assert not Channel.objects.exists()


def test_a_broken_channel_is_reconnected_in_place(
    channel: Channel, fake_mastodon: FakeMastodon, alice_client: Client, world: World
) -> None:
    fake_mastodon.revoke_all_tokens()
    services.channel_check(channel=channel)
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/kanalen/").text
    assert "Reconnect" in page
    connect_through_the_views(alice_client, world, fake_mastodon)
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    assert channel.secrets["access_token"] in fake_mastodon.tokens
    assert Channel.objects.filter(network="mastodon").count() == 1
    assert AuditEvent.objects.filter(action="channel.reconnect").exists()


def test_a_hashtag_is_followed_on_the_tag_timeline_without_gaps(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    for n in range(50):
        fake_mastodon.add_mention(f"Lekker brood nummer {n} #Leuven")
    fake_mastodon.add_mention("Niets met de tag")
    connector = services.connector_for(channel)
    first = connector.search("#leuven")
    second = connector.search("#leuven", first.cursor)
    texts = [m.text for m in first.mentions + second.mentions]
    assert sorted(texts) == sorted(f"Lekker brood nummer {n} #Leuven" for n in range(50))
    assert connector.search("#leuven", second.cursor).mentions == []
    assert all(m.kind == "search" for m in first.mentions)


def test_words_use_the_instance_search(channel: Channel, fake_mastodon: FakeMastodon) -> None:
    fake_mastodon.add_mention("Wie kent een goede bakker in Leuven?")
    page = services.connector_for(channel).search("bakker leuven")
    assert [m.text for m in page.mentions] == ["Wie kent een goede bakker in Leuven?"]
