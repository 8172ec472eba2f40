"""The profile page: name and language."""

from django.test import Client

from klankbord.test import World


def test_the_profile_saves_name_and_language(world: World, alice_client: Client) -> None:
    response = alice_client.post("/account/", {"name": "Alice V.", "language": "nl-nl"})
    assert response.status_code == 302
    assert response["Location"] == "/account/"
    world.alice.refresh_from_db()
    assert (world.alice.name, world.alice.language) == ("Alice V.", "nl-nl")
    page = alice_client.get("/account/")
    assert '<html lang="nl-nl">' in page.text
    assert 'value="Alice V."' in page.text


def test_an_unknown_language_is_refused(world: World, alice_client: Client) -> None:
    response = alice_client.post("/account/", {"name": "Alice", "language": "klingon"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    world.alice.refresh_from_db()
    assert (world.alice.name, world.alice.language) == ("Alice", "en")


def test_the_profile_shows_only_your_own_account(world: World, alice_client: Client) -> None:
    page = alice_client.get("/account/")
    assert 'value="Alice"' in page.text
    assert "Bob" not in page.text


def test_the_profile_needs_a_login(db: None, client: Client) -> None:
    assert client.get("/account/")["Location"] == "/login/?next=/account/"
