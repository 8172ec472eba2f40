"""Connecting LinkedIn: the organisation's own app, LinkedIn's window, a page or a profile."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from klankbord.channels import services
from klankbord.channels.models import Channel, OAuthApp
from klankbord.channels.networks.base import AuthError
from klankbord.channels.tests.connected import connect_linkedin
from klankbord.channels.tests.fakes.linkedin import (
    CLIENT_ID,
    CLIENT_SECRET,
    LIFETIME,
    FakeLinkedIn,
)
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World

DAY = timedelta(days=1)


@pytest.fixture
def app(world: World, fake_linkedin: FakeLinkedIn) -> OAuthApp:
    return services.oauth_app_save(
        organisation=world.org,
        network="linkedin",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        by=world.alice,
    )


def channels_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/"


def through_linkedin(client: Client, world: World, kind: str = "page") -> str:
    """Start, pass the (fake) window, and return the callback path our site is sent back to."""
    response = client.post(f"{channels_url(world)}linkedin/", {"kind": kind})
    assert response.status_code == 302
    approved = httpx.get(response["Location"], follow_redirects=False)
    callback = urlsplit(approved.headers["location"])
    assert callback.path == "/kanalen/linkedin/terug/"
    return f"{callback.path}?{callback.query}"


def test_the_owner_saves_the_linkedin_app_encrypted(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"{channels_url(world)}linkedin/app/",
        {"linkedin_client_id": CLIENT_ID, "linkedin_client_secret": CLIENT_SECRET},
        follow=True,
    )
    assert "The LinkedIn app is saved" in response.text
    assert "Connect a LinkedIn page" in response.text
    assert "Connect your LinkedIn profile" in response.text and CLIENT_SECRET not in response.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_oauthapp WHERE network = 'linkedin'")
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and CLIENT_SECRET not in stored
    assert AuditEvent.objects.filter(organisation=world.org, action="oauth_app.create").exists()


def test_only_the_owner_enters_the_linkedin_app(world: World) -> None:
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    data = {"linkedin_client_id": CLIENT_ID, "linkedin_client_secret": CLIENT_SECRET}
    assert manager.post(f"{channels_url(world)}linkedin/app/", data).status_code == 403
    assert not OAuthApp.objects.exists()


def test_without_an_app_connecting_says_what_to_do_first(
    world: World, alice_client: Client, fake_linkedin: FakeLinkedIn
) -> None:
    response = alice_client.post(f"{channels_url(world)}linkedin/", follow=True)
    assert "First the owner enters the Client ID and secret" in response.text


@pytest.mark.parametrize(
    ("kind", "scopes"),
    [
        ("page", {"r_organization_social", "w_organization_social", "rw_organization_admin"}),
        ("profile", {"openid", "profile", "w_member_social"}),
    ],
)
def test_connect_asks_linkedin_for_the_permissions_with_a_state(
    world: World, alice_client: Client, app: OAuthApp, kind: str, scopes: set[str]
) -> None:
    response = alice_client.post(f"{channels_url(world)}linkedin/", {"kind": kind})
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.path == "/oauth/v2/authorization"
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://testserver/kanalen/linkedin/terug/"]
    assert set(query["scope"][0].split(" ")) == scopes
    assert len(query["state"][0]) >= 30


def test_a_page_is_chosen_among_those_the_member_administers(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    choose = alice_client.get(through_linkedin(alice_client, world), follow=True)
    assert "Bakkerij Vandevelde" in choose.text and "Vandevelde Catering" in choose.text
    done = alice_client.post(
        f"{channels_url(world)}linkedin/pagina/",
        {"organisation": "urn:li:organization:2414183"},
        follow=True,
    )
    assert "Bakkerij Vandevelde is connected." in done.text
    channel = Channel.objects.get(organisation=world.org, network="linkedin")
    assert channel.external_id == "urn:li:organization:2414183"
    assert channel.token_expires_at is not None
    expected = timezone.now() + timedelta(seconds=LIFETIME)
    assert abs(channel.token_expires_at - expected) < timedelta(minutes=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel")
        (stored,) = cursor.fetchone()
    assert channel.secrets["access_token"] not in stored


def test_a_member_without_an_admin_role_is_told_which_role_is_needed(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.acls.clear()
    choose = alice_client.get(through_linkedin(alice_client, world), follow=True)
    assert "You are not an administrator of any LinkedIn page" in choose.text
    assert "Manage admins" in choose.text
    assert not Channel.objects.exists()


def test_a_member_connects_their_own_profile(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    done = alice_client.get(through_linkedin(alice_client, world, "profile"), follow=True)
    assert "Els Peeters is connected." in done.text
    channel = Channel.objects.get(organisation=world.org, network="linkedin")
    assert channel.external_id == fake_linkedin.person
    assert fake_linkedin.tokens[channel.secrets["access_token"]].scopes == [
        "openid",
        "profile",
        "w_member_social",
    ]


def test_a_user_who_cancels_is_told(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.user_approves = False
    response = alice_client.get(through_linkedin(alice_client, world), follow=True)
    assert "LinkedIn did not give access: The user cancelled the authorization" in response.text
    assert not Channel.objects.exists()


def test_an_app_without_the_product_is_explained(
    world: World, alice_client: Client, app: OAuthApp
) -> None:
    alice_client.post(f"{channels_url(world)}linkedin/", {"kind": "page"})
    state = alice_client.session["linkedin_oauth"]["state"]
    description = 'Scope "r_organization_social" is not authorized for your application'
    response = alice_client.get(
        "/kanalen/linkedin/terug/",
        {"error": "unauthorized_scope_error", "error_description": description, "state": state},
        follow=True,
    )
    assert "Community Management API" in response.text


def test_a_permission_left_out_is_named(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.granted = ["r_organization_social", "rw_organization_admin"]
    response = alice_client.get(through_linkedin(alice_client, world), follow=True)
    assert "did not give every permission Klankbord needs (w_organization_social)" in (
        response.text
    )
    assert not Channel.objects.exists()


def test_a_callback_with_a_foreign_state_or_organisation_is_refused(
    world: World, alice_client: Client, charlie_client: Client, app: OAuthApp
) -> None:
    path = through_linkedin(alice_client, world)
    assert "not started here" in charlie_client.get(path, follow=True).text
    forged = path.replace("state=", "state=x")
    assert "not started here" in alice_client.get(forged, follow=True).text
    assert "not started here" in alice_client.get(path, follow=True).text
    assert not Channel.objects.exists()


def test_a_revoked_channel_shows_a_reconnect_button_and_reconnects_in_place(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin)
    fake_linkedin.revoke(channel.secrets["access_token"])
    services.channel_check(channel=channel)
    page = alice_client.get(channels_url(world)).text
    assert "revoked by the user" in page
    assert f'action="{channels_url(world)}linkedin/"' in page
    assert 'name="kind" value="page"><button type="submit" class="primary">Reconnect' in page
    alice_client.get(through_linkedin(alice_client, world), follow=True)
    alice_client.post(
        f"{channels_url(world)}linkedin/pagina/", {"organisation": channel.external_id}
    )
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    assert Channel.objects.filter(network="linkedin").count() == 1


def test_a_token_in_its_last_week_shows_the_warning_and_a_reconnect_button(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    connect_linkedin(world, fake_linkedin, profile=True, lifetime=5 * 86400)
    page = alice_client.get(channels_url(world)).text
    assert "token expires in 4 days" in page or "token expires in 5 days" in page
    assert 'name="kind" value="profile"><button type="submit" class="primary">Reconnect' in page


def test_a_refresh_token_renews_the_access_once_and_keeps_it(
    world: World, alice_client: Client, app: OAuthApp, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.gives_refresh_tokens = True
    alice_client.get(through_linkedin(alice_client, world), follow=True)
    alice_client.post(
        f"{channels_url(world)}linkedin/pagina/", {"organisation": "urn:li:organization:2414183"}
    )
    channel = Channel.objects.get(network="linkedin")
    old = channel.secrets["access_token"]
    assert channel.secrets["refresh_token"]
    with time_machine.travel(timezone.now() + 55 * DAY):
        services.connector_for(channel).profile()
        channel.refresh_from_db()
        assert channel.secrets["access_token"] != old
        assert channel.token_expires_at is not None
        assert channel.token_expires_at > timezone.now() + 59 * DAY
        services.connector_for(channel).profile()
    assert fake_linkedin.requests_to("POST", "/oauth/v2/accessToken") == 2  # the code, one refresh


def test_without_a_refresh_token_an_expired_access_asks_for_a_reconnect(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin)
    with time_machine.travel(timezone.now() + 61 * DAY), pytest.raises(AuthError) as expired:
        services.connector_for(channel).profile()
    assert "Reconnect LinkedIn" in expired.value.message
    assert fake_linkedin.requests_to("POST", "/oauth/v2/accessToken") == 0
