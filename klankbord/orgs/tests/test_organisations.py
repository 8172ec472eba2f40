"""Creating, renaming and switching organisations; the audit log."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from klankbord.orgs.models import AuditEvent, Membership, Organisation, Role
from klankbord.test import World


def test_the_creator_becomes_owner_and_it_is_logged(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        "/organisaties/nieuw/", {"name": "Bakkerij Alice", "timezone": "Europe/Amsterdam"}
    )
    org = Organisation.objects.exclude(pk=world.org.pk).get(name="Bakkerij Alice")
    assert org.slug == "bakkerij-alice-2"
    assert response["Location"] == f"/o/{org.slug}/"
    assert Membership.objects.get(organisation=org).role == Role.OWNER
    assert AuditEvent.objects.filter(organisation=org, action="organisation.create").exists()


def test_home_goes_to_the_last_organisation_used(world: World, alice_client: Client) -> None:
    alice_client.post(
        "/organisaties/nieuw/", {"name": "Tweede zaak", "timezone": "Europe/Brussels"}
    )
    second = Organisation.objects.get(name="Tweede zaak")
    assert alice_client.get("/")["Location"] == f"/o/{second.slug}/"
    alice_client.get(f"/o/{world.org.slug}/")
    assert alice_client.get("/")["Location"] == f"/o/{world.org.slug}/"


def test_someone_without_an_organisation_is_asked_to_create_one(db: None) -> None:
    from klankbord.test import make_user

    client = Client()
    client.force_login(make_user("nieuw@example.test"))
    assert client.get("/")["Location"] == "/organisaties/nieuw/"


def test_the_owner_renames_and_the_change_is_audited(world: World, alice_client: Client) -> None:
    alice_client.post(
        f"/o/{world.org.slug}/instellingen/",
        {"name": "Bakkerij Alice & Zonen", "timezone": "Europe/Brussels"},
    )
    world.org.refresh_from_db()
    assert world.org.name == "Bakkerij Alice & Zonen"
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.data == {"name": ["Bakkerij Alice", "Bakkerij Alice & Zonen"]}
    assert event.actor_email == "alice@bakkerij.test"


def test_an_unknown_time_zone_is_refused(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/", {"name": "X", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    world.org.refresh_from_db()
    assert world.org.timezone == "Europe/Brussels"


def test_times_are_shown_in_the_organisations_zone(world: World, alice_client: Client) -> None:
    world.org.timezone = "America/New_York"
    world.org.save()
    page = alice_client.get(f"/o/{world.org.slug}/").text
    assert "America/New_York" in page


def test_the_audit_log_filters_by_action_person_and_date(
    world: World, alice_client: Client
) -> None:
    AuditEvent.objects.create(
        organisation=world.org, actor_email="bob@bakkerij.test", action="member.invite"
    )
    old = AuditEvent.objects.create(
        organisation=world.org, actor_email="alice@bakkerij.test", action="channel.connect"
    )
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    AuditEvent.objects.create(
        organisation=world.other_org, actor_email="charlie@garage.test", action="member.invite"
    )
    url = f"/o/{world.org.slug}/instellingen/auditlog/"
    by_action = alice_client.get(url, {"action": "member"}).text
    assert "member.invite" in by_action and "channel.connect" not in by_action
    assert "charlie@garage.test" not in by_action
    by_person = alice_client.get(url, {"actor": "alice"}).text
    assert "channel.connect" in by_person and "bob@bakkerij.test" not in by_person
    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    recent = alice_client.get(url, {"since": since}).text
    assert "member.invite" in recent and "channel.connect" not in recent
