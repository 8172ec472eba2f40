"""The Google Business Profile connector: its hour-long token, revoked access, throttling."""

import time
from collections.abc import Iterator

import pytest
from django.utils import translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import AuthError, RateLimitError
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.listening import services as listening
from klankbord.listening import sources
from klankbord.listening.models import Source
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_google: FakeGoogle) -> Channel:
    return connect_google(world, fake_google)


def expire_access(channel: Channel) -> None:
    channel.secrets = {**channel.secrets, "access_expires_at": int(time.time()) - 1}
    channel.save(update_fields=["secrets"])


def test_the_profile_is_the_location_with_its_address(
    channel: Channel, fake_google: FakeGoogle
) -> None:
    profile = services.connector_for(channel).profile()
    assert profile.external_id == fake_google.location(0).name
    assert profile.display_name == "Bakkerij Vandevelde Gent"
    assert profile.profile_url.startswith("https://maps.google.com/")


def test_an_expired_access_token_is_refreshed_once_and_kept(
    channel: Channel, fake_google: FakeGoogle
) -> None:
    expire_access(channel)
    old = channel.secrets["access_token"]
    services.connector_for(channel).profile()
    services.connector_for(Channel.objects.get(pk=channel.pk)).profile()
    channel.refresh_from_db()
    assert channel.secrets["access_token"] != old
    assert channel.secrets["access_expires_at"] > time.time() + 3000
    assert fake_google.requests_to("POST", "/token") == 1
    assert channel.token_expires_at is None


def test_two_workers_with_the_same_old_token_refresh_it_once(
    channel: Channel, fake_google: FakeGoogle
) -> None:
    expire_access(channel)
    stale = Channel.objects.get(pk=channel.pk)
    first = services.connector_for(stale)
    second = services.connector_for(Channel.objects.get(pk=channel.pk))
    first.profile()
    second.profile()  # waits for the lock, then finds the new token stored
    assert fake_google.requests_to("POST", "/token") == 1
    assert second.account.secrets["access_token"] == first.account.secrets["access_token"]


def test_a_revoked_access_breaks_the_channel_with_a_reconnect(
    world: World, channel: Channel, fake_google: FakeGoogle, alice_client: object
) -> None:
    fake_google.revoke(channel.secrets["refresh_token"])
    expire_access(channel)
    with pytest.raises(AuthError, match="Reconnect Google"):
        services.connector_for(channel).profile()
    checked = services.channel_check(channel=Channel.objects.get(pk=channel.pk))
    assert checked.status == Channel.Status.BROKEN
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/kanalen/")  # type: ignore[attr-defined]
    assert f"/o/{world.org.slug}/instellingen/kanalen/google/" in page.text
    assert "Reconnect" in page.text


def test_throttling_pauses_the_reviews_until_google_allows(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    listening.sources_sync(world.org)
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    fake_google.add_review(fake_google.location(0), 5, "Top!")
    fake_google.fail(
        "/reviews", 429, "Quota exceeded for quota metric 'Requests'.", {"Retry-After": "600"}
    )
    with pytest.raises(RateLimitError):
        services.connector_for(channel).mentions("")
    fake_google.fail("/reviews", 429, "Quota exceeded.", {"Retry-After": "600"})
    assert sources.poll(source.pk) == 0
    source.refresh_from_db()
    assert source.next_poll_at.timestamp() > time.time() + 500
    assert "slow down" in source.last_error
    assert sources.poll(source.pk) == 1  # once allowed again, the review comes in


def test_googles_errors_are_explained(channel: Channel, fake_google: FakeGoogle) -> None:
    connector = services.connector_for(channel)
    fake_google.fail("/v1/locations/", 403, "The caller does not have permission")
    with pytest.raises(Exception, match="does not let us do this for this location") as error:
        connector.profile()
    assert error.value.permanent  # type: ignore[attr-defined]
    fake_google.fail("/v1/locations/", 500, "Internal error encountered.", times=5)
    with pytest.raises(Exception, match="Google had a problem") as error:
        connector.profile()
    assert not error.value.permanent  # type: ignore[attr-defined]


def test_a_revoked_access_found_while_reading_reviews_breaks_the_channel(
    world: World, channel: Channel, fake_google: FakeGoogle
) -> None:
    listening.sources_sync(world.org)
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    fake_google.revoke(channel.secrets["refresh_token"])
    expire_access(channel)
    assert sources.poll(source.pk) == 0
    channel.refresh_from_db()
    assert channel.status == Channel.Status.BROKEN
    assert "Reconnect Google" in channel.status_reason
