"""WhatsApp message templates: the approved ones listed, one sent as an answer exactly once,
also after the 24-hour customer service window closed."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.channels.networks.whatsapp import WhatsAppConnector
from klankbord.channels.services import connector_for
from klankbord.channels.tests.fakes.whatsapp import CUSTOMER_WA_ID, FakeWhatsApp

# The fake Cloud API, a connected number and a customer's message, as for text answers.
from klankbord.channels.tests.test_whatsapp_replies import alice_in, customer_item, posts
from klankbord.channels.tests.whatsapp_setup import channel, fake, in_english
from klankbord.inbox.message_templates import template_reply_send, templates_of
from klankbord.inbox.models import Item, Reply
from klankbord.inbox.replying import ReplyRefused
from klankbord.lib import http
from klankbord.listening.models import Mention
from klankbord.orgs.models import AuditEvent
from klankbord.test import World

__all__ = ["channel", "fake", "in_english"]
pytestmark = pytest.mark.django_db
REMINDER = "afspraak_herinnering:nl"
REMINDER_TEXT = "Dag Els, we verwachten je op dinsdag om 10 uur in de bakkerij. Tot dan!"


@pytest.fixture(autouse=True)
def no_cached_templates() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def listings(fake: FakeWhatsApp) -> int:
    return sum(1 for method, path in fake.requests if path.endswith("/message_templates"))


def later() -> time_machine.travel:
    """A day and an hour after the customer's message: the window has closed."""
    return time_machine.travel(timezone.now() + timedelta(hours=25))


def send_reminder(world: World, item: Item, *values: str) -> Reply:
    return template_reply_send(
        item=item, by=alice_in(world), key=REMINDER, header_values=[], body_values=list(values)
    )


def item_url(item: Item) -> str:
    return f"/o/{item.organisation.slug}/inbox/{item.pk}/"


def test_it_lists_only_approved_templates_from_every_page(
    channel: Channel, fake: FakeWhatsApp
) -> None:
    connector = connector_for(channel)
    assert isinstance(connector, WhatsAppConnector)

    found = connector.templates()

    assert [(t.name, t.language) for t in found] == [
        ("afspraak_herinnering", "fr"),
        ("afspraak_herinnering", "nl"),
        ("bestelling_klaar", "nl"),
        ("hello_world", "en_US"),
        ("nieuwe_openingsuren", "nl"),
    ]
    assert listings(fake) == 2
    reminder, order = found[1], found[2]
    assert reminder.body_variables == ("1", "2") and reminder.category == "UTILITY"
    assert reminder.footer == "Bakkerij Janssens" and not reminder.unsupported
    assert order.named and order.header == "Bestelling {{bestelnummer}}"
    assert order.header_variables == ("bestelnummer",)
    assert order.body_variables == ("naam", "uur")
    assert found[3].body_variables == ()
    assert found[4].unsupported == "media_header"


def test_the_list_is_kept_briefly_and_read_again_on_request(
    channel: Channel, fake: FakeWhatsApp
) -> None:
    templates_of(channel)
    templates_of(channel)
    assert listings(fake) == 2  # one listing, two pages

    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        templates_of(channel)
    templates_of(channel, refresh=True)

    assert listings(fake) == 6


def test_a_template_goes_out_after_the_window_closed_exactly_once(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)

    with later():
        reply = template_reply_send(
            item=item,
            by=alice_in(world),
            key=REMINDER,
            header_values=[],
            body_values=["Els", "dinsdag om 10 uur"],
        )

    assert reply.status == Reply.Status.SENT and reply.private
    assert [m["text"] for m in fake.sent] == [REMINDER_TEXT]
    assert fake.sent[0]["type"] == "template" and fake.sent[0]["to"] == CUSTOMER_WA_ID
    assert fake.sent[0]["template"] == {
        "name": "afspraak_herinnering",
        "language": {"code": "nl"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Els"},
                    {"type": "text", "text": "dinsdag om 10 uur"},
                ],
            }
        ],
    }
    assert fake.sent[0]["biz_opaque_callback_data"] == reply.idempotency_key
    assert reply.text == REMINDER_TEXT
    assert reply.template == {
        "name": "afspraak_herinnering",
        "language": "nl",
        "parameters": ["Els", "dinsdag om 10 uur"],
    }
    assert reply.remote_id == f"whatsapp/{CUSTOMER_WA_ID}/{fake.sent[0]['id']}"
    assert posts(fake) == 1
    event = AuditEvent.objects.get(action="inbox.replied")
    assert event.data["template"] == "afspraak_herinnering"


