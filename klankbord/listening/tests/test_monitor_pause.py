"""Pausing a monitor: it finds nothing new until it is resumed; what it found stays."""

import pytest
from django.test import Client

from klankbord.listening import pipeline, services
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.audit_texts import ACTIONS
from klankbord.orgs.models import AuditEvent, Membership, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/luisteren/"


@pytest.fixture
def feed(world: World) -> Source:
    return Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")


@pytest.fixture
def monitor(world: World) -> Monitor:
    return Monitor.objects.create(organisation=world.org, name="Campagne", query="bakker*")


def heard(feed: Source, n: int, text: str) -> Mention | None:
    batch = pipeline.run(feed, [pipeline.Item(network="rss", remote_id=f"id-{n}", text=text)])
    return batch.stored[0] if batch.stored else None


def as_member(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.member(role))
    return client


def test_a_paused_monitor_matches_nothing_new_until_it_is_resumed(
    alice_client: Client, world: World, feed: Source, monitor: Monitor
) -> None:
    before = heard(feed, 1, "De bakker van Leuven opent een tweede winkel")
    assert before is not None and list(before.monitors.all()) == [monitor]

    response = alice_client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}monitors/{monitor.pk}/"
    monitor.refresh_from_db()
    assert not monitor.active

    # Nothing else listens, so the pipeline keeps nothing; the earlier mention stays.
    assert heard(feed, 2, "Nieuwe bakker in Gent zoekt personeel") is None
    assert list(Mention.objects.filter(monitors=monitor)) == [before]

    alice_client.post(f"{BASE}monitors/{monitor.pk}/hervatten/")
    monitor.refresh_from_db()
    assert monitor.active
    after = heard(feed, 3, "Een bakker in Brugge wint een prijs")
    assert after is not None and list(after.monitors.all()) == [monitor]


def test_a_paused_monitor_is_skipped_while_another_still_stores_the_mention(
    world: World, feed: Source, monitor: Monitor
) -> None:
    other = Monitor.objects.create(organisation=world.org, name="Brood", query="brood")
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    services.monitor_listening_set(alice, monitor, active=False)

    stored = heard(feed, 1, "De bakker bakt het beste brood")
    assert stored is not None and list(stored.monitors.all()) == [other]


def test_pausing_and_resuming_are_audited_once_per_change(
    alice_client: Client, world: World, monitor: Monitor
) -> None:
    alice_client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/")
    again = alice_client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/", follow=True)
    assert "Campagne was already paused." in again.content.decode()
    alice_client.post(f"{BASE}monitors/{monitor.pk}/hervatten/")

    events = AuditEvent.objects.filter(organisation=world.org, target="Campagne")
    assert list(events.order_by("pk").values_list("action", flat=True)) == [
        "listening.monitor_paused",
        "listening.monitor_resumed",
    ]
    assert events.first().actor == world.alice  # type: ignore[union-attr]
    assert {"listening.monitor_paused", "listening.monitor_resumed"} <= set(ACTIONS)


def test_an_editor_may_pause_from_the_list_and_returns_to_it(
    world: World, monitor: Monitor
) -> None:
    bob = Client()
    bob.force_login(world.bob)
    response = bob.post(f"{BASE}monitors/{monitor.pk}/pauzeren/", {"from": "list"})
    assert response.status_code == 302 and response["Location"] == BASE
    monitor.refresh_from_db()
    assert not monitor.active


@pytest.mark.parametrize("role", [Role.CLIENT, Role.CONTRIBUTOR])
def test_who_may_not_edit_a_monitor_may_not_pause_it(
    world: World, monitor: Monitor, role: str
) -> None:
    client = as_member(world, role)
    assert client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/").status_code == 403
    Monitor.objects.filter(pk=monitor.pk).update(active=False)
    assert client.post(f"{BASE}monitors/{monitor.pk}/hervatten/").status_code == 403
    monitor.refresh_from_db()
    assert not monitor.active and not AuditEvent.objects.filter(target="Campagne").exists()

    page = client.get(f"{BASE}monitors/{monitor.pk}/").content.decode()
    assert 'id="monitor-paused"' in page and 'id="monitor-resume"' not in page


def test_another_organisations_monitor_is_not_found(
    charlie_client: Client, monitor: Monitor
) -> None:
    assert charlie_client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/").status_code == 404
    own_url = f"/o/garage-charlie/luisteren/monitors/{monitor.pk}/pauzeren/"
    assert charlie_client.post(own_url).status_code == 404
    monitor.refresh_from_db()
    assert monitor.active


def test_a_get_does_not_pause(alice_client: Client, monitor: Monitor) -> None:
    assert alice_client.get(f"{BASE}monitors/{monitor.pk}/pauzeren/").status_code == 405
    assert alice_client.get(f"{BASE}monitors/{monitor.pk}/hervatten/").status_code == 405
    monitor.refresh_from_db()
    assert monitor.active


def test_the_pause_needs_the_csrf_token(world: World, monitor: Monitor) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.alice)
    assert client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/").status_code == 403
    monitor.refresh_from_db()
    assert monitor.active


def test_the_list_and_the_page_say_paused_in_dutch(
    translations: None, alice_client: Client, world: World, monitor: Monitor
) -> None:
    world.alice.language = "nl"
    world.alice.save(update_fields=["language"])
    Monitor.objects.create(organisation=world.org, name="Merk", query="bakkerij")

    listed = alice_client.get(BASE).content.decode()
    assert listed.count(">Pauzeren<") == 2 and "gepauzeerd" not in listed

    followed = alice_client.post(f"{BASE}monitors/{monitor.pk}/pauzeren/", follow=True)
    page = followed.content.decode()
    assert "Campagne is gepauzeerd" in page  # the message
    assert '<span class="badge warn" id="monitor-paused-badge">gepauzeerd</span>' in page
    assert "Deze monitor is gepauzeerd." in page
    assert "vindt geen nieuwe vermeldingen tot hij hervat wordt" in page
    assert ">Hervatten</button>" in page and 'id="monitor-pause"' not in page

    listed = alice_client.get(BASE).content.decode()
    row = listed.split(f'id="monitor-{monitor.pk}"')[1].split("</tr>")[0]
    assert '<span class="badge warn">gepauzeerd</span>' in row and ">Hervatten<" in row
    assert listed.count(">Pauzeren<") == 1  # the other monitor still listens


def test_a_paused_monitor_stays_in_the_list_and_the_inbox_filter(
    alice_client: Client, world: World, monitor: Monitor
) -> None:
    Monitor.objects.filter(pk=monitor.pk).update(active=False)
    assert "Campagne" in alice_client.get(BASE).content.decode()
    inbox = alice_client.get("/o/bakkerij-alice/inbox/")
    assert inbox.status_code == 200
    assert f'<option value="{monitor.pk}" >Campagne</option>' in inbox.content.decode()
