"""Changing roles, removing members and leaving; an organisation always keeps an owner."""

from django.test import Client

from klankbord.orgs.models import AuditEvent, Membership, Role
from klankbord.orgs.tests.conftest import as_member
from klankbord.test import World

LAST_OWNER = "An organisation needs at least one owner."


def membership(world: World, user: object) -> Membership:
    return Membership.objects.get(user=user, organisation=world.org)


def role_url(world: World, member: Membership) -> str:
    return f"/o/{world.org.slug}/instellingen/leden/{member.pk}/rol/"


def remove_url(world: World, member: Membership) -> str:
    return f"/o/{world.org.slug}/instellingen/leden/{member.pk}/verwijderen/"


def test_an_owner_changes_a_role_and_it_is_audited(world: World, alice_client: Client) -> None:
    bob = membership(world, world.bob)
    response = alice_client.post(role_url(world, bob), {"role": Role.MANAGER}, follow=True)
    assert response.redirect_chain == [(f"/o/{world.org.slug}/instellingen/leden/", 302)]
    assert "The role was changed." in response.text
    bob.refresh_from_db()
    assert bob.role == Role.MANAGER
    event = AuditEvent.objects.get(action="member.role_change")
    assert (event.organisation, event.actor, event.target, event.data) == (
        world.org,
        world.alice,
        "bob@bakkerij.test",
        {"from": "editor", "to": "manager"},
    )


def test_an_owner_removes_a_member_and_it_is_audited(world: World, alice_client: Client) -> None:
    bob = membership(world, world.bob)
    response = alice_client.post(remove_url(world, bob), follow=True)
    assert "bob@bakkerij.test was removed." in response.text
    assert not Membership.objects.filter(pk=bob.pk).exists()
    event = AuditEvent.objects.get(action="member.remove")
    assert (event.actor, event.target) == (world.alice, "bob@bakkerij.test")
    # Bob's account stays; he only lost access.
    world.bob.refresh_from_db()
    assert as_member(world.bob).get(f"/o/{world.org.slug}/").status_code == 404


def test_the_last_owner_cannot_be_demoted(world: World, alice_client: Client) -> None:
    alice = membership(world, world.alice)
    response = alice_client.post(role_url(world, alice), {"role": Role.EDITOR}, follow=True)
    assert response.status_code == 200
    assert LAST_OWNER in response.text
    alice.refresh_from_db()
    assert alice.role == Role.OWNER
    assert not AuditEvent.objects.filter(action="member.role_change").exists()


def test_the_last_owner_cannot_leave(world: World, alice_client: Client) -> None:
    alice = membership(world, world.alice)
    response = alice_client.post(remove_url(world, alice), follow=True)
    assert LAST_OWNER in response.text
    assert Membership.objects.filter(pk=alice.pk).exists()
    assert not AuditEvent.objects.filter(action="member.remove").exists()


def test_with_a_second_owner_an_owner_may_step_down(world: World, alice_client: Client) -> None:
    bob = membership(world, world.bob)
    alice_client.post(role_url(world, bob), {"role": Role.OWNER})
    alice = membership(world, world.alice)
    alice_client.post(role_url(world, alice), {"role": Role.MANAGER})
    alice.refresh_from_db()
    assert alice.role == Role.MANAGER
    # Now Bob is the last owner, and a manager may not touch him.
    bob.refresh_from_db()
    assert alice_client.post(role_url(world, bob), {"role": Role.EDITOR}).status_code == 403
    assert alice_client.post(remove_url(world, bob)).status_code == 403
    bob.refresh_from_db()
    assert bob.role == Role.OWNER


def test_a_member_can_leave(world: World) -> None:
    bob_client = as_member(world.bob)
    bob = membership(world, world.bob)
    response = bob_client.post(remove_url(world, bob), follow=True)
    # Bob belongs to no organisation any more, so he is asked to make one.
    assert response.redirect_chain == [("/", 302), ("/organisaties/nieuw/", 302)]
    assert "You left Bakkerij Alice." in response.text
    assert not Membership.objects.filter(pk=bob.pk).exists()
    event = AuditEvent.objects.get(action="member.remove")
    assert (event.actor, event.target) == (world.bob, "bob@bakkerij.test")
    assert bob_client.get(f"/o/{world.org.slug}/").status_code == 404


def test_a_second_owner_can_leave(world: World, alice_client: Client) -> None:
    second = as_member(world.member(Role.OWNER))
    mine = Membership.objects.get(user__email="owner@bakkerij.test")
    assert second.post(remove_url(world, mine)).status_code == 302
    assert not Membership.objects.filter(pk=mine.pk).exists()


def test_a_manager_changes_roles_below_owner(world: World) -> None:
    manager = as_member(world.member(Role.MANAGER))
    bob = membership(world, world.bob)
    assert manager.post(role_url(world, bob), {"role": Role.CONTRIBUTOR}).status_code == 302
    bob.refresh_from_db()
    assert bob.role == Role.CONTRIBUTOR


def test_a_manager_cannot_promote_anyone_to_owner(world: World) -> None:
    manager_user = world.member(Role.MANAGER)
    manager = as_member(manager_user)
    bob = membership(world, world.bob)
    assert manager.post(role_url(world, bob), {"role": Role.OWNER}).status_code == 403
    # Not themselves either.
    mine = membership(world, manager_user)
    assert manager.post(role_url(world, mine), {"role": Role.OWNER}).status_code == 403
    bob.refresh_from_db()
    mine.refresh_from_db()
    assert (bob.role, mine.role) == (Role.EDITOR, Role.MANAGER)
    assert not AuditEvent.objects.filter(action="member.role_change").exists()


def test_a_manager_cannot_demote_or_remove_an_owner(world: World) -> None:
    manager = as_member(world.member(Role.MANAGER))
    alice = membership(world, world.alice)
    assert manager.post(role_url(world, alice), {"role": Role.CLIENT}).status_code == 403
    assert manager.post(remove_url(world, alice)).status_code == 403
    alice.refresh_from_db()
    assert alice.role == Role.OWNER


def test_an_unknown_role_changes_nothing(world: World, alice_client: Client) -> None:
    bob = membership(world, world.bob)
    assert alice_client.post(role_url(world, bob), {"role": "emperor"}).status_code == 302
    bob.refresh_from_db()
    assert bob.role == Role.EDITOR
    assert not AuditEvent.objects.exists()


def test_a_membership_of_another_organisation_is_not_found(
    world: World, alice_client: Client
) -> None:
    charlie = Membership.objects.get(user=world.charlie)
    assert alice_client.post(role_url(world, charlie), {"role": "client"}).status_code == 404
    assert alice_client.post(remove_url(world, charlie)).status_code == 404
    charlie.refresh_from_db()
    assert charlie.role == Role.OWNER


def test_the_only_owner_is_offered_no_leave_button(world: World, alice_client: Client) -> None:
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/leden/").text
    alice = Membership.objects.get(user=world.alice)
    assert f"/instellingen/leden/{alice.pk}/verwijderen/" not in page
    bob = Membership.objects.get(user=world.bob)
    assert f"/instellingen/leden/{bob.pk}/verwijderen/" in page