def test_a_named_template_sends_its_header_and_body_by_name(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)

    reply = template_reply_send(
        item=item,
        by=alice_in(world),
        key="bestelling_klaar:nl",
        header_values=["B-1042"],
        body_values=["Els", "17 uur"],
    )

    assert reply.status == Reply.Status.SENT
    assert fake.sent[0]["text"] == "Dag Els, je bestelling ligt klaar. Ophalen kan tot 17 uur."
    header, body = fake.sent[0]["template"]["components"]
    assert header["parameters"] == [
        {"type": "text", "text": "B-1042", "parameter_name": "bestelnummer"}
    ]
    assert [p["parameter_name"] for p in body["parameters"]] == ["naam", "uur"]
    assert reply.text.startswith("Bestelling B-1042\n\nDag Els")


def test_a_lost_template_stays_unconfirmed_and_is_never_sent_twice(
    world: World, channel: Channel, fake: FakeWhatsApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))
    item = customer_item(channel, fake)
    fake.drop_after_accept = 1

    with later():
        reply = send_reminder(world, item, "Els", "dinsdag")
        assert reply.status == Reply.Status.UNCONFIRMED
        with pytest.raises(ReplyRefused):
            send_reminder(world, item, "Els", "dinsdag")

    assert posts(fake) == 1 and len(fake.sent) == 1


def test_a_wrong_number_of_values_is_refused_before_sending(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)

    with pytest.raises(ReplyRefused) as refused:
        template_reply_send(
            item=item, by=alice_in(world), key=REMINDER, header_values=[], body_values=["Els"]
        )

    assert "This template has 2 variables, but 1 values were given" in refused.value.message
    assert posts(fake) == 0 and not Reply.objects.exists()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("   ", "Fill in {{2}}."),
        ("dinsdag\nom 10 uur", "{{2}} cannot hold a line break"),
        ("x" * 1025, "{{2}} has 1025 characters; WhatsApp allows 1024."),
    ],
)
def test_an_empty_or_unfit_value_is_refused_before_sending(
    world: World, channel: Channel, fake: FakeWhatsApp, value: str, reason: str
) -> None:
    item = customer_item(channel, fake)

    with pytest.raises(ReplyRefused) as refused:
        template_reply_send(
            item=item,
            by=alice_in(world),
            key=REMINDER,
            header_values=[],
            body_values=["Els", value],
        )

    assert reason in refused.value.message
    assert posts(fake) == 0


def test_a_template_that_is_not_approved_is_refused_before_sending(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)

    for key in ("paasactie:nl", "afspraak_herinnering:de", "nieuwe_openingsuren:nl"):
        with pytest.raises(ReplyRefused) as refused:
            template_reply_send(
                item=item, by=alice_in(world), key=key, header_values=[], body_values=["x"]
            )
        assert "not approved (any more), or Klankbord cannot fill it" in refused.value.message

    assert posts(fake) == 0


def test_a_template_gone_from_that_language_is_explained(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)
    templates_of(channel)  # known as approved, then deleted in WhatsApp Manager
    fake.templates = [
        t for t in fake.templates if (t["name"], t["language"]) != ("afspraak_herinnering", "nl")
    ]

    reply = template_reply_send(
        item=item, by=alice_in(world), key=REMINDER, header_values=[], body_values=["Els", "x"]
    )

    assert reply.status == Reply.Status.FAILED
    assert "it does not exist in this language, or it is not approved" in reply.error
    assert fake.sent == []


def test_a_paused_template_and_a_changed_one_are_explained(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)
    templates_of(channel)
    reminder = next(t for t in fake.templates if t["name"] == "afspraak_herinnering")
    reminder["status"] = "PAUSED"

    paused = send_reminder(world, item, "Els", "dinsdag")
    reminder["status"] = "APPROVED"
    reminder["components"][0]["text"] = "Dag {{1}}, tot {{2}} om {{3}}."
    changed = send_reminder(world, item, "Els", "dinsdag")

    assert "paused this template because customers gave it poor feedback" in paused.error
    assert "number of filled-in variables does not match the template" in changed.error
    assert fake.sent == []


def test_outside_the_window_the_page_offers_templates_instead_of_free_text(
    world: World, channel: Channel, fake: FakeWhatsApp, alice_client: Client
) -> None:
    item = customer_item(channel, fake)

    with later():
        page = alice_client.get(item_url(item)).text

    assert 'id="reply-form"' not in page
    assert 'id="wa-window-closed"' in page
    assert "afspraak_herinnering" in page and "Utility" in page
    assert 'name="template" value="afspraak_herinnering:fr"' in page
    assert 'name="body-0"' in page and 'name="body-1"' in page and 'name="header-0"' in page
    assert "Dag {{1}}, we verwachten je op {{2}} in de bakkerij. Tot dan!" in page
    assert "paasactie" not in page and "gratis_taart" not in page
    assert "nieuwe_openingsuren (nl)" in page  # approved, but its image cannot be filled
    assert "klankbord/whatsapp-templates.js" in page


