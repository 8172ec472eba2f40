"""The owner changes name, time zone and the two-factor requirement; every change is logged."""

from django.test import Client

from klankbord.orgs.models import AuditEvent
from klankbord.test import World


def save(client: Client, world: World, **changes: object) -> object:
    data = {"name": world.org.name, "timezone": world.org.timezone, **changes}
    if not data.get("require_2fa"):
        data.pop("require_2fa", None)
    return client.post(f"/o/{world.org.slug}/instellingen/", data)


def test_the_owner_renames_and_the_change_is_audited(world: World, alice_client: Client) -> None:
    response = save(alice_client, world, name="Bakkerij Alice & Zonen")
    assert response["Location"] == f"/o/{world.org.slug}/instellingen/"
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice & Zonen"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.data == {"name": ["Bakkerij Alice", "Bakkerij Alice & Zonen"]}
    assert (event.actor, event.actor_email, event.target) == (
        world.alice,
        "alice@bakkerij.test",
        "Bakkerij Alice & Zonen",
    )
    assert "The settings were saved." in alice_client.get(response["Location"]).text


def test_one_event_lists_every_change(world: World, alice_client: Client) -> None:
    save(alice_client, world, name="Alice & Co", timezone="Europe/Amsterdam", require_2fa="on")
    world.org.refresh_from_db()
    assert (world.org.name, world.org.timezone, world.org.require_2fa) == (
        "Alice & Co",
        "Europe/Amsterdam",
        True,
    )
    [event] = AuditEvent.objects.filter(action="organisation.update")
    assert event.data == {
        "name": ["Bakkerij Alice", "Alice & Co"],
        "timezone": ["Europe/Brussels", "Europe/Amsterdam"],
        "require_2fa": [False, True],
    }


def test_saving_without_changes_logs_nothing(world: World, alice_client: Client) -> None:
    assert save(alice_client, world).status_code == 302
    assert not AuditEvent.objects.exists()


def test_an_unknown_time_zone_is_a_form_error(world: World, alice_client: Client) -> None:
    response = save(alice_client, world, name="Nieuwe naam", timezone="Mars/Olympus")
    assert response.status_code == 200
    assert "Select a valid choice. Mars/Olympus is not one of the available choices." in (
        response.text
    )
    world.org.refresh_from_db()
    assert (world.org.name, world.org.timezone) == ("Bakkerij Alice", "Europe/Brussels")
    assert not AuditEvent.objects.exists()


def test_times_are_shown_in_the_organisation_s_zone(world: World, alice_client: Client) -> None:
    save(alice_client, world, timezone="America/New_York")
    page = alice_client.get(f"/o/{world.org.slug}/").text
    assert "America/New_York" in page


def test_settings_belong_to_the_owner(world: World) -> None:
    bob = Client()
    bob.force_login(world.bob)
    response = save(bob, world, name="Bob's bakkerij")
    assert response.status_code == 403
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice"
    assert not AuditEvent.objects.exists()
