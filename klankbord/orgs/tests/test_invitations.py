"""Invitations: e-mailed link, single use, expiring, withdrawable."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from klankbord.accounts.models import User
from klankbord.orgs.models import AuditEvent, Invitation, Membership, Role
from klankbord.test import World


@pytest.fixture
def invite(world: World, alice_client: Client, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    def send(email: str = "nieuw@bakkerij.test", role: str = Role.EDITOR) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            alice_client.post(
                f"/o/{world.org.slug}/instellingen/leden/", {"email": email, "role": role}
            )
        link = re.search(r"http://[^\s]+/uitnodiging/[^\s]+/", mail.outbox[-1].body)
        assert link, mail.outbox[-1].body
        return "/" + link.group(0).split("/", 3)[3]

    return send


def test_a_newcomer_accepts_and_lands_on_the_dashboard(world: World, invite) -> None:  # type: ignore[no-untyped-def]
    path = invite()
    assert mail.outbox[-1].to == ["nieuw@bakkerij.test"]
    newcomer = Client()
    page = newcomer.get(path)
    assert "Bakkerij Alice" in page.text
    response = newcomer.post(path, {"name": "Nieuwe collega", "password": "deeg kneden om zes uur"})
    assert response["Location"] == f"/o/{world.org.slug}/"
    user = User.objects.get(email="nieuw@bakkerij.test")
    assert Membership.objects.get(user=user, organisation=world.org).role == Role.EDITOR
    assert AuditEvent.objects.filter(action="member.join", target="nieuw@bakkerij.test").exists()


def test_the_link_works_only_once(world: World, invite) -> None:  # type: ignore[no-untyped-def]
    path = invite()
    Client().post(path, {"name": "Een", "password": "deeg kneden om zes uur"})
    second = Client().get(path)
    assert second.status_code == 404
    assert Membership.objects.filter(organisation=world.org).count() == 3


def test_an_existing_user_accepts_after_logging_in(world: World, invite) -> None:  # type: ignore[no-untyped-def]
    path = invite(email="charlie@garage.test", role=Role.CLIENT)
    anonymous = Client().get(path).text
    assert "Log in" in anonymous or "Inloggen" in anonymous
    charlie = Client()
    charlie.force_login(world.charlie)
    charlie.post(path)
    assert Membership.objects.get(user=world.charlie, organisation=world.org).role == Role.CLIENT


def test_an_expired_link_is_refused(world: World, invite) -> None:  # type: ignore[no-untyped-def]
    path = invite()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = Client().post(path, {"name": "Te laat", "password": "deeg kneden om zes uur"})
    assert response.status_code == 404
    assert not User.objects.filter(email="nieuw@bakkerij.test").exists()


def test_a_withdrawn_invitation_is_refused(world: World, alice_client: Client, invite) -> None:  # type: ignore[no-untyped-def]
    path = invite()
    invitation = Invitation.objects.get(email="nieuw@bakkerij.test")
    alice_client.post(f"/o/{world.org.slug}/instellingen/uitnodigingen/{invitation.pk}/intrekken/")
    assert Client().get(path).status_code == 404
    assert AuditEvent.objects.filter(action="member.invite_revoke").exists()


def test_inviting_a_member_again_explains_why_not(world: World, alice_client: Client) -> None:
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/leden/", {"email": "BOB@bakkerij.test", "role": "editor"}
    )
    assert response.status_code == 200
    assert "already a member" in response.text or "al lid" in response.text
    assert not Invitation.objects.exists()


def test_a_weak_password_is_refused_with_a_reason(world: World, invite) -> None:  # type: ignore[no-untyped-def]
    path = invite()
    response = Client().post(path, {"name": "Zwak", "password": "123"})
    assert response.status_code == 200
    assert not User.objects.filter(email="nieuw@bakkerij.test").exists()


def test_the_last_owner_cannot_leave_or_be_demoted(world: World, alice_client: Client) -> None:
    alice = Membership.objects.get(user=world.alice)
    alice_client.post(f"/o/{world.org.slug}/instellingen/leden/{alice.pk}/rol/", {"role": "editor"})
    alice_client.post(f"/o/{world.org.slug}/instellingen/leden/{alice.pk}/verwijderen/")
    alice.refresh_from_db()
    assert alice.role == Role.OWNER


def test_an_owner_changes_a_role_and_removes_a_member(world: World, alice_client: Client) -> None:
    bob = Membership.objects.get(user=world.bob)
    alice_client.post(f"/o/{world.org.slug}/instellingen/leden/{bob.pk}/rol/", {"role": "manager"})
    bob.refresh_from_db()
    assert bob.role == Role.MANAGER
    assert AuditEvent.objects.get(action="member.role_change").data == {
        "from": "editor",
        "to": "manager",
    }
    alice_client.post(f"/o/{world.org.slug}/instellingen/leden/{bob.pk}/verwijderen/")
    assert not Membership.objects.filter(pk=bob.pk).exists()
    assert AuditEvent.objects.filter(action="member.remove", target="bob@bakkerij.test").exists()
    # Bob's account stays; he only lost access.
    bob_client = Client()
    bob_client.force_login(world.bob)
    assert bob_client.get(f"/o/{world.org.slug}/").status_code == 404
