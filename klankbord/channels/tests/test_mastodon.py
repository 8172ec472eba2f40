"""Mastodon end to end against the fake instance: connect, publish, read, recover."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import time_machine
from django.db import connection
from django.test import Client

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    AuthError,
    ConnectorError,
    Media,
    OutgoingPost,
    PublishedPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.mastodon import MastodonConnector, comparable
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.mastodon import FakeMastodon, Fault
from klankbord.lib import http
from klankbord.lib.html_text import html_to_text
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


def test_a_lost_answer_is_not_sent_again_but_looked_up(
    channel: Channel, fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    fake_mastodon.hang_after_accept = 1
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Eén keer, niet twee keer", idempotency_key="lost-1")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    settings.HTTP_TIMEOUT_SECONDS = 5  # the look-up waits behind the answer that hangs
    assert connector.find_published(post) is not None
    assert fake_mastodon.published_texts() == ["Eén keer, niet twee keer"]
    assert creates(fake_mastodon) == 1


def test_without_an_answer_at_all_the_outcome_is_unknown(
    channel: Channel, fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
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


# --- Looking a post up after an unclear outcome ---------------------------------------------


@pytest.fixture
def one_try(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """A lost answer stays lost: no retries by the seam, and a short wait for it."""
    settings.HTTP_TIMEOUT_SECONDS = 0.5
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))


def creates(fake: FakeMastodon) -> int:
    """How many times anyone asked the fake to create a status."""
    return sum(
        1
        for request, _response in fake.server.log
        if request.method == "POST" and request.path == "/api/v1/statuses"
    )


def publish_and_lose_the_answer(
    connector: MastodonConnector, fake: FakeMastodon, post: OutgoingPost, settings: Any
) -> dict[str, Any]:
    """Mastodon makes the status, but its answer never reaches us; returns that status."""
    fake.hang_after_accept = 1
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    settings.HTTP_TIMEOUT_SECONDS = 5  # the look-up waits behind the answer that hangs
    return fake.statuses[max(fake.statuses, key=int)]


def test_a_post_whose_answer_was_lost_is_found_by_looking_it_up(
    channel: Channel, fake_mastodon: FakeMastodon, settings: Any, one_try: None
) -> None:
    connector = services.connector_for(channel)
    connector.publish(OutgoingPost(text="Verse croissants & koffie", idempotency_key="other"))
    text = (
        "Verse croissants & koffie\n\n"
        "Het aanbod: https://bakkerij.example/aanbod/van-deze-week-en-de-volgende #Leuven"
    )
    post = OutgoingPost(text=text, idempotency_key="lost-3")
    made = creates(fake_mastodon)
    status = publish_and_lose_the_answer(connector, fake_mastodon, post, settings)
    # Mastodon shows it as HTML: escaped, the link cut short in view, the hashtag a link.
    assert status["content"].startswith("<p>Verse croissants &amp; koffie</p><p>Het aanbod:")
    assert '<span class="ellipsis">bakkerij.example/aanbod/van-de</span>' in status["content"]
    count = len(fake_mastodon.statuses)

    found = connector.find_published(post)

    assert found == PublishedPost(remote_id=status["id"], url=status["url"])
    # Only the attempt whose answer was lost asked to create anything.
    assert (creates(fake_mastodon), len(fake_mastodon.statuses)) == (made + 1, count)
    assert fake_mastodon.published_texts() == ["Verse croissants & koffie", text]


def test_a_reply_with_the_author_named_in_front_is_found(
    channel: Channel, fake_mastodon: FakeMastodon, settings: Any, one_try: None
) -> None:
    connector = services.connector_for(channel)
    question = fake_mastodon.add_mention("Zijn jullie open op zondag?")
    other = fake_mastodon.add_mention("En op maandag?")
    text = "@klant@example.social Ja, van 7 tot 12 uur!"
    # The same words below another question, and as a post of its own: neither is this reply.
    connector.publish(OutgoingPost(text=text, idempotency_key="r-1", reply_to=other["id"]))
    connector.publish(OutgoingPost(text=text, idempotency_key="r-2"))
    post = OutgoingPost(text=text, idempotency_key="r-3", reply_to=question["id"])
    made = creates(fake_mastodon)
    status = publish_and_lose_the_answer(connector, fake_mastodon, post, settings)
    # Mastodon links the mention and shows it without the author's server.
    assert '">@<span>klant</span></a></span> Ja, van 7 tot 12 uur!</p>' in status["content"]
    count = len(fake_mastodon.statuses)

    assert connector.find_published(post) == PublishedPost(status["id"], status["url"])
    # A private reply with the same words is another status, and it was never sent.
    assert connector.find_published(replace(post, visibility="direct")) is None
    assert (creates(fake_mastodon), len(fake_mastodon.statuses)) == (made + 1, count)


def test_a_private_reply_is_found_among_our_own_direct_statuses(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    question = fake_mastodon.add_mention("Mijn bestelling?", visibility="direct")
    post = OutgoingPost(
        text="@klant@example.social Ligt klaar!",
        idempotency_key="dm-1",
        reply_to=question["id"],
        visibility="direct",
    )
    published = connector.publish(post)
    assert connector.find_published(post) == published
    assert connector.find_published(replace(post, visibility="public")) is None


def test_a_text_compares_equal_to_its_status_as_mastodon_shows_it(
    fake_mastodon: FakeMastodon,
) -> None:
    text = (
        "@klant@example.social Ja &  <b>neen</b>\n\nZie https://www.bakkerij.example/"
        "openingsuren-in-de-zomer-en-de-winter.\nTot ZONDAG, info@bakkerij.example #Leuven"
    )
    content, _mentions, _tags = fake_mastodon.render(text)
    assert comparable(html_to_text(content)) == comparable(text)
    assert comparable(text) == (
        "<@> ja & <b>neen</b> zie <url> tot zondag, info@bakkerij.example #leuven"
    )
    # A link alone is not a mention alone, nor an empty text.
    assert len({comparable("https://bakkerij.example/"), comparable("@klant"), ""}) == 3


def test_a_look_up_for_a_post_that_never_arrived_finds_nothing_and_posts_nothing(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    connector.publish(OutgoingPost(text="Morgen gesloten", idempotency_key="n-1"))
    # The same words a week and a day ago are an older post, not this one.
    old = connector.publish(OutgoingPost(text="Zondag open!", idempotency_key="n-2"))
    long_ago = datetime.now(UTC) - timedelta(days=8)
    fake_mastodon.statuses[old.remote_id]["created_at"] = long_ago.strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )
    before = {key: dict(status) for key, status in fake_mastodon.statuses.items()}
    made = creates(fake_mastodon)
    never_sent = OutgoingPost(text="Zondag open!", idempotency_key="n-3")

    assert connector.find_published(never_sent) is None

    assert fake_mastodon.statuses == before
    assert creates(fake_mastodon) == made


def test_a_look_up_two_hours_later_never_posts(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Paaseitjes zijn er!", idempotency_key="late-1")
    published = connector.publish(post)
    never_sent = OutgoingPost(text="Nog niet verstuurd", idempotency_key="late-2")

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2)):
        assert connector.find_published(post) == published
        assert connector.find_published(never_sent) is None
        assert fake_mastodon.published_texts() == ["Paaseitjes zijn er!"]
        assert creates(fake_mastodon) == 1
        # Mastodon has forgotten the key by now: sending again would post it a second time.
        assert connector.publish(post) != published
        assert fake_mastodon.published_texts() == ["Paaseitjes zijn er!"] * 2


def test_the_look_up_reads_on_past_a_busy_hour(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Vandaag: speltbrood", idempotency_key="busy")
    published = connector.publish(post)
    for n in range(45):
        connector.publish(OutgoingPost(text=f"Nieuws {n}", idempotency_key=f"busy-{n}"))
    assert connector.find_published(post) == published


def test_a_look_up_that_cannot_read_the_account_is_not_an_answer(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    channel.external_id = "404404404"
    channel.save(update_fields=["external_id"])
    with pytest.raises(ConnectorError) as caught:
        services.connector_for(channel).find_published(
            OutgoingPost(text="Hallo", idempotency_key="gone")
        )
    assert "Record not found" in caught.value.message
    assert creates(fake_mastodon) == 0


def test_the_fake_serves_an_accounts_statuses_as_mastodon_does(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = services.connector_for(channel)
    ids = [
        connector.publish(OutgoingPost(text=f"Post {n}", idempotency_key=f"s-{n}")).remote_id
        for n in range(5)
    ]
    private = connector.publish(
        OutgoingPost(text="@klant@example.social Dag!", idempotency_key="s-dm", visibility="direct")
    ).remote_id
    url = f"{fake_mastodon.base_url}/api/v1/accounts/{fake_mastodon.account['id']}/statuses"
    auth = {"Authorization": f"Bearer {channel.secrets['access_token']}"}

    first = httpx.get(url, params={"limit": "3"}, headers=auth)
    assert [s["id"] for s in first.json()] == [private, ids[4], ids[3]]
    assert 'rel="next"' in first.headers["Link"]
    status = first.json()[0]
    # The documented Status attributes; `text` is only returned to redraft a deleted status.
    assert {
        "id", "uri", "url", "created_at", "account", "content", "visibility", "sensitive",
        "spoiler_text", "media_attachments", "mentions", "tags", "emojis", "reblog",
        "in_reply_to_id", "in_reply_to_account_id", "replies_count", "reblogs_count",
        "favourites_count", "language", "edited_at", "poll", "card",
    } <= set(status)  # fmt: skip
    assert "text" not in status
    assert status["mentions"][0]["acct"] == "klant@example.social"
    older = httpx.get(url, params={"limit": "3", "max_id": ids[3]}, headers=auth).json()
    assert [s["id"] for s in older] == [ids[2], ids[1], ids[0]]
    newer = httpx.get(url, params={"since_id": ids[3]}, headers=auth).json()
    assert [s["id"] for s in newer] == [private, ids[4]]
    # Others see only what is public.
    assert private not in [s["id"] for s in httpx.get(url).json()]
    missing = httpx.get(url.replace(fake_mastodon.account["id"], "404404404"), headers=auth)
    assert (missing.status_code, missing.json()) == (404, {"error": "Record not found"})
    forged = httpx.get(url, headers={"Authorization": "Bearer forged"})
    assert forged.status_code == 401
