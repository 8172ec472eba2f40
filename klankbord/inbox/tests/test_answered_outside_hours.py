"""A first answer given while the business was closed is said to be so, not "after 0 min"."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from klankbord.inbox import services
from klankbord.inbox.hours import OpeningHours, is_open
from klankbord.inbox.models import Item
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
OUTSIDE = "answered outside opening hours"


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A moment in Brussels in November 2026 (the 7th is a Saturday, the 9th a Monday)."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=BRUSSELS)


def answered(world: World, arrived: datetime, replied: datetime) -> Item:
    source = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    mention = Mention.objects.create(
        organisation=world.org, source=source, network="rss", remote_id="1", key="k1",
        text="Zijn jullie morgen open?",
    )  # fmt: skip
    item = Item.objects.create(organisation=world.org, mention=mention, arrived_at=arrived)
    services.item_responded(item=item, at=replied)
    return item


def shown(client: Client, item: Item) -> str:
    page = client.get(f"/o/bakkerij-alice/inbox/{item.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    return page.content.decode()


def test_a_reply_on_saturday_is_said_to_be_outside_opening_hours(
    alice_client: Client, world: World
) -> None:
    item = answered(world, arrived=at(7, 10), replied=at(7, 11))
    assert item.first_response_seconds == 0
    page = shown(alice_client, item)
    assert OUTSIDE in page
    assert "0 min" not in page


def test_a_reply_right_after_opening_counts_no_working_time(
    alice_client: Client, world: World
) -> None:
    item = answered(world, arrived=at(8, 20), replied=at(9, 9, 0, 30))
    page = shown(alice_client, item)
    assert "0 min" in page
    assert OUTSIDE not in page


def test_a_reply_in_the_evening_after_a_day_of_waiting_shows_the_working_time(
    alice_client: Client, world: World
) -> None:
    item = answered(world, arrived=at(9, 15), replied=at(9, 20))
    page = shown(alice_client, item)
    assert "2 h 0 min" in page
    assert OUTSIDE not in page


def test_an_evening_opening_that_closes_at_midnight_is_open_until_midnight() -> None:
    week = {str(day): [["18:00", "24:00"]] for day in range(7)}
    evenings = OpeningHours.from_settings(week, "BE-VLG", "Europe/Brussels")
    assert is_open(at(7, 23, 59), evenings)
    assert not is_open(at(8, 0), evenings)
    assert not is_open(at(8, 17, 59), evenings)
    assert is_open(at(8, 18), evenings)
