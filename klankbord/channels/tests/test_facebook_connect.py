"""Connecting a Facebook Page: the organisation's own Meta app, Facebook Login, a Page chosen."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection
from django.test import Client

from klankbord.channels import services
from klankbord.channels.models import Channel, FacebookApp
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import APP_ID, APP_SECRET, FakeFacebook
from klankbord.lib.crypto import SecretBox, secret_box
from klankbord.orgs.models import AuditEvent, Membership, Organisation, Role
from klankbord.test import World


@pytest.fixture(autouse=True)
def graph_on_the_fake(settings: Any, fake_facebook: FakeFacebook) -> None:
    settings.FACEBOOK_GRAPH_URL = fake_facebook.base_url
    settings.FACEBOOK_DIALOG_URL = fake_facebook.base_url


@pytest.fixture
def app(world: World) -> FacebookApp:
    return services.facebook_app_save(
        organisation=world.org, app_id=APP_ID, app_secret=APP_SECRET, by=world.alice
    )


def channels_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/"


def log_in_with_facebook(client: Client, world: World) -> str:
    """Start, pass the (fake) dialog, and return the callback path our site is sent back to."""
    response = client.post(f"{channels_url(world)}facebook/")
    assert response.status_code == 302
    approved = httpx.get(response["Location"], follow_redirects=False)
    callback = urlsplit(approved.headers["location"])
    assert callback.path == "/kanalen/facebook/terug/"
    return f"{callback.path}?{callback.query}"


def test_the_owner_saves_the_meta_app_encrypted(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"{channels_url(world)}facebook/app/",
        {"app_id": APP_ID, "app_secret": APP_SECRET},
        follow=True,
    )
    assert "The Meta app is saved" in response.text
    assert "Connect Facebook" in response.text
    assert APP_SECRET not in response.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_facebookapp")
        (stored,) = cursor.fetchone()
    assert stored.startswith("fernet:") and APP_SECRET not in stored
    assert AuditEvent.objects.filter(organisation=world.org, action="facebook_app.create").exists()


def test_rotating_keys_re_encrypts_the_meta_app_secret(app: FacebookApp, settings: Any) -> None:
    old_key = settings.KLANKBORD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.KLANKBORD_ENCRYPTION_KEYS = [new_key, old_key]
    secret_box.cache_clear()
    try:
        call_command("rotate-keys")
        with connection.cursor() as cursor:
            cursor.execute("SELECT secrets FROM channels_facebookapp")
            (stored,) = cursor.fetchone()
        assert APP_SECRET in SecretBox([new_key]).decrypt(stored)
    finally:
        settings.KLANKBORD_ENCRYPTION_KEYS = [old_key]
        secret_box.cache_clear()


def test_an_app_id_must_be_a_number(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"{channels_url(world)}facebook/app/", {"app_id": "mijn app", "app_secret": "x"}
    )
    assert "An app ID is a number" in response.text
    assert not FacebookApp.objects.exists()


def test_only_the_owner_may_enter_the_meta_app(world: World) -> None:
    client = Client()
    client.force_login(world.member(Role.MANAGER))
    response = client.post(
        f"{channels_url(world)}facebook/app/", {"app_id": APP_ID, "app_secret": APP_SECRET}
    )
    assert response.status_code == 403
    assert not FacebookApp.objects.exists()


def test_without_a_meta_app_connecting_says_what_to_do_first(
    world: World, alice_client: Client
) -> None:
    response = alice_client.post(f"{channels_url(world)}facebook/", follow=True)
    assert "First the owner enters the app ID and secret" in response.text


def test_connect_asks_facebook_for_the_page_permissions_with_a_state(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    response = alice_client.post(f"{channels_url(world)}facebook/")
    location = urlsplit(response["Location"])
    query = parse_qs(location.query)
    assert location.path == "/v24.0/dialog/oauth"
    assert query["client_id"] == [APP_ID]
    assert query["redirect_uri"] == ["http://testserver/kanalen/facebook/terug/"]
    assert "pages_manage_posts" in query["scope"][0].split(",")
    assert len(query["state"][0]) >= 30


def test_the_user_chooses_a_page_and_its_token_is_stored_encrypted(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    callback = alice_client.get(log_in_with_facebook(alice_client, world))
    assert callback["Location"] == f"{channels_url(world)}facebook/pagina/"
    choice = alice_client.get(callback["Location"])
    assert "Bakkerij Vandevelde" in choice.text and "Bakkerij Vandevelde Gent" in choice.text
    assert "EAAB" not in choice.text  # no token reaches the page
    page = list(fake_facebook.pages.values())[1]
    done = alice_client.post(callback["Location"], {"page_id": page["id"]}, follow=True)
    assert "Bakkerij Vandevelde Gent is connected." in done.text
    channel = Channel.objects.get(organisation=world.org, network="facebook")
    assert (channel.external_id, channel.handle) == (page["id"], "Bakkerij Vandevelde Gent")
    assert channel.secrets == {"access_token": page["access_token"]}
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel")
        (stored,) = cursor.fetchone()
    assert page["access_token"] not in stored
    # The long-lived user token was only kept until the choice.
    assert "facebook_pages" not in alice_client.session


def test_a_page_that_was_not_offered_cannot_be_chosen(
    world: World, alice_client: Client, app: FacebookApp
) -> None:
    callback = alice_client.get(log_in_with_facebook(alice_client, world))
    response = alice_client.post(callback["Location"], {"page_id": "999"})
    assert "Select a valid choice" in response.text
    assert not Channel.objects.exists()


def test_a_callback_with_a_foreign_state_is_refused(
    world: World, alice_client: Client, app: FacebookApp
) -> None:
    path = log_in_with_facebook(alice_client, world)
    forged = path.replace("state=", "state=x")
    response = alice_client.get(forged, follow=True)
    assert "not started here" in response.text
    assert not Channel.objects.exists()
    # The state is used up: the real callback after a forged one is refused too.
    assert "not started here" in alice_client.get(path, follow=True).text


def test_another_organisation_cannot_finish_the_flow(
    world: World, alice_client: Client, charlie_client: Client, app: FacebookApp
) -> None:
    path = log_in_with_facebook(alice_client, world)
    assert "not started here" in charlie_client.get(path, follow=True).text
    pages = f"{channels_url(world)}facebook/pagina/"
    assert charlie_client.get(pages).status_code == 404
    # Alice's own pending choice is not Charlie's either.
    alice_client.get(path)
    assert charlie_client.post(pages, {"page_id": "1"}).status_code == 404
    assert not Channel.objects.exists()


def test_a_pending_choice_is_only_for_the_organisation_that_started_it(
    world: World, alice_client: Client, app: FacebookApp
) -> None:
    alice_client.get(log_in_with_facebook(alice_client, world))
    other = Organisation.objects.create(name="Bakkerij Twee", slug="bakkerij-twee")
    Membership.objects.create(organisation=other, user=world.alice, role=Role.OWNER)
    response = alice_client.get(
        f"/o/{other.slug}/instellingen/kanalen/facebook/pagina/", follow=True
    )
    assert "not started here" in response.text
    assert not Channel.objects.exists()


def test_a_user_who_cancels_the_dialog_is_told(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.user_approves = False
    response = alice_client.get(log_in_with_facebook(alice_client, world), follow=True)
    assert "Facebook did not give access: Permissions error" in response.text
    assert not Channel.objects.exists()


def test_a_permission_left_out_in_the_dialog_is_named(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.granted.remove("pages_manage_posts")
    response = alice_client.get(log_in_with_facebook(alice_client, world), follow=True)
    assert "did not give every permission Klankbord needs (pages_manage_posts)" in response.text
    assert "facebook_pages" not in alice_client.session


def test_a_wrong_app_secret_is_a_clear_error(
    world: World, alice_client: Client, fake_facebook: FakeFacebook
) -> None:
    services.facebook_app_save(
        organisation=world.org, app_id=APP_ID, app_secret="wrong", by=world.alice
    )
    response = alice_client.get(log_in_with_facebook(alice_client, world), follow=True)
    assert "Connecting to Facebook failed" in response.text
    assert "Error validating client secret" in response.text


def test_an_expired_page_shows_a_reconnect_button(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    channel = connect_facebook(world, fake_facebook)
    fake_facebook.break_token(channel.secrets["access_token"], 463)
    services.channel_check(channel=channel)
    page = alice_client.get(channels_url(world)).text
    assert "Session has expired" in page
    assert f'action="{channels_url(world)}facebook/"' in page
    # Reconnecting the same Page updates the channel in place.
    callback = alice_client.get(log_in_with_facebook(alice_client, world))
    alice_client.post(callback["Location"], {"page_id": channel.external_id})
    channel.refresh_from_db()
    assert channel.status == Channel.Status.CONNECTED
    assert Channel.objects.filter(network="facebook").count() == 1