def test_inside_the_window_the_page_offers_both(
    world: World, channel: Channel, fake: FakeWhatsApp, alice_client: Client
) -> None:
    item = customer_item(channel, fake)

    page = alice_client.get(item_url(item)).text

    assert 'id="reply-form"' in page and "afspraak_herinnering" in page
    assert 'id="wa-window-closed"' not in page


@pytest.mark.parametrize(("language", "first"), [("fr", "fr"), ("nl", "nl")])
def test_templates_in_the_customers_language_come_first(
    world: World,
    channel: Channel,
    fake: FakeWhatsApp,
    alice_client: Client,
    language: str,
    first: str,
) -> None:
    item = customer_item(channel, fake)
    Mention.objects.update(language=language)

    page = alice_client.get(item_url(item)).text

    keys = re.findall(r'name="template" value="([^"]+)"', page)
    assert keys[0] == f"afspraak_herinnering:{first}"
    assert sorted(keys) == sorted(
        ["afspraak_herinnering:fr", "afspraak_herinnering:nl", "bestelling_klaar:nl",
         "hello_world:en_US"]
    )  # fmt: skip


def test_the_page_sends_a_template_and_shows_what_was_sent(
    world: World, channel: Channel, fake: FakeWhatsApp, alice_client: Client
) -> None:
    item = customer_item(channel, fake)
    form = {"template": REMINDER, "body-0": "Els", "body-1": "dinsdag om 10 uur"}

    with later():
        response = alice_client.post(item_url(item) + "sjabloon/", form, follow=True)

    assert "Template sent." in response.text
    assert REMINDER_TEXT in response.text
    assert [m["text"] for m in fake.sent] == [REMINDER_TEXT]


def test_an_empty_variable_on_the_page_is_refused_with_a_reason(
    world: World, channel: Channel, fake: FakeWhatsApp, alice_client: Client
) -> None:
    item = customer_item(channel, fake)
    form = {"template": REMINDER, "body-0": "Els", "body-1": ""}

    response = alice_client.post(item_url(item) + "sjabloon/", form, follow=True)

    assert "Fill in {{2}}." in response.text
    assert posts(fake) == 0


def test_the_templates_are_read_again_on_request(
    world: World, channel: Channel, fake: FakeWhatsApp, alice_client: Client
) -> None:
    item = customer_item(channel, fake)
    alice_client.get(item_url(item))

    response = alice_client.post(item_url(item) + "sjablonen/vernieuwen/", follow=True)

    assert "The message templates are up to date." in response.text
    assert listings(fake) == 4


def test_another_organisation_cannot_see_or_use_them(
    world: World, channel: Channel, fake: FakeWhatsApp, charlie_client: Client
) -> None:
    item = customer_item(channel, fake)
    form = {"template": REMINDER, "body-0": "Els", "body-1": "dinsdag"}

    assert charlie_client.get(item_url(item)).status_code == 404
    assert charlie_client.post(item_url(item) + "sjabloon/", form).status_code == 404
    assert charlie_client.post(item_url(item) + "sjablonen/vernieuwen/").status_code == 404
    other = f"/o/{world.other_org.slug}/inbox/{item.pk}/sjabloon/"
    assert charlie_client.post(other, form).status_code == 404
    assert posts(fake) == 0 and listings(fake) == 0 and not Reply.objects.exists()


def test_a_failed_listing_is_shown_and_not_asked_again_at_once(
    world: World, channel: Channel, fake: FakeWhatsApp, alice_client: Client
) -> None:
    item = customer_item(channel, fake)
    channel.settings = {**channel.settings, "waba_id": "999999999999"}
    channel.save(update_fields=["settings"])

    first = alice_client.get(item_url(item)).text
    second = alice_client.get(item_url(item)).text

    assert "Klankbord could not read your message templates" in first
    assert "Klankbord could not read your message templates" in second
    assert 'id="reply-form"' in second  # the free answer still works inside the window
    assert listings(fake) == 1


def test_a_member_who_may_not_answer_neither_sees_nor_sends_them(
    world: World, channel: Channel, fake: FakeWhatsApp
) -> None:
    item = customer_item(channel, fake)
    contributor = Client()
    contributor.force_login(world.member("contributor"))
    form = {"template": REMINDER, "body-0": "Els", "body-1": "dinsdag"}

    page = contributor.get(item_url(item)).text

    assert "afspraak_herinnering" not in page
    assert contributor.post(item_url(item) + "sjabloon/", form).status_code == 403
    assert posts(fake) == 0 and listings(fake) == 0
