"""Invitations: an e-mailed link that works once, expires, and can be withdrawn."""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone

from klankbord.accounts.models import User
from klankbord.orgs.models import AuditEvent, Invitation, Membership, Role
from klankbord.orgs.tests.conftest import as_member, invitation_path
from klankbord.test import PASSWORD, World

Invite = Callable[..., str]
NEW_PASSWORD = "deeg kneden om zes uur"


def members_url(world: World) -> str:
    return f"/o/{world.org.slug}/instellingen/leden/"


def assert_invalid_page(response: Any) -> None:
    assert response.status_code == 404
    assert "This invitation is no longer valid" in response.text


def test_the_e_mail_is_sent_only_after_the_invitation_is_committed(
    world: World, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = alice_client.post(
            members_url(world), {"email": "Nieuw@Bakkerij.test", "role": Role.EDITOR}
        )
        assert response.status_code == 302
        assert Invitation.objects.filter(email="nieuw@bakkerij.test").exists()
        # Nothing was sent while the transaction could still roll back.
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    [message] = mail.outbox
    assert message.to == ["nieuw@bakkerij.test"]
    assert message.subject == "You are invited to Bakkerij Alice on Klankbord"
    assert "Alice invites you to work on Bakkerij Alice in Klankbord as Editor." in message.body
    assert f"expires in {settings.INVITATION_VALID_DAYS} days" in message.body
    assert message.body.count(settings.SITE_URL + "/uitnodiging/") == 1
    # Only a hash of the link's token is kept.
    token = invitation_path(message.body).split("/")[2]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert invitation.invited_by == world.alice
    event = AuditEvent.objects.get(action="member.invite")
    assert (event.actor, event.target, event.data) == (
        world.alice,
        "nieuw@bakkerij.test",
        {"role": "editor"},
    )


def test_the_members_page_confirms_and_lists_the_open_invitation(
    world: World, alice_client: Client, invite: Invite
) -> None:
    invite()
    page = alice_client.get(members_url(world))
    assert "An invitation was sent to nieuw@bakkerij.test." in page.text
    assert "nieuw@bakkerij.test" in page.text.split('id="invitations"')[1]


def test_a_newcomer_signs_up_through_the_link(world: World, invite: Invite) -> None:
    path = invite()
    newcomer = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = newcomer.get(path)
    assert page.status_code == 200
    assert "Join Bakkerij Alice" in page.text
    assert "You are invited as Editor (nieuw@bakkerij.test)." in page.text

    response = newcomer.post(path, {"name": "Nieuwe collega", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"/o/{world.org.slug}/"
    user = User.objects.get(email="nieuw@bakkerij.test")
    assert user.name == "Nieuwe collega"
    assert user.check_password(NEW_PASSWORD)
    assert newcomer.session["_auth_user_id"] == str(user.pk)
    assert Membership.objects.get(user=user, organisation=world.org).role == Role.EDITOR
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    event = AuditEvent.objects.get(action="member.join")
    assert (event.actor, event.target, event.data) == (
        user,
        "nieuw@bakkerij.test",
        {"role": "editor"},
    )
    assert "Welcome to Bakkerij Alice." in newcomer.get(response["Location"]).text


def test_a_weak_password_is_refused_with_a_reason(world: World, invite: Invite) -> None:
    path = invite()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(path, {"name": "Zwak", "password": "123"})
    assert response.status_code == 200
    assert "This password is too short." in response.text
    assert not User.objects.filter(email="nieuw@bakkerij.test").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_user_accepts_while_logged_in(world: World, invite: Invite) -> None:
    path = invite(email="charlie@garage.test", role=Role.CLIENT)
    charlie = as_member(world.charlie)
    page = charlie.get(path)
    assert "Accept invitation" in page.text
    response = charlie.post(path)
    assert response["Location"] == f"/o/{world.org.slug}/"
    assert Membership.objects.get(user=world.charlie, organisation=world.org).role == Role.CLIENT
    # Charlie keeps his own organisation as well.
    assert Membership.objects.get(user=world.charlie, organisation=world.other_org).role == (
        Role.OWNER
    )
    assert AuditEvent.objects.filter(action="member.join", actor=world.charlie).exists()


def test_an_existing_user_is_asked_to_log_in_first(
    world: World, invite: Invite, visitor: Client
) -> None:
    path = invite(email="charlie@garage.test", role=Role.CLIENT)
    page = visitor.get(path)
    assert "You already have an account. Log in to accept." in page.text
    assert f'href="/login/?next={path}"' in page.text
    # No account is made or joined without logging in.
    assert visitor.post(path, {"name": "X", "password": NEW_PASSWORD}).status_code == 200
    assert not Membership.objects.filter(user=world.charlie, organisation=world.org).exists()

    logged_in = visitor.post(
        f"/login/?next={path}", {"username": "charlie@garage.test", "password": PASSWORD}
    )
    assert logged_in["Location"] == path
    visitor.post(path)
    assert Membership.objects.filter(user=world.charlie, organisation=world.org).exists()


def test_the_link_works_only_once(world: World, invite: Invite, visitor: Client) -> None:
    path = invite()
    Client().post(path, {"name": "Een", "password": NEW_PASSWORD})
    assert_invalid_page(visitor.get(path))
    assert_invalid_page(visitor.post(path, {"name": "Twee", "password": NEW_PASSWORD}))
    # Not even a logged-in user can use it again.
    charlie = Client(HTTP_ACCEPT_LANGUAGE="en")
    charlie.force_login(world.charlie)
    assert_invalid_page(charlie.post(path))
    assert not Membership.objects.filter(user=world.charlie, organisation=world.org).exists()
    assert Membership.objects.filter(organisation=world.org).count() == 3
    assert AuditEvent.objects.filter(action="member.join").count() == 1


def test_a_made_up_link_is_refused(world: World, visitor: Client) -> None:
    assert_invalid_page(visitor.get("/uitnodiging/made-up-token/"))


def test_the_link_still_works_just_before_it_expires(world: World, invite: Invite) -> None:
    path = invite()
    almost = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS, minutes=-1)
    with time_machine.travel(almost):
        response = Client().post(path, {"name": "Net op tijd", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert User.objects.filter(email="nieuw@bakkerij.test").exists()


def test_an_expired_link_is_refused(world: World, invite: Invite, visitor: Client) -> None:
    path = invite()
    later = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS, minutes=1)
    with time_machine.travel(later):
        assert_invalid_page(visitor.get(path))
        assert_invalid_page(visitor.post(path, {"name": "Te laat", "password": NEW_PASSWORD}))
    assert not User.objects.filter(email="nieuw@bakkerij.test").exists()


def test_a_withdrawn_invitation_is_refused(
    world: World, alice_client: Client, invite: Invite, visitor: Client
) -> None:
    path = invite()
    invitation = Invitation.objects.get(email="nieuw@bakkerij.test")
    response = alice_client.post(
        f"/o/{world.org.slug}/instellingen/uitnodigingen/{invitation.pk}/intrekken/", follow=True
    )
    assert response.redirect_chain == [(members_url(world), 302)]
    assert "The invitation was withdrawn." in response.text
    assert not Invitation.objects.exists()
    event = AuditEvent.objects.get(action="member.invite_revoke")
    assert (event.actor, event.target) == (world.alice, "nieuw@bakkerij.test")
    assert_invalid_page(visitor.get(path))


def test_inviting_an_existing_member_explains_why_not(
    world: World, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            members_url(world), {"email": "BOB@bakkerij.test", "role": Role.EDITOR}
        )
    assert response.status_code == 200
    assert "bob@bakkerij.test is already a member." in response.text
    assert not Invitation.objects.exists()
    assert not AuditEvent.objects.filter(action="member.invite").exists()
    assert mail.outbox == []


def test_an_invalid_address_is_refused(world: World, alice_client: Client) -> None:
    response = alice_client.post(members_url(world), {"email": "geen adres", "role": "editor"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert not Invitation.objects.exists()


def test_a_manager_invites_but_not_as_owner(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    manager = as_member(world.member(Role.MANAGER))
    with django_capture_on_commit_callbacks(execute=True):
        refused = manager.post(members_url(world), {"email": "baas@bakkerij.test", "role": "owner"})
        allowed = manager.post(
            members_url(world), {"email": "hulp@bakkerij.test", "role": "editor"}
        )
    assert refused.status_code == 403
    assert allowed.status_code == 302
    assert list(Invitation.objects.values_list("email", "role")) == [
        ("hulp@bakkerij.test", "editor")
    ]
    assert [m.to for m in mail.outbox] == [["hulp@bakkerij.test"]]


def test_a_manager_cannot_withdraw_an_invitation_to_become_owner(
    world: World, invite: Invite
) -> None:
    invite(email="mede-eigenaar@bakkerij.test", role=Role.OWNER)
    invitation = Invitation.objects.get()
    manager = as_member(world.member(Role.MANAGER))
    response = manager.post(
        f"/o/{world.org.slug}/instellingen/uitnodigingen/{invitation.pk}/intrekken/"
    )
    assert response.status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()
