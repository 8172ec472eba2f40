"""The home page opens the organisation used last."""

from django.test import Client

from klankbord.orgs.models import Organisation
from klankbord.test import World


def test_home_goes_to_the_last_organisation_used(world: World, alice_client: Client) -> None:
    alice_client.post(
        "/organisaties/nieuw/", {"name": "Tweede zaak", "timezone": "Europe/Brussels"}
    )
    second = Organisation.objects.get(name="Tweede zaak")
    assert alice_client.get("/")["Location"] == f"/o/{second.slug}/"
    alice_client.get(f"/o/{world.org.slug}/")
    assert alice_client.get("/")["Location"] == f"/o/{world.org.slug}/"


def test_home_ignores_an_organisation_the_user_has_left(world: World) -> None:
    bob = Client()
    bob.force_login(world.bob)
    bob.get(f"/o/{world.org.slug}/")
    world.org.memberships.filter(user=world.bob).delete()
    assert bob.get("/")["Location"] == "/organisaties/nieuw/"
