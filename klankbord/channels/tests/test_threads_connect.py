"""Connecting Threads: the organisation's own Threads app, the authorization window, the token."""

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from klankbord.channels import services
from klankbord.channels.models import Channel, ThreadsApp
from klankbord.channels.networks.base import AuthError
from klankbord.channels.tests.connected import connect_threads
from klankbord.channels.tests.fakes.threads import APP_ID, APP_SECRET, LONG_LIVED, FakeThreads
from klankbord.lib.crypto import SecretBox, secret_box
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World

DAY = timedelta(days=1)


@pytest.fixture
def app(world: World, fake_threads: FakeThreads) -> ThreadsApp:
    return services.threads_app_save(
        organisation=world.org, app_id=APP_ID, app_secret=APP_SECRET, by=world.alice
    )


def channels_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/"


def log_in_with_threads(client: Client, world: World) -> str:
    """Start, pass the (fake) window, and return the callback path our site is sent back to."""
    response = client.post(f"{channels_url(world)}threads/")
    assert response.status_code == 302
    approved = httpx.get(response["Location"], follow_redirects=False)
    callback = urlsplit(approved.headers["location"])
    assert callback.path == "/kanalen/threads/terug/"
    return f"{callback.path}?{callback.query}"


def test_the_owner_saves_the_threads_app_encrypted(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"{channels_url(world)}threads/app/",
        {"threads_app_id": APP_ID, "threads_app_secret": APP_SECRET},
        follow=True,
    )
    assert "The Threads app is saved" in response.text
    assert "Connect Threads" in response.text and APP_SECRET not in response.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_threadsapp")
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and APP_SECRET not in stored
    assert AuditEvent.objects.filter(organisation=world.org, action="threads_app.create").exists()


def test_a_threads_app_id_must_be_a_number_and_only_the_owner_enters_it(
    world: World, alice_client: Client
) -> None:
    response = alice_client.post(
        f"{channels_url(world)}threads/app/", {"threads_app_id": "x", "threads_app_secret": "y"}
    )
    assert "An app ID is a number" in response.text
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    data = {"threads_app_id": APP_ID, "threads_app_secret": APP_SECRET}
    assert manager.post(f"{channels_url(world)}threads/app/", data).status_code == 403
    assert not ThreadsApp.objects.exists()


def test_rotating_keys_re_encrypts_the_threads_app_secret(app: ThreadsApp, settings: Any) -> None:
    old_key = settings.KLANKBORD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.KLANKBORD_ENCRYPTION_KEYS = [new_key, old_key]
    secret_box.cache_clear()
    try:
        call_command("rotate-keys")
        with connection.cursor() as cursor:
            cursor.execute("SELECT secrets FROM channels_threadsapp")
            (stored,) = cursor.fetchone()
        assert APP_SECRET in SecretBox([new_key]).decrypt(stored)
    finally:
        settings.KLANKBORD_ENCRYPTION_KEYS = [old_key]
        secret_box.cache_clear()


def test_without_a_threads_app_connecting_says_what_to_do_first(
    world: World, alice_client: Client, fake_threads: FakeThreads
) -> None:
    response = alice_client.post(f"{channels_url(world)}threads/", follow=True)
    assert "First the owner enters the Threads app ID" in response.text


def test_connect_asks_threads_for_the_permissions_with_a_state(
    world: World, alice_client: Client, app: ThreadsApp
) -> None:
    response = alice_client.post(f"{channels_url(world)}threads/")
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.path == "/oauth/authorize"
    assert query["client_id"] == [APP_ID]
    assert query["redirect_uri"] == ["http://testserver/kanalen/threads/terug/"]
    assert set(query["scope"][0].split(",")) >= {"threads_basic", "threads_content_publish"}
    assert len(query["state"][0]) >= 30


def test_the_callback_connects_the_profile_with_a_long_lived_token(
    world: World, alice_client: Client, app: ThreadsApp, fake_threads: FakeThreads
) -> None:
    done = alice_client.get(log_in_with_threads(alice_client, world), follow=True)
    assert "@bakkerij.vandevelde is connected." in done.text
    channel = Channel.objects.get(organisation=world.org, network="threads")
    assert channel.external_id == fake_threads.user["id"]
    token = fake_threads.tokens[channel.secrets["access_token"]]
    assert token.kind == "long"
    assert channel.token_expires_at is not None
    expected = timezone.now() + timedelta(seconds=LONG_LIVED)
    assert abs(channel.token_expires_at - expected) < timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel")
        (stored,) = cursor.fetchone()
    assert channel.secrets["access_token"] not in stored


