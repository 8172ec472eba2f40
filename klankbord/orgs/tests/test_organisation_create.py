"""Creating an organisation: the creator owns it, the event is logged, the slug is unique."""

from django.test import Client

from klankbord.orgs.models import AuditEvent, Membership, Organisation, Role
from klankbord.test import World, make_user


def create(client: Client, name: str, tz: str = "Europe/Brussels") -> object:
    return client.post("/organisaties/nieuw/", {"name": name, "timezone": tz})


def test_the_creator_becomes_owner_and_it_is_audited(world: World, alice_client: Client) -> None:
    response = create(alice_client, "Tweede zaak", "Europe/Amsterdam")
    org = Organisation.objects.get(name="Tweede zaak")
    assert (org.slug, org.timezone) == ("tweede-zaak", "Europe/Amsterdam")
    assert response["Location"] == f"/o/{org.slug}/"
    [owner] = Membership.objects.filter(organisation=org)
    assert (owner.user, owner.role) == (world.alice, Role.OWNER)
    event = AuditEvent.objects.get(organisation=org)
    assert (event.action, event.actor, event.actor_email, event.target) == (
        "organisation.create",
        world.alice,
        "alice@bakkerij.test",
        "Tweede zaak",
    )
    dashboard = alice_client.get(response["Location"])
    assert "Tweede zaak was created." in dashboard.text


def test_a_duplicate_name_gets_its_own_slug(
    world: World, alice_client: Client, charlie_client: Client
) -> None:
    second = create(alice_client, "Bakkerij Alice")
    third = create(charlie_client, "Bakkerij  alice!")
    assert second["Location"] == "/o/bakkerij-alice-2/"
    assert third["Location"] == "/o/bakkerij-alice-3/"
    assert Organisation.objects.get(slug="bakkerij-alice-2").name == "Bakkerij Alice"
    assert Organisation.objects.get(slug="bakkerij-alice-3").memberships.get().user == (
        world.charlie
    )
    # The first organisation of that name is untouched.
    assert Organisation.objects.get(slug="bakkerij-alice") == world.org


def test_a_name_without_letters_still_gets_a_slug(world: World, alice_client: Client) -> None:
    response = create(alice_client, "!!!")
    assert response["Location"] == "/o/organisatie/"
    assert Organisation.objects.get(slug="organisatie").name == "!!!"


def test_an_unknown_time_zone_is_refused(world: World, alice_client: Client) -> None:
    response = create(alice_client, "Maanbasis", "Moon/Tranquility")
    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert not Organisation.objects.filter(name="Maanbasis").exists()


def test_a_name_is_required(world: World, alice_client: Client) -> None:
    response = create(alice_client, "")
    assert response.status_code == 200
    assert "This field is required." in response.text
    assert Organisation.objects.count() == 2


def test_creating_needs_a_login(db: None, client: Client) -> None:
    response = client.post("/organisaties/nieuw/", {"name": "X", "timezone": "Europe/Brussels"})
    assert response["Location"].startswith("/login/")
    assert not Organisation.objects.exists()


def test_someone_without_an_organisation_is_asked_to_create_one(db: None) -> None:
    client = Client()
    client.force_login(make_user("nieuw@example.test"))
    assert client.get("/")["Location"] == "/organisaties/nieuw/"
