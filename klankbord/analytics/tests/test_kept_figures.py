"""Measure's figures are counted once and shown again for a few minutes, counted again in the
background while people look, and forgotten when a setting they come from changes."""

import html
import pickle
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from klankbord.analytics import figures, tasks
from klankbord.analytics.models import KeptFigures
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import channel, item, kpi, plan_with_kpis
from klankbord.listening.models import Monitor
from klankbord.listening.services import monitor_listening_set
from klankbord.strategy.kpi_metrics import KPI_METRICS
from klankbord.strategy.services import plan_step_save
from klankbord.test import World, make_member
from klankbord.timekeeping.models import AdSpend

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/meten/"
COUNTED = "/o/bakkerij-alice/meten/geteld/"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def kept_ten_minutes(settings: Any) -> None:
    settings.FIGURES_MAX_AGE_SECONDS = 600
    settings.FIGURES_WARM_HOURS = 24


def look(client: Client, at: datetime = NOW, query: str = "", language: str = "en") -> str:
    with translation.override(language), time_machine.travel(at, tick=False):
        response = client.get(URL + query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def posts_shown(shown: str, title: str = "Posts") -> int:
    if 'id="what-works-empty"' in shown:
        return 0
    found = re.search(rf"<h3>{title}</h3><p class=\"figure\">(\d+)</p>", shown)
    assert found, "the posts card is missing"
    return int(found.group(1))


def speaks_dutch(world: World) -> None:
    world.alice.language = "nl"
    world.alice.save(update_fields=["language"])


def test_figures_are_shown_again_until_they_are_ten_minutes_old(
    world: World, alice_client: Client
) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    first = look(alice_client)
    assert posts_shown(first) == 1
    assert 'id="figures-counted"' in first and "Count again now" in first
    counted_post(world.org, NOW - timedelta(days=1), likes=5)  # the collector counted another
    assert posts_shown(look(alice_client, NOW + timedelta(minutes=9))) == 1
    assert KeptFigures.objects.get().queued_at is None


def test_older_figures_are_shown_at_once_while_the_background_counts_them_again(
    world: World, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    look(alice_client)
    counted_post(world.org, NOW - timedelta(days=1), likes=5)
    later = NOW + timedelta(hours=3)
    delay = mock.patch.object(tasks.count_figures, "delay")
    with delay as queued, django_capture_on_commit_callbacks(execute=True):
        shown = look(alice_client, later)
    assert posts_shown(shown) == 1
    assert "Klankbord is counting them again" in shown and 'hx-trigger="every 3s"' in shown
    kept = KeptFigures.objects.get()
    queued.assert_called_once_with(kept.pk)
    with mock.patch.object(tasks.count_figures, "delay") as queued_again:
        look(alice_client, later + timedelta(seconds=5))  # still counting: not queued twice
    queued_again.assert_not_called()
    poll = re.search(r'hx-get="([^"]+)"', shown)
    assert poll, "the page does not ask whether the figures were counted"
    asked = html.unescape(poll.group(1))  # the page's own address, with the time it shows
    since = {"dagen": 30, "sinds": kept.counted_at.isoformat()}
    with time_machine.travel(later, tick=False):
        assert alice_client.get(asked).status_code == 204
        tasks.count_figures(kept.pk)
        answer = alice_client.get(COUNTED, since)
    assert answer.status_code == 200 and answer["HX-Refresh"] == "true"
    assert posts_shown(look(alice_client, later + timedelta(seconds=10))) == 2


def test_a_page_waiting_for_a_count_that_never_comes_reloads_to_count_itself(
    world: World, alice_client: Client
) -> None:
    look(alice_client)
    kept = KeptFigures.objects.get()
    KeptFigures.objects.update(queued_at=NOW + timedelta(hours=1))
    since = {"dagen": 30, "sinds": kept.counted_at.isoformat()}
    with time_machine.travel(NOW + timedelta(hours=1, minutes=5), tick=False):
        assert alice_client.get(COUNTED, since).status_code == 204  # still on its way
    with time_machine.travel(NOW + timedelta(hours=1, minutes=11), tick=False):
        assert alice_client.get(COUNTED, since)["HX-Refresh"] == "true"
    KeptFigures.objects.all().delete()  # forgotten: a setting changed
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert alice_client.get(COUNTED, since)["HX-Refresh"] == "true"


def test_figures_older_than_a_day_or_stuck_in_the_queue_are_counted_while_waiting(
    world: World, alice_client: Client
) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    look(alice_client)
    counted_post(world.org, NOW - timedelta(days=1), likes=5)
    assert posts_shown(look(alice_client, NOW + timedelta(days=1))) == 2
    counted_post(world.org, NOW - timedelta(hours=1), likes=5)
    # A count queued 20 minutes ago never came: the background is not counting.
    KeptFigures.objects.update(queued_at=NOW + timedelta(days=1, minutes=5))
    shown = look(alice_client, NOW + timedelta(days=1, minutes=25))
    assert posts_shown(shown) == 3 and "counting them again" not in shown


def test_the_counted_question_is_for_members_only(world: World, charlie_client: Client) -> None:
    since = {"dagen": 30, "sinds": NOW.isoformat()}
    assert charlie_client.get(COUNTED, since).status_code == 404
    alice = Client()
    alice.force_login(world.alice)
    assert alice.get(COUNTED, {"dagen": 30, "sinds": "gisteren"}).status_code == 400


def test_count_again_now_shows_the_latest_figures(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    look(alice_client)
    counted_post(world.org, NOW - timedelta(days=1), likes=5)
    assert posts_shown(look(alice_client, query="?vers=1")) == 2
    assert posts_shown(look(alice_client)) == 2  # and those are kept


def test_each_period_and_language_is_kept_on_its_own(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=45), likes=3)
    assert posts_shown(look(alice_client)) == 0
    assert posts_shown(look(alice_client, query="?dagen=90")) == 1
    speaks_dutch(world)
    dutch = look(alice_client, language="nl")
    assert "Cijfers geteld om" in dutch and "Figures counted" not in dutch
    kept = KeptFigures.objects.filter(organisation=world.org)
    assert sorted(kept.values_list("days", "language")) == [(30, "en"), (30, "nl"), (90, "en")]


def test_another_organisation_never_sees_them(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    look(alice_client)
    other = Client()
    other.force_login(make_member(world.other_org, "dana@garage.test", "owner").user)
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        response = other.get("/o/garage-charlie/meten/", HTTP_ACCEPT_LANGUAGE="en")
    assert posts_shown(response.content.decode()) == 0


def test_a_changed_setting_is_shown_at_once(world: World, alice_client: Client) -> None:
    look(alice_client)
    assert KeptFigures.objects.filter(organisation=world.org).exists()
    AdSpend.objects.create(
        organisation=world.org, start=NOW.date(), end=NOW.date(), amount=Decimal("50")
    )
    assert not KeptFigures.objects.filter(organisation=world.org).exists()
    # A new channel too; a channel saved again (as every poll does) keeps them.
    look(alice_client)
    found = channel(world.org, "bluesky")
    assert not KeptFigures.objects.filter(organisation=world.org).exists()
    look(alice_client)
    found.save()
    assert KeptFigures.objects.filter(organisation=world.org).exists()


def test_a_plan_step_saved_and_a_monitor_paused_are_shown_at_once(
    world: World, alice_client: Client
) -> None:
    # Both are conditional updates in their services, which send no post_save.
    owner = world.org.memberships.get(user=world.alice)
    plan_with_kpis(world.org, kpi("posts_published", target=4))
    look(alice_client)
    plan_step_save(organisation=world.org, key="kpis", data={"kpis": [kpi("leads")]}, by=owner)
    assert not KeptFigures.objects.filter(organisation=world.org).exists()
    assert "Leads from social media" in look(alice_client)
    competitor = Monitor.objects.create(
        organisation=world.org, name="Bakker Bob", query="bob", kind=Monitor.Kind.COMPETITOR
    )
    look(alice_client)
    assert monitor_listening_set(owner, competitor, active=False)
    assert not KeptFigures.objects.filter(organisation=world.org).exists()
    other = Monitor.objects.create(organisation=world.other_org, name="Garage", query="garage")
    look(alice_client)
    charlie = world.other_org.memberships.get(user=world.charlie)
    monitor_listening_set(charlie, other, active=False)  # another organisation's: kept
    assert KeptFigures.objects.filter(organisation=world.org).exists()


def test_figures_kept_by_other_code_are_counted_again(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    look(alice_client)
    counted_post(world.org, NOW - timedelta(days=1), likes=5)
    KeptFigures.objects.update(version="older code")
    assert posts_shown(look(alice_client)) == 2
    KeptFigures.objects.update(values=b"not a pickle")
    counted_post(world.org, NOW - timedelta(days=3), likes=5)
    assert posts_shown(look(alice_client)) == 3


def test_the_background_counts_looked_at_figures_before_they_expire(
    world: World, alice_client: Client, settings: Any
) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    speaks_dutch(world)
    look(alice_client, language="nl")
    kept = KeptFigures.objects.get(organisation=world.org)
    counted_post(world.org, NOW - timedelta(days=1), likes=5)
    # Not yet due at 7 minutes; due at 8 (it would expire before the round after next).
    assert figures.due_for_counting(NOW + timedelta(minutes=7)) == []
    with time_machine.travel(NOW + timedelta(minutes=8), tick=False):
        assert figures.due_for_counting() == [kept.pk]
        assert figures.due_for_counting() == []  # claimed once
        tasks.count_figures(kept.pk)
    kept.refresh_from_db()
    assert kept.counted_at == NOW + timedelta(minutes=8)
    assert kept.asked_at == NOW  # counting is not looking
    assert kept.queued_at is None
    values = pickle.loads(bytes(kept.values))  # noqa: S301
    assert values["summary"].posts == 2
    # Counted in the language of the look: the chart texts are Dutch.
    assert "Reacties per bericht" in str(values["charts"])
    # Shown without counting: the look 5 minutes later reads the kept figures.
    shown = look(alice_client, NOW + timedelta(minutes=13), language="nl")
    assert posts_shown(shown, title="Berichten") == 2


def test_figures_nobody_looked_at_for_a_day_are_left_to_expire(
    world: World, alice_client: Client
) -> None:
    look(alice_client)
    assert figures.due_for_counting(NOW + timedelta(hours=25)) == []
    # A count claimed by a worker that died is claimed again after ten minutes.
    at = NOW + timedelta(minutes=9)
    [kept_id] = figures.due_for_counting(at)
    assert figures.due_for_counting(at + timedelta(minutes=5)) == []
    assert figures.due_for_counting(at + timedelta(minutes=11)) == [kept_id]


def test_the_background_leaves_figures_alone_when_keeping_is_off(
    world: World, alice_client: Client, settings: Any
) -> None:
    look(alice_client)
    settings.FIGURES_WARM_HOURS = 0
    assert figures.due_for_counting(NOW + timedelta(minutes=9)) == []


def test_the_dashboard_keeps_its_sparklines_too(world: World, alice_client: Client) -> None:
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        assert alice_client.get("/o/bakkerij-alice/").status_code == 200
    assert KeptFigures.objects.filter(organisation=world.org, page=figures.DASHBOARD).exists()


def test_figures_with_every_kpi_metric_and_section_can_be_kept(
    world: World, alice_client: Client
) -> None:
    plan_with_kpis(world.org, *[kpi(key) for key in KPI_METRICS])
    counted_post(world.org, NOW - timedelta(days=2), likes=3, views=40)
    item(world.org, NOW - timedelta(days=1), answered_after=timedelta(hours=1), is_lead=True)
    Monitor.objects.create(organisation=world.org, name="Bakkerij Alice", query="alice")
    Monitor.objects.create(
        organisation=world.org, name="Bakker Bob", query="bob", kind=Monitor.Kind.COMPETITOR
    )
    look(alice_client)
    kept = KeptFigures.objects.get(organisation=world.org, page=figures.MEASURE)
    values = pickle.loads(bytes(kept.values))  # noqa: S301
    assert len(values["kpis"]) == len(KPI_METRICS)
    assert values["voice"].comparable
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        alice_client.get("/o/bakkerij-alice/")
    assert KeptFigures.objects.filter(organisation=world.org, page=figures.DASHBOARD).exists()


def test_a_download_shows_what_the_page_shows(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    look(alice_client)
    counted_post(world.org, NOW - timedelta(days=1), likes=5)  # counted after the page
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        kept = alice_client.get(URL + "tabel/channels.csv?dagen=30").content.decode()
    with translation.override("en"), time_machine.travel(NOW + timedelta(minutes=11)):
        counted = alice_client.get(URL + "tabel/channels.csv?dagen=30").content.decode()
    assert kept.splitlines()[1].split(",")[1:3] == ['"1"', '"3"']  # one post, three reactions
    assert counted.splitlines()[1].split(",")[1:3] == ['"2"', '"8"']  # old figures: counted anew
