"""Connecting Google Business Profile: the owner's OAuth client, consent, choosing locations."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.db import connection
from django.test import Client
from django.utils import translation

from klankbord.channels import selectors, services
from klankbord.channels.models import Channel, OAuthApp
from klankbord.channels.tests.fakes.google import CLIENT_ID, CLIENT_SECRET, SCOPE, FakeGoogle
from klankbord.orgs.models import Role
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def app(world: World, fake_google: FakeGoogle) -> OAuthApp:
    return services.oauth_app_save(
        organisation=world.org,
        network="google",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        by=world.alice,
    )


def channels_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/"


def consent(client: Client, world: World) -> str:
    """Start, pass Google's (fake) consent screen, return the callback our site is sent to."""
    response = client.post(f"{channels_url(world)}google/")
    assert response.status_code == 302
    asked = parse_qs(urlsplit(response["Location"]).query)
    assert asked["scope"] == [SCOPE]
    assert (asked["access_type"], asked["prompt"]) == (["offline"], ["consent"])
    approved = httpx.get(response["Location"], follow_redirects=False)
    callback = urlsplit(approved.headers["location"])
    assert callback.path == "/kanalen/google/terug/"
    return f"{callback.path}?{callback.query}"


def test_the_owner_saves_the_google_client_encrypted(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"{channels_url(world)}google/app/",
        {"google_client_id": CLIENT_ID, "google_client_secret": CLIENT_SECRET},
        follow=True,
    )
    assert "The Google OAuth client is saved" in response.text
    assert "Connect Google Business Profile" in response.text
    assert CLIENT_SECRET not in response.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_oauthapp")
        (stored,) = cursor.fetchone()
    assert CLIENT_SECRET not in stored
    assert selectors.oauth_app_of(world.org, "google") is not None
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    data = {"google_client_id": CLIENT_ID, "google_client_secret": "other"}
    assert manager.post(f"{channels_url(world)}google/app/", data).status_code == 403


def test_a_manager_connects_three_shops_each_as_a_channel(
    world: World, app: OAuthApp, fake_google: FakeGoogle
) -> None:
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    response = manager.get(consent(manager, world))
    assert response["Location"].endswith("/google/vestigingen/")
    page = manager.get(response["Location"])
    assert "Bakkerij Vandevelde Leuven · Bondgenotenlaan 3, 3000 Leuven" in page.text
    chosen = [location.name for location in fake_google.locations.values()]
    response = manager.post(response["Location"], {"locations": chosen}, follow=True)
    assert response.text.count("is connected") == 3
    channels = Channel.objects.filter(organisation=world.org, network="google")
    assert sorted(channels.values_list("external_id", flat=True)) == sorted(chosen)
    ghent = channels.get(external_id=fake_google.location(0).name)
    assert ghent.handle == "Bakkerij Vandevelde Gent · Veldstraat 12, 9000 Gent"
    assert ghent.secrets["refresh_token"] in fake_google.refresh_tokens
    assert ghent.token_expires_at is None  # the hour-long access token is no expiry to warn of
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel WHERE id = %s", [ghent.pk])
        (stored,) = cursor.fetchone()
    assert ghent.secrets["refresh_token"] not in stored and "access_token" not in stored


def test_an_unverified_location_is_not_connected_and_says_why(
    world: World, app: OAuthApp, fake_google: FakeGoogle, alice_client: Client
) -> None:
    fake_google.location(1).verified = False
    response = alice_client.get(consent(alice_client, world))
    chosen = [fake_google.location(0).name, fake_google.location(1).name]
    response = alice_client.post(response["Location"], {"locations": chosen}, follow=True)
    assert "Leuven · Bondgenotenlaan 3, 3000 Leuven is not connected" in response.text
    assert "must be verified" in response.text
    assert Channel.objects.filter(network="google").count() == 1


def test_an_account_without_locations_is_told_so(
    world: World, app: OAuthApp, fake_google: FakeGoogle, alice_client: Client
) -> None:
    fake_google.locations.clear()
    response = alice_client.get(consent(alice_client, world), follow=True)
    assert "manages no Business Profile location" in response.text


def test_a_callback_without_its_state_or_a_refused_code_connects_nothing(
    world: World, app: OAuthApp, fake_google: FakeGoogle, alice_client: Client
) -> None:
    callback = consent(alice_client, world)
    forged = callback.replace("state=", "state=x")
    response = alice_client.get(forged, follow=True)
    assert "was not started here" in response.text
    # A code used once (a reload of the callback) is refused by Google.
    used = consent(alice_client, world)
    alice_client.get(used)
    fake_google.codes.clear()
    again = consent(alice_client, world)
    code = parse_qs(urlsplit(again).query)["code"][0]
    fake_google.codes.pop(code)
    response = alice_client.get(again, follow=True)
    assert "Connecting to Google failed" in response.text
    assert not Channel.objects.filter(network="google").exists()


def test_without_the_owners_client_there_is_no_connect_button(
    world: World, fake_google: FakeGoogle, alice_client: Client
) -> None:
    page = alice_client.get(channels_url(world))
    assert "Enter your Google OAuth client" in page.text
    assert "Connect Google Business Profile" not in page.text
    response = alice_client.post(f"{channels_url(world)}google/", follow=True)
    assert "First the owner enters the client ID" in response.text
    assert fake_google.requests_to("GET", "/o/oauth2/v2/auth") == 0
