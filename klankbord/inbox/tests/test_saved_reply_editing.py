"""A saved reply can be changed by managers and owners of its own organisation only."""

import pytest
from django.test import Client

from klankbord.inbox.models import SavedReply
from klankbord.orgs.models import Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
SETTINGS = "/o/bakkerij-alice/inbox/instellingen/"


@pytest.fixture
def saved(world: World) -> SavedReply:
    return SavedReply.objects.create(
        organisation=world.org, title="Open", language="nl", text="Dag {naam}, we zijn open."
    )


def edit_url(saved: SavedReply) -> str:
    return f"{SETTINGS}antwoorden/{saved.pk}/"


def test_the_settings_page_links_to_each_saved_reply(
    alice_client: Client, saved: SavedReply
) -> None:
    assert edit_url(saved) in alice_client.get(SETTINGS).content.decode()


def test_a_manager_changes_a_saved_reply(world: World, saved: SavedReply) -> None:
    client = Client()
    client.force_login(world.member(Role.MANAGER))
    assert "Dag {naam}, we zijn open." in client.get(edit_url(saved)).content.decode()
    response = client.post(
        edit_url(saved), {"title": "Openingsuren", "language": "", "text": "Dag {naam}!"}
    )
    assert response.status_code == 302 and response["Location"] == SETTINGS
    saved.refresh_from_db()
    assert (saved.title, saved.language, saved.text) == ("Openingsuren", "", "Dag {naam}!")


def test_bad_input_is_explained_and_nothing_is_changed(
    alice_client: Client, saved: SavedReply
) -> None:
    response = alice_client.post(
        edit_url(saved), {"title": "", "language": "nl", "text": "Dag {voornaam}"},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page
    assert "Klankbord does not know {voornaam}. Use {naam}, {handle} or {bedrijf}." in page
    saved.refresh_from_db()
    assert (saved.title, saved.text) == ("Open", "Dag {naam}, we zijn open.")


def test_an_unknown_placeholder_is_refused_when_adding_too(alice_client: Client) -> None:
    response = alice_client.post(
        SETTINGS, {"action": "saved_reply", "title": "X", "language": "", "text": "Dag {voornaam}"}
    )
    assert response.status_code == 200
    assert not SavedReply.objects.exists()


def test_an_editor_may_not_change_a_saved_reply(world: World, saved: SavedReply) -> None:
    client = Client()
    client.force_login(world.bob)
    assert client.get(edit_url(saved)).status_code == 403
    assert client.post(edit_url(saved), {"title": "Weg", "text": "Weg"}).status_code == 403
    saved.refresh_from_db()
    assert saved.title == "Open"


def test_another_organisations_saved_reply_is_not_found(
    charlie_client: Client, world: World
) -> None:
    theirs = SavedReply.objects.create(organisation=world.org, title="Open", text="Dag")
    url = f"/o/garage-charlie/inbox/instellingen/antwoorden/{theirs.pk}/"
    assert charlie_client.get(url).status_code == 404
    assert charlie_client.post(url, {"title": "Weg", "text": "Weg"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Open"
