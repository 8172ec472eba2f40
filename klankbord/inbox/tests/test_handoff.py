"""Overdue alerts and lead hand-off: sent once, to the right people, in their language."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from pytest_httpserver import HTTPServer

from klankbord.inbox import handoff
from klankbord.inbox.models import InboxSettings, Item
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def item(world: World, n: int = 1, **fields: object) -> Item:
    source, _ = Source.objects.get_or_create(
        organisation=world.org, kind=Source.Kind.FEED, name="Nieuws"
    )
    mention = Mention.objects.create(
        organisation=world.org, source=source, network="mastodon", remote_id=str(n), key=f"k{n}",
        text="Kunnen jullie 30 taarten leveren?", author_name="An Peeters",
    )  # fmt: skip
    return Item.objects.create(organisation=world.org, mention=mention, **fields)


def test_an_overdue_item_mails_its_assignee_once(
    world: World, django_capture_on_commit_callbacks
) -> None:
    world.bob.language = "nl-be"
    world.bob.save()
    item(world, assignee=world.bob, status="assigned", due_at=NOW - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert handoff.send_overdue_alerts(NOW) == 1
        assert handoff.send_overdue_alerts(NOW + timedelta(minutes=5)) == 0
    assert [message.to for message in mail.outbox] == [[world.bob.email]]
    assert "wacht nog op een antwoord" in mail.outbox[0].body


def test_an_unassigned_overdue_item_goes_to_the_owner_and_managers(world: World) -> None:
    item(world, due_at=NOW - timedelta(minutes=1))
    assert handoff.send_overdue_alerts(NOW) == 1  # Alice owns; Bob is an editor


def test_no_alert_when_the_organisation_turned_them_off_or_the_item_is_done(world: World) -> None:
    item(world, 1, due_at=NOW - timedelta(minutes=1), status="answered")
    item(world, 2, due_at=NOW + timedelta(minutes=1))
    assert handoff.send_overdue_alerts(NOW) == 0
    InboxSettings.objects.create(organisation=world.org, alert_overdue=False)
    item(world, 3, due_at=NOW - timedelta(minutes=1))
    assert handoff.send_overdue_alerts(NOW) == 0


def test_a_lead_is_posted_to_the_crm_webhook_once(
    world: World, httpserver: HTTPServer, settings
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    httpserver.expect_oneshot_request("/lead", method="POST").respond_with_data("ok")
    InboxSettings.objects.create(
        organisation=world.org, lead_webhook_url=httpserver.url_for("/lead")
    )
    lead = item(world, is_lead=True)
    assert handoff.send_leads(NOW) == 1
    assert handoff.send_leads(NOW) == 0
    body = httpserver.log[0][0].get_json()
    assert body["lead"]["author_name"] == "An Peeters" and body["lead"]["id"] == lead.pk
    assert "An Peeters" in body["text"]


def test_a_lead_the_crm_refused_is_tried_again(
    world: World, httpserver: HTTPServer, settings
) -> None:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    httpserver.expect_request("/lead").respond_with_data("down", status=503)
    InboxSettings.objects.create(
        organisation=world.org, lead_webhook_url=httpserver.url_for("/lead")
    )
    lead = item(world, is_lead=True)
    assert handoff.send_leads(NOW) == 0
    lead.refresh_from_db()
    assert lead.lead_sent_at is None