def test_a_user_who_denies_access_is_told(
    world: World, alice_client: Client, app: ThreadsApp, fake_threads: FakeThreads
) -> None:
    fake_threads.user_approves = False
    response = alice_client.get(log_in_with_threads(alice_client, world), follow=True)
    assert "Threads did not give access: Permissions error" in response.text
    assert not Channel.objects.exists()


def test_a_code_used_twice_is_a_clear_error(
    world: World, alice_client: Client, app: ThreadsApp, fake_threads: FakeThreads
) -> None:
    path = log_in_with_threads(alice_client, world)
    code = parse_qs(urlsplit(path).query)["code"][0]
    fake_threads.codes.pop(code)
    response = alice_client.get(path, follow=True)
    assert "Connecting to Threads failed" in response.text
    assert "Error validating verification code" in response.text


def test_a_permission_left_out_is_named(
    world: World, alice_client: Client, app: ThreadsApp, fake_threads: FakeThreads
) -> None:
    fake_threads.granted.remove("threads_content_publish")
    response = alice_client.get(log_in_with_threads(alice_client, world), follow=True)
    assert "did not give every permission Klankbord needs (threads_content_publish)" in (
        response.text
    )
    assert not Channel.objects.exists()


def test_a_callback_with_a_foreign_state_or_organisation_is_refused(
    world: World, alice_client: Client, charlie_client: Client, app: ThreadsApp
) -> None:
    path = log_in_with_threads(alice_client, world)
    assert "not started here" in charlie_client.get(path, follow=True).text
    forged = path.replace("state=", "state=x")
    assert "not started here" in alice_client.get(forged, follow=True).text
    assert "not started here" in alice_client.get(path, follow=True).text
    assert not Channel.objects.exists()


def test_an_expired_channel_shows_a_reconnect_button_and_reconnects_in_place(
    world: World, alice_client: Client, app: ThreadsApp, fake_threads: FakeThreads
) -> None:
    channel = connect_threads(world, fake_threads)
    fake_threads.revoke(channel.secrets["access_token"])
    services.channel_check(channel=channel)
    page = alice_client.get(channels_url(world)).text
    assert "Session has expired" in page
    assert f'action="{channels_url(world)}threads/"' in page
    alice_client.get(log_in_with_threads(alice_client, world))
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    assert Channel.objects.filter(network="threads").count() == 1


def test_a_token_in_its_last_days_is_refreshed_once_and_kept(
    world: World, fake_threads: FakeThreads
) -> None:
    channel = connect_threads(world, fake_threads)
    old = channel.secrets["access_token"]
    with time_machine.travel(timezone.now() + 55 * DAY):
        services.connector_for(channel).profile()
        channel.refresh_from_db()
        new = channel.secrets["access_token"]
        assert new != old and fake_threads.tokens[new].kind == "long"
        assert channel.token_expires_at is not None
        assert channel.token_expires_at > timezone.now() + 59 * DAY
        services.connector_for(channel).profile()
    assert fake_threads.requests_to("GET", "/refresh_access_token") == 1


def test_a_young_token_is_not_refreshed(world: World, fake_threads: FakeThreads) -> None:
    channel = connect_threads(world, fake_threads)
    services.connector_for(channel).profile()
    with time_machine.travel(timezone.now() + 30 * DAY):
        services.connector_for(channel).profile()
    assert fake_threads.requests_to("GET", "/refresh_access_token") == 0


def test_threads_refuses_to_refresh_a_token_younger_than_a_day(fake_threads: FakeThreads) -> None:
    young, old = fake_threads.issue(age=3600), fake_threads.issue(age=25 * 3600)
    url = f"{fake_threads.base_url}/refresh_access_token"
    refused = httpx.get(url, params={"grant_type": "th_refresh_token", "access_token": young})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == 100
    fresh = httpx.get(url, params={"grant_type": "th_refresh_token", "access_token": old})
    assert fresh.json()["expires_in"] == LONG_LIVED


def test_a_refresh_refused_for_an_invalid_token_is_a_reconnect(
    world: World, fake_threads: FakeThreads
) -> None:
    channel = connect_threads(world, fake_threads)
    fake_threads.revoke(channel.secrets["access_token"])
    with time_machine.travel(timezone.now() + 55 * DAY), pytest.raises(AuthError):
        services.connector_for(channel).profile()
