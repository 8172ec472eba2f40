"""Connecting an Instagram professional account: Facebook Login, then the account of a Page."""

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.test import Client

from klankbord.channels import services
from klankbord.channels.models import Channel, FacebookApp
from klankbord.channels.networks.facebook import INSTAGRAM_SCOPES
from klankbord.channels.tests.fakes.facebook import APP_ID, APP_SECRET, FakeFacebook
from klankbord.test import World


@pytest.fixture(autouse=True)
def graph_on_the_fake(settings: Any, fake_facebook: FakeFacebook) -> None:
    settings.FACEBOOK_GRAPH_URL = fake_facebook.base_url
    settings.FACEBOOK_DIALOG_URL = fake_facebook.base_url
    # The user allows what the Instagram connection asks for.
    fake_facebook.granted = sorted(set(fake_facebook.granted) | set(INSTAGRAM_SCOPES))


@pytest.fixture
def app(world: World) -> FacebookApp:
    return services.facebook_app_save(
        organisation=world.org, app_id=APP_ID, app_secret=APP_SECRET, by=world.alice
    )


def channels_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/kanalen/"


def log_in_for_instagram(client: Client, world: World) -> str:
    """Start, pass the (fake) dialog, and return the callback path our site is sent back to."""
    response = client.post(f"{channels_url(world)}instagram/")
    assert response.status_code == 302
    approved = httpx.get(response["Location"], follow_redirects=False)
    callback = urlsplit(approved.headers["location"])
    return f"{callback.path}?{callback.query}"


def link_instagram(fake: FakeFacebook, page: dict[str, Any], username: str) -> str:
    """The Page's owner linked a professional Instagram account to it (in Business Suite)."""
    ig_id = f"1784{page['id'][-11:]}"
    page["instagram_business_account"] = {"id": ig_id, "username": username}
    return ig_id


def test_connect_asks_facebook_for_the_instagram_permissions(
    world: World, alice_client: Client, app: FacebookApp
) -> None:
    response = alice_client.post(f"{channels_url(world)}instagram/")
    query = parse_qs(urlsplit(response["Location"]).query)
    scopes = query["scope"][0].split(",")
    assert {"instagram_basic", "instagram_content_publish", "instagram_manage_comments"} <= set(
        scopes
    )
    assert query["redirect_uri"] == ["http://testserver/kanalen/facebook/terug/"]


def test_the_channels_page_offers_instagram_once_the_meta_app_is_there(
    world: World, alice_client: Client, app: FacebookApp
) -> None:
    assert "Connect Instagram" in alice_client.get(channels_url(world)).text


def test_pages_without_an_instagram_account_are_named_with_what_to_do(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    pages = list(fake_facebook.pages.values())
    link_instagram(fake_facebook, pages[0], "bakkerijvandevelde")
    callback = alice_client.get(log_in_for_instagram(alice_client, world))
    assert callback["Location"] == f"{channels_url(world)}instagram/account/"
    choice = alice_client.get(callback["Location"])
    assert "@bakkerijvandevelde (Page Bakkerij Vandevelde)" in choice.text
    assert 'id="pages-without-instagram"' in choice.text
    assert "Bakkerij Vandevelde Gent</li>" in choice.text
    assert "personal account cannot be reached" in choice.text
    assert "EAAB" not in choice.text  # no token reaches the page


def test_without_any_professional_account_nothing_can_be_chosen(
    world: World, alice_client: Client, app: FacebookApp
) -> None:
    callback = alice_client.get(log_in_for_instagram(alice_client, world))
    choice = alice_client.get(callback["Location"])
    assert 'id="instagram-accounts"' not in choice.text
    assert "switch the account to a professional account" in choice.text
    refused = alice_client.post(callback["Location"], {"account": "17841400000000001"})
    assert "switch the account to a professional account" in refused.text
    assert not Channel.objects.exists()


def test_a_missing_instagram_permission_is_named(
    world: World, alice_client: Client, app: FacebookApp, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.granted.remove("instagram_content_publish")
    response = alice_client.get(log_in_for_instagram(alice_client, world), follow=True)
    assert "instagram_content_publish" in response.text
    assert not Channel.objects.exists()


def test_another_organisation_cannot_choose_from_alices_login(
    world: World, alice_client: Client, charlie_client: Client, app: FacebookApp,
    fake_facebook: FakeFacebook,
) -> None:  # fmt: skip
    ig_id = link_instagram(fake_facebook, fake_facebook.first_page(), "bakkerijvandevelde")
    alice_client.get(log_in_for_instagram(alice_client, world))
    accounts = f"{channels_url(world)}instagram/account/"
    assert charlie_client.post(accounts, {"account": ig_id}).status_code == 404
    assert not Channel.objects.exists()
