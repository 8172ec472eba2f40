"""An invitation link is not a bearer token: only the invited address can accept it."""

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from klankbord.orgs import services
from klankbord.orgs.models import AuditEvent, Invitation, Membership, Role
from klankbord.orgs.tests.conftest import as_member
from klankbord.test import PASSWORD, World

Invite = Callable[..., str]


def english(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_charlie_cannot_join_with_a_link_meant_for_someone_else(
    world: World, invite: Invite
) -> None:
    path = invite(email="nieuw@bakkerij.test", role=Role.OWNER)
    charlie = english(world.charlie)

    page = charlie.get(path)
    assert page.status_code == 403
    assert (
        "This invitation is for nieuw@bakkerij.test, but you are logged in as "
        "charlie@garage.test. Only nieuw@bakkerij.test can accept it."
    ) in page.text
    assert "Accept invitation" not in page.text

    attack = charlie.post(path)
    assert attack.status_code == 403
    assert not Membership.objects.filter(user=world.charlie, organisation=world.org).exists()
    assert not AuditEvent.objects.filter(action="member.join").exists()
    # The link stays usable for the person it was meant for.
    assert Invitation.objects.get().accepted_at is None


def test_the_service_refuses_another_account_too(world: World, invite: Invite) -> None:
    path = invite(email="nieuw@bakkerij.test", role=Role.OWNER)
    token = path.split("/")[2]
    with pytest.raises(ValidationError):
        services.invitation_accept(token=token, user=world.charlie)
    assert not Membership.objects.filter(user=world.charlie, organisation=world.org).exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_address_is_compared_without_regard_to_case(world: World, invite: Invite) -> None:
    path = invite(email="Charlie@Garage.TEST", role=Role.CLIENT)
    response = as_member(world.charlie).post(path)
    assert response.status_code == 302
    assert Membership.objects.get(user=world.charlie, organisation=world.org).role == Role.CLIENT


def test_the_wrong_account_logs_out_and_the_right_one_accepts(world: World, invite: Invite) -> None:
    path = invite(email="charlie@garage.test", role=Role.CLIENT)
    bob = english(world.bob)
    page = bob.get(path)
    assert 'action="/logout/"' in page.text
    assert f'name="next" value="{path}"' in page.text

    logged_out = bob.post("/logout/", {"next": path})
    assert logged_out["Location"] == path
    assert "You already have an account. Log in to accept." in bob.get(path).text

    logged_in = bob.post(
        f"/login/?next={path}", {"username": "charlie@garage.test", "password": PASSWORD}
    )
    assert logged_in["Location"] == path
    assert bob.post(path).status_code == 302
    assert Membership.objects.filter(user=world.charlie, organisation=world.org).exists()
    assert not Membership.objects.filter(user=world.bob, organisation=world.other_org).exists()


def test_the_message_is_in_the_users_language(world: World, invite: Invite) -> None:
    path = invite(email="nieuw@bakkerij.test")
    world.charlie.language = "nl-be"
    world.charlie.save()
    page = as_member(world.charlie).get(path)
    assert "Deze uitnodiging is voor nieuw@bakkerij.test" in page.text
    assert "Uitloggen en verdergaan" in page.text


def test_the_invitation_page_says_je_not_u(world: World, invite: Invite) -> None:
    path = invite()
    page = Client(HTTP_ACCEPT_LANGUAGE="nl-be").get(path)
    assert "Je wachtwoord mag niet volledig uit cijfers bestaan." in page.text
    assert "Uw " not in page.text
