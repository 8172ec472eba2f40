"""A week before a channel's access expires, its owners and managers hear it once by e-mail."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone

from klankbord.channels import services
from klankbord.channels.expiry import send_expiry_warnings
from klankbord.channels.tests.connected import connect_linkedin
from klankbord.channels.tests.fakes.linkedin import FakeLinkedIn
from klankbord.orgs.models import Role
from klankbord.test import World

DAY = timedelta(days=1)


def test_owners_and_managers_are_warned_once_a_week_before_expiry(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    manager = world.member(Role.MANAGER)
    editor = world.member(Role.EDITOR)
    channel = connect_linkedin(world, fake_linkedin)
    assert send_expiry_warnings() == 0
    with time_machine.travel(timezone.now() + 54 * DAY):
        assert send_expiry_warnings() == 2
        assert send_expiry_warnings() == 0
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([world.alice.email, manager.email])
    assert editor.email not in recipients
    (first, _second) = mail.outbox
    assert "Bakkerij Vandevelde on LinkedIn" in first.subject
    assert f"/o/{world.org.slug}/instellingen/kanalen/" in first.body
    assert channel.display_name in first.body


def test_the_warning_is_in_the_members_language(
    world: World, fake_linkedin: FakeLinkedIn, translations: None
) -> None:
    world.alice.language = "nl"
    world.alice.save()
    connect_linkedin(world, fake_linkedin, lifetime=3 * 86400)
    assert send_expiry_warnings() == 1
    (message,) = mail.outbox
    assert message.subject == "Bakkerij Vandevelde op LinkedIn: koppel binnen de week opnieuw"
    assert "verloopt op" in message.body


def test_a_renewed_token_warns_again_before_its_own_expiry(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin, lifetime=3 * 86400)
    assert send_expiry_warnings() == 1
    store = services.ChannelStore(channel)
    renewed = int((timezone.now() + 60 * DAY).timestamp())
    store.save_secrets({**channel.secrets, "expires_at": renewed})
    assert send_expiry_warnings() == 0
    with time_machine.travel(timezone.now() + 55 * DAY):
        assert send_expiry_warnings() == 1


def test_a_broken_channel_is_not_warned_about(world: World, fake_linkedin: FakeLinkedIn) -> None:
    channel = connect_linkedin(world, fake_linkedin, lifetime=3 * 86400)
    services.channel_mark_broken(channel=channel, reason="revoked")
    assert send_expiry_warnings() == 0
