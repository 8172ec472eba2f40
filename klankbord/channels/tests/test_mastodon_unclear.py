"""Mastodon servers that do not keep the Idempotency-Key promise: a create is sent once, and an
unclear outcome (no answer, a dropped connection, a 5xx) is looked up, never sent again."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    ConnectorError,
    Media,
    OutgoingPost,
    PublishedPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.services import connector_for
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.mastodon import FakeMastodon, Fault
from klankbord.lib import http
from klankbord.test import World


@pytest.fixture
def channel(world: World, fake_mastodon: FakeMastodon) -> Channel:
    return connect_mastodon(world, fake_mastodon)


def creates(fake: FakeMastodon) -> int:
    return sum(
        1
        for request, _response in fake.server.log
        if request.method == "POST" and request.path == "/api/v1/statuses"
    )


def found(fake: FakeMastodon, status_id: str) -> PublishedPost:
    status = fake.statuses[status_id]
    return PublishedPost(remote_id=status_id, url=status["url"])


def newest(fake: FakeMastodon) -> str:
    return max(fake.statuses, key=int)


@pytest.mark.parametrize("mode", ["ignored", "error"])
def test_a_dropped_connection_after_the_server_accepted_is_looked_up_not_sent_again(
    mode: str, channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.idempotency_mode = mode
    fake_mastodon.drop_after_accept = 1
    connector = connector_for(channel)
    post = OutgoingPost(text="Vandaag verse pistolets", idempotency_key="drop-1")

    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)

    assert creates(fake_mastodon) == 1
    assert connector.find_published(post) == found(fake_mastodon, newest(fake_mastodon))
    assert fake_mastodon.published_texts() == ["Vandaag verse pistolets"]


def test_a_server_error_on_a_repeated_key_is_an_unknown_outcome_and_the_look_up_finds_it(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.idempotency_mode = "error"
    connector = connector_for(channel)
    post = OutgoingPost(text="Zondag open van 7 tot 12", idempotency_key="repeat-1")
    first = connector.publish(post)

    with pytest.raises(UnknownOutcomeError) as caught:
        connector.publish(post)

    assert "500" in caught.value.message
    assert fake_mastodon.repeated_keys == 1
    assert connector.find_published(post) == first
    assert fake_mastodon.published_texts() == ["Zondag open van 7 tot 12"]


def test_any_server_error_on_a_create_is_unclear_and_never_retried_by_the_seam(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.faults.append(Fault(502, {"error": "Bad gateway"}, path="/api/v1/statuses"))
    post = OutgoingPost(text="Nieuw: speltbrood", idempotency_key="bad-gateway")
    connector = connector_for(channel)
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    assert creates(fake_mastodon) == 1
    # This time the server had not made it: the look-up says so, so it may go again.
    assert connector.find_published(post) is None


def test_a_connection_dropped_before_the_server_accepted_is_found_missing(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.idempotency_mode = "ignored"
    fake_mastodon.drop_before_accept = 1
    connector = connector_for(channel)
    post = OutgoingPost(text="Morgen gesloten", idempotency_key="early")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    assert connector.find_published(post) is None
    assert fake_mastodon.published_texts() == []


def test_the_same_words_posted_before_the_attempt_began_are_another_post(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    connector = connector_for(channel)
    earlier = OutgoingPost(text="Vers brood!", idempotency_key="monday")
    connector.publish(earlier)
    later = OutgoingPost(
        text="Vers brood!",
        idempotency_key="tuesday",
        not_before=datetime.now(UTC) + timedelta(hours=1),
    )
    assert connector.find_published(later) is None
    # Within a few minutes the server's clock may differ from ours: that still counts.
    close = OutgoingPost(
        text="Vers brood!",
        idempotency_key="now",
        not_before=datetime.now(UTC) + timedelta(minutes=1),
    )
    assert connector.find_published(close) == found(fake_mastodon, newest(fake_mastodon))


def test_images_are_told_apart_by_their_descriptions(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    def post(key: str, *alt_texts: str) -> OutgoingPost:
        media = tuple(Media(content=PNG, mime_type="image/png", alt_text=a) for a in alt_texts)
        return OutgoingPost(text="Onze taarten", idempotency_key=key, media=media)

    connector = connector_for(channel)
    aardbei = connector.publish(post("a", "Aardbeientaart", "Frambozentaart"))
    connector.publish(post("b", "Appeltaart", "Frambozentaart"))

    assert connector.find_published(post("a2", "Aardbeientaart", "Frambozentaart")) == aardbei
    assert connector.find_published(post("c", "Frambozentaart", "Aardbeientaart")) is None
    assert connector.find_published(post("d", "Aardbeientaart")) is None
    assert connector.find_published(post("e")) is None


def test_a_look_up_that_cannot_read_back_to_the_attempt_is_not_an_answer(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    began = datetime.now(UTC) - timedelta(minutes=1)
    for n in range(201):
        status = fake_mastodon._status(f"Antwoord {n}")
        fake_mastodon.statuses[status["id"]] = status
    never_sent = OutgoingPost(text="Nog niet verstuurd", idempotency_key="deep", not_before=began)
    with pytest.raises(ConnectorError) as caught:
        connector_for(channel).find_published(never_sent)
    assert not isinstance(caught.value, UnknownOutcomeError)
    assert creates(fake_mastodon) == 0


def test_a_lost_answer_to_an_image_upload_is_no_unclear_post(
    channel: Channel, fake_mastodon: FakeMastodon, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = http.request

    def lost_upload(method: str, url: str, **kwargs: Any) -> Any:
        if url.endswith("/api/v2/media"):
            raise http.AmbiguousOutcome("no answer after sending")
        return real(method, url, **kwargs)

    monkeypatch.setattr(http, "request", lost_upload)
    media = Media(content=PNG, mime_type="image/png", alt_text="Croissants")
    with pytest.raises(ConnectorError) as caught:
        connector_for(channel).publish(
            OutgoingPost(text="Kijk!", idempotency_key="upload", media=(media,))
        )
    assert not isinstance(caught.value, UnknownOutcomeError)
    assert creates(fake_mastodon) == 0


def test_a_connection_reset_while_waiting_for_the_answer_is_an_unknown_outcome(
    channel: Channel, fake_mastodon: FakeMastodon, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_send = http._send

    def reset_after_sending(call: Any, url: str) -> Any:
        response = real_send(call, url)
        if call.method == "POST":
            raise httpx.ReadError("[Errno 104] Connection reset by peer")
        return response

    monkeypatch.setattr(http, "_send", reset_after_sending)
    fake_mastodon.idempotency_mode = "ignored"
    connector = connector_for(channel)
    post = OutgoingPost(text="Reset", idempotency_key="reset")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    assert creates(fake_mastodon) == 1
    assert connector.find_published(post) == found(fake_mastodon, newest(fake_mastodon))


@pytest.mark.parametrize(
    ("mode", "second_answer"), [("kept", "the first"), ("ignored", "a new one"), ("error", 500)]
)
def test_the_fake_keeps_ignores_or_fails_on_a_repeated_key(
    mode: str, second_answer: Any, fake_mastodon: FakeMastodon
) -> None:
    fake_mastodon.idempotency_mode = mode
    url = f"{fake_mastodon.base_url}/api/v1/statuses"
    headers = {
        "Authorization": f"Bearer {fake_mastodon.issue_token()}",
        "Idempotency-Key": "same",
    }
    first = httpx.post(url, data={"status": "Hallo"}, headers=headers)
    second = httpx.post(url, data={"status": "Hallo"}, headers=headers)
    assert first.status_code == 200
    if second_answer == 500:
        assert (second.status_code, second.headers["content-type"]) == (500, "text/html")
    else:
        same = second.json()["id"] == first.json()["id"]
        assert same == (second_answer == "the first")
    fake_mastodon.drop_after_accept = 1
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(url, data={"status": "Weg"}, headers={"Authorization": headers["Authorization"]})
    assert "Weg" in fake_mastodon.published_texts()


def test_a_rate_limited_look_up_is_no_answer_and_sends_nothing(
    channel: Channel, fake_mastodon: FakeMastodon
) -> None:
    path = f"/api/v1/accounts/{fake_mastodon.account['id']}/statuses"
    fake_mastodon.faults.append(
        Fault(429, {"error": "Too many requests"}, {"Retry-After": "120"}, path)
    )
    post = OutgoingPost(text="Later", idempotency_key="busy-server")
    with pytest.raises(RateLimitError) as caught:
        connector_for(channel).find_published(post)
    assert caught.value.retry_at > datetime.now(UTC) + timedelta(seconds=100)
    assert creates(fake_mastodon) == 0
