"""The audit log page: owners only, filtered by action, person and date range."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from klankbord.core.tests.conftest import translations
from klankbord.orgs.models import AuditEvent, Role
from klankbord.orgs.tests.conftest import as_member
from klankbord.test import World

BRUSSELS = ZoneInfo("Europe/Brussels")
__all__ = ["translations"]


def event(world: World, action: str, who: str, when: datetime, target: str = "") -> AuditEvent:
    created = AuditEvent.objects.create(
        organisation=world.org, actor_email=who, action=action, target=target
    )
    AuditEvent.objects.filter(pk=created.pk).update(created_at=when)
    return created


@pytest.fixture
def log(world: World) -> None:
    event(world, "member.invite", "bob@bakkerij.test", datetime(2026, 1, 10, 12, tzinfo=BRUSSELS))
    event(
        world, "channel.connect", "alice@bakkerij.test", datetime(2026, 1, 20, 9, tzinfo=BRUSSELS)
    )
    # Late on the 31st and just after midnight on 1 February, Brussels time.
    event(
        world,
        "organisation.update",
        "alice@bakkerij.test",
        datetime(2026, 1, 31, 23, 30, tzinfo=BRUSSELS),
        target="end-of-january",
    )
    event(
        world,
        "member.remove",
        "bob@bakkerij.test",
        datetime(2026, 2, 1, 0, 30, tzinfo=BRUSSELS),
        target="start-of-february",
    )
    other = AuditEvent.objects.create(
        organisation=world.other_org, actor_email="charlie@garage.test", action="member.invite"
    )
    AuditEvent.objects.filter(pk=other.pk).update(created_at=datetime(2026, 1, 15, tzinfo=BRUSSELS))


def shown(client: Client, world: World, **filters: str) -> list[str]:
    response = client.get(f"/o/{world.org.slug}/instellingen/auditlog/", filters)
    assert response.status_code == 200
    return [e.action for e in response.context["page"]]


def test_the_owner_sees_every_event_of_the_organisation_newest_first(
    world: World, alice_client: Client, log: None
) -> None:
    assert shown(alice_client, world) == [
        "member.remove",
        "organisation.update",
        "channel.connect",
        "member.invite",
    ]
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/auditlog/").text
    assert "charlie@garage.test" not in page


def test_it_filters_by_action(world: World, alice_client: Client, log: None) -> None:
    assert shown(alice_client, world, action="member") == ["member.remove", "member.invite"]
    assert shown(alice_client, world, action="channel") == ["channel.connect"]
    assert shown(alice_client, world, action="settings") == []


def test_it_filters_by_who(world: World, alice_client: Client, log: None) -> None:
    assert shown(alice_client, world, actor="alice") == ["organisation.update", "channel.connect"]
    assert shown(alice_client, world, actor="BOB@bakkerij.test") == [
        "member.remove",
        "member.invite",
    ]


def test_it_filters_by_date_range_in_the_organisation_s_time_zone(
    world: World, alice_client: Client, log: None
) -> None:
    january = shown(alice_client, world, since="2026-01-15", until="2026-01-31")
    assert january == ["organisation.update", "channel.connect"]
    assert shown(alice_client, world, since="2026-02-01") == ["member.remove"]
    assert shown(alice_client, world, until="2026-01-10") == ["member.invite"]


def test_filters_combine(world: World, alice_client: Client, log: None) -> None:
    combined = shown(alice_client, world, action="member", actor="bob", since="2026-01-11")
    assert combined == ["member.remove"]


def test_it_pages_by_fifty_and_keeps_the_filter(world: World, alice_client: Client) -> None:
    for n in range(60):
        AuditEvent.objects.create(organisation=world.org, action="member.invite", target=f"{n}")
    url = f"/o/{world.org.slug}/instellingen/auditlog/"
    first = alice_client.get(url, {"action": "member"})
    assert len(first.context["page"]) == 50
    assert 'href="?action=member&page=2"' in first.text
    second = alice_client.get(url, {"action": "member", "page": "2"})
    assert len(second.context["page"]) == 10


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EDITOR, Role.CONTRIBUTOR, Role.CLIENT])
def test_only_owners_may_read_it(world: World, role: str, log: None) -> None:
    response = as_member(world.member(role)).get(f"/o/{world.org.slug}/instellingen/auditlog/")
    assert response.status_code == 403
    assert "member.invite" not in response.text


@pytest.mark.usefixtures("translations")
def test_it_reads_as_sentences_in_the_reader_s_language(world: World, alice_client: Client) -> None:
    scheduled = event(
        world, "post.schedule", "bob@bakkerij.test", datetime(2026, 1, 5, 9, tzinfo=BRUSSELS)
    )
    scheduled.data = {"at": "2026-01-06T09:30:00+00:00"}
    scheduled.save()
    changed = event(
        world, "member.role_change", "alice@bakkerij.test", datetime(2026, 1, 6, 9, tzinfo=BRUSSELS)
    )
    changed.data = {"from": "editor", "to": "manager"}
    changed.save()
    replied = event(
        world, "inbox.replied", "bob@bakkerij.test", datetime(2026, 1, 7, 9, tzinfo=BRUSSELS)
    )
    replied.data = {"reply": 4, "status": "sent", "private": False}
    replied.save()
    world.alice.language = "nl-be"
    world.alice.save()

    page = alice_client.get(f"/o/{world.org.slug}/instellingen/auditlog/")
    visible = re.sub(r"<[^>]+>", " ", page.text)
    assert "Plande een bericht in" in visible
    assert "voor 6 januari 2026 10:30" in visible  # in the organisation's time zone
    assert "Wijzigde de rol van een lid" in visible
    assert "van Redacteur naar Manager" in visible
    assert "Beantwoordde een item in de inbox" in visible
    assert "publiek" in visible
    for raw in ("post.schedule", "member.role_change", "private: False", "{"):
        assert raw not in visible
