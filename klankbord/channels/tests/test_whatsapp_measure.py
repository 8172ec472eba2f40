"""Measure counts WhatsApp like every channel: conversations, answers in time, first response."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from klankbord.analytics.selectors import answers_per_channel
from klankbord.channels.models import Channel
from klankbord.channels.tests.fakes.whatsapp import (
    CUSTOMER_WA_ID,
    FakeWhatsApp,
    text_message,
    webhook_delivery,
)
from klankbord.channels.tests.test_whatsapp_webhooks import deliver
from klankbord.channels.tests.whatsapp_setup import channel, fake, in_english
from klankbord.inbox.models import Item
from klankbord.inbox.replying import reply_send
from klankbord.listening.models import Mention
from klankbord.orgs.models import Membership
from klankbord.test import World

__all__ = ["channel", "fake", "in_english"]
pytestmark = pytest.mark.django_db
# A Tuesday, 10:00 in Brussels: inside the default opening hours, so minutes are working minutes.
TUESDAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DAY = TUESDAY.date()


def answered_after(
    world: World, fake: FakeWhatsApp, channel: Channel, wamid: str, minutes: int
) -> Item:
    """A customer writes at 10:00; Alice answers `minutes` later through WhatsApp."""
    with time_machine.travel(TUESDAY, tick=False):
        fake.customer_wrote(CUSTOMER_WA_ID)
        deliver(channel, webhook_delivery(text_message(wamid, "Is de taart klaar?")))
    item = Item.objects.get(mention__remote_id__endswith=wamid)
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    with time_machine.travel(TUESDAY + timedelta(minutes=minutes), tick=False):
        reply_send(item=item, by=alice, text="Ja, vanaf 14 uur.")
    item.refresh_from_db()
    return item


def test_a_whatsapp_answer_after_25_minutes_counts_for_the_whatsapp_channel(
    world: World, fake: FakeWhatsApp, channel: Channel
) -> None:
    item = answered_after(world, fake, channel, "wamid.a", 25)
    assert item.first_response_seconds == 25 * 60

    [row] = answers_per_channel(world.org, DAY, DAY)

    assert row.channel == channel and row.network_label == "WhatsApp Business"
    assert (row.answers.conversations, row.answers.answered, row.answers.in_time) == (1, 1, 1)
    assert row.answers.median_minutes == 25.0 and row.in_time_percent == 100


def test_each_channel_keeps_its_own_figures(
    world: World, fake: FakeWhatsApp, channel: Channel
) -> None:
    answered_after(world, fake, channel, "wamid.a", 10)
    answered_after(world, fake, channel, "wamid.b", 20)
    # Past the two working hours of the default target: answered, but late.
    answered_after(world, fake, channel, "wamid.c", 180)
    with time_machine.travel(TUESDAY, tick=False):
        deliver(channel, webhook_delivery(text_message("wamid.d", "Nog open vandaag?")))
    found = Mention.objects.create(
        organisation=world.org, network="rss", remote_id="r1", key="r1", text="Bakkerij Janssens?"
    )
    Item.objects.create(
        organisation=world.org, mention=found, arrived_at=TUESDAY,
        first_response_at=TUESDAY + timedelta(minutes=5), first_response_seconds=300,
    )  # fmt: skip

    whatsapp, listened = answers_per_channel(world.org, DAY, DAY)

    assert whatsapp.channel == channel
    assert (whatsapp.answers.conversations, whatsapp.answers.answered) == (4, 3)
    assert whatsapp.answers.in_time == 2 and whatsapp.in_time_percent == 67
    assert whatsapp.answers.median_minutes == 20.0
    assert listened.channel is None and listened.answers.median_minutes == 5.0
    assert answers_per_channel(world.org, DAY + timedelta(days=1), DAY + timedelta(days=1)) == []


def test_the_measure_page_shows_the_whatsapp_row(
    world: World, fake: FakeWhatsApp, channel: Channel, alice_client: Client, charlie_client: Client
) -> None:
    answered_after(world, fake, channel, "wamid.a", 25)
    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):
        page = alice_client.get(f"/o/{world.org.slug}/meten/")
        other = charlie_client.get(f"/o/{world.other_org.slug}/meten/")
    assert f'id="answers-{channel.pk}"' in page.text
    assert "25 working min" in page.text and "100%" in page.text
    assert f'id="answers-{channel.pk}"' not in other.text
