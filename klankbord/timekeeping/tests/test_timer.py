"""The header's timer: one running timer per member, kept on the server, recorded when stopped
(on the day it started, in the organisation's time zone), with and without JavaScript."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client

from klankbord.test import World
from klankbord.timekeeping.models import RunningTimer, TimeEntry

TIME = "/o/bakkerij-alice/tijd/"
START = TIME + "timer/start/"
STOP = TIME + "timer/stop/"
MEASURE = "/o/bakkerij-alice/meten/"
# 00:50 on 10 March in Brussels; still the 9th in UTC.
STARTED = datetime(2026, 3, 9, 23, 50, tzinfo=UTC)


def start(client: Client, activity: str = "writing", **extra: str) -> object:
    return client.post(START, {"activity": activity, "next": MEASURE}, **extra)


def test_a_started_timer_shows_in_the_header_on_every_page(
    world: World, alice_client: Client
) -> None:
    with time_machine.travel(STARTED, tick=False):
        response = start(alice_client)
    assert response.status_code == 302 and response["Location"] == MEASURE
    timer = RunningTimer.objects.get(organisation=world.org, member=world.alice)
    assert timer.activity == "writing"
    with time_machine.travel(STARTED + timedelta(minutes=75), tick=False):
        shown = alice_client.get(TIME, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="timer"' in shown and "timer-running" in shown
    assert '<time class="timer-elapsed" datetime="2026-03-10T00:50:00+01:00"' in shown
    assert ">1:15</time>" in shown and "Writing since 00:50" in shown


def test_stopping_records_the_minutes_on_the_local_day_it_started(
    world: World, alice_client: Client
) -> None:
    with time_machine.travel(STARTED, tick=False):
        start(alice_client, "answering")
    with time_machine.travel(STARTED + timedelta(minutes=25, seconds=20), tick=False):
        response = alice_client.post(STOP, {"next": MEASURE})
    assert response.status_code == 302 and response["Location"] == MEASURE
    entry = TimeEntry.objects.get()
    assert (entry.member, entry.activity, entry.minutes) == (world.alice, "answering", 25)
    assert entry.day == date(2026, 3, 10)
    assert entry.source == TimeEntry.Source.TIMER
    assert entry.started_at == STARTED
    assert not RunningTimer.objects.exists()


def test_starting_another_activity_records_the_running_one_first(
    world: World, alice_client: Client
) -> None:
    with time_machine.travel(STARTED, tick=False):
        start(alice_client, "writing")
    with time_machine.travel(STARTED + timedelta(minutes=10), tick=False):
        start(alice_client, "listening")
    assert RunningTimer.objects.get().activity == "listening"
    assert TimeEntry.objects.get().minutes == 10


def test_a_member_has_at_most_one_running_timer(world: World) -> None:
    RunningTimer.objects.create(organisation=world.org, member=world.alice, activity="writing")
    with pytest.raises(IntegrityError), transaction.atomic():
        RunningTimer.objects.create(organisation=world.org, member=world.alice, activity="x")
    # Another member, or the same person in another organisation, has a timer of her own.
    RunningTimer.objects.create(organisation=world.org, member=world.bob, activity="writing")


def test_stopping_without_a_running_timer_records_nothing(alice_client: Client) -> None:
    assert alice_client.post(STOP).status_code == 302
    assert not TimeEntry.objects.exists()


def test_a_very_short_run_counts_a_minute_and_a_forgotten_one_a_day_at_most(
    world: World, alice_client: Client
) -> None:
    for length in (timedelta(seconds=5), timedelta(hours=30)):
        with time_machine.travel(STARTED, tick=False):
            start(alice_client)
        with time_machine.travel(STARTED + length, tick=False):
            alice_client.post(STOP)
    assert sorted(TimeEntry.objects.values_list("minutes", flat=True)) == [1, 24 * 60]


def test_with_htmx_the_timer_answers_with_itself(world: World, alice_client: Client) -> None:
    with time_machine.travel(STARTED, tick=False):
        response = start(alice_client, HTTP_HX_REQUEST="true")
    shown = response.content.decode()
    assert response.status_code == 200
    assert shown.lstrip().startswith('<details class="menu timer timer-running" id="timer"')
    assert f'value="{MEASURE}"' in shown  # the page the form is on, for the fallback
    with time_machine.travel(STARTED + timedelta(minutes=3), tick=False):
        response = alice_client.post(STOP, {"next": MEASURE}, HTTP_HX_REQUEST="true")
    assert "timer-running" not in response.content.decode()
    assert TimeEntry.objects.get().minutes == 3


def test_it_never_sends_you_to_another_site(alice_client: Client) -> None:
    response = alice_client.post(START, {"activity": "writing", "next": "https://evil.example/"})
    assert response["Location"] == TIME
    response = alice_client.post(STOP, {"next": "//evil.example/"})
    assert response["Location"] == TIME


def test_an_unknown_activity_is_refused_with_a_message(alice_client: Client) -> None:
    response = alice_client.post(START, {"activity": "napping"}, follow=True)
    assert "Choose what you are working on." in response.content.decode()
    assert not RunningTimer.objects.exists()


def test_the_page_and_its_script_need_no_inline_code(alice_client: Client) -> None:
    shown = alice_client.get(TIME).content.decode()
    assert '<script src="/static/klankbord/timekeeping.js" defer></script>' in shown
    assert "onclick=" not in shown and "<script>" not in shown and 'style="' not in shown
