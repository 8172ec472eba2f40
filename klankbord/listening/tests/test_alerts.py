"""Instant alerts (e-mail and webhook) with storm protection, and the daily digest."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from pytest_httpserver import HTTPServer

from klankbord.listening import alerts
from klankbord.listening.models import AlertRule, Mention, Monitor, Source, Webhook
from klankbord.orgs.models import Membership, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def monitor(world: World) -> Monitor:
    return Monitor.objects.create(organisation=world.org, name="Merk", query="bakkerij")


@pytest.fixture
def rule(world: World) -> AlertRule:
    membership = Membership.objects.get(user=world.alice, organisation=world.org)
    return AlertRule.objects.create(membership=membership, checked_until=START)


def heard(world: World, monitor: Monitor, at: datetime, n: int, **fields: Any) -> list[Mention]:
    source, _ = Source.objects.get_or_create(organisation=world.org, kind="feed", name="Nieuws")
    made = []
    for i in range(n):
        values = {"sentiment": "negative", "intents": ["complaint"], **fields}
        mention = Mention.objects.create(
            organisation=world.org, source=source, network="rss", remote_id=f"{at}-{i}-{fields}",
            key=f"{at.timestamp()}-{i}-{len(fields)}", text=f"Bakkerij klacht {i}",
            author_handle=f"@klant{i}", fetched_at=at, published_at=at, **values,
        )  # fmt: skip
        mention.monitors.add(monitor)
        made.append(mention)
    return made


def test_a_storm_sends_one_summary_not_a_mail_per_mention(
    world: World, monitor: Monitor, rule: AlertRule, django_capture_on_commit_callbacks: Any
) -> None:
    heard(world, monitor, START + timedelta(minutes=1), 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_alerts(START + timedelta(minutes=2)) == 1
    [first] = mail.outbox
    assert "30" in first.subject and "Bakkerij Alice" in first.subject
    assert "And 20 more." in first.body

    heard(world, monitor, START + timedelta(minutes=5), 10)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_alerts(START + timedelta(minutes=6)) == 0  # paused
        assert alerts.send_alerts(START + timedelta(minutes=20)) == 1
    assert len(mail.outbox) == 2 and "10" in mail.outbox[1].subject


def test_alerts_speak_the_members_language_and_respect_their_choices(
    world: World, monitor: Monitor, rule: AlertRule, translations: None,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    rule.urgencies = ["lead"]
    rule.save()
    heard(world, monitor, START + timedelta(minutes=1), 3)  # negative complaints: not asked for
    heard(world, monitor, START + timedelta(minutes=1), 1, sentiment="neutral", intents=["lead"])

    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_alerts(START + timedelta(minutes=2))

    [message] = mail.outbox
    assert "dringende vermelding" in message.subject
    assert "lead" in message.body and "klacht" not in message.body.split("\n", 1)[0]


def test_no_alert_without_urgent_mentions_or_for_other_monitors(
    world: World, monitor: Monitor, rule: AlertRule
) -> None:
    other = Monitor.objects.create(organisation=world.org, name="Concurrent", query="bakker")
    rule.monitors.add(other)
    heard(world, monitor, START + timedelta(minutes=1), 5)
    assert alerts.send_alerts(START + timedelta(minutes=2)) == 0
    assert mail.outbox == []


def test_the_webhook_gets_slack_compatible_json_once_per_storm(
    world: World, monitor: Monitor, httpserver: HTTPServer, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    Webhook.objects.create(
        organisation=world.org, url=httpserver.url_for("/hook"), checked_until=START
    )
    heard(world, monitor, START + timedelta(minutes=1), 25)

    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_alerts(START + timedelta(minutes=2))
        alerts.send_alerts(START + timedelta(minutes=3))

    [(request, _response)] = httpserver.log
    body = json.loads(request.data)
    assert body["text"].startswith("Bakkerij Alice: 25")
    assert len(body["mentions"]) == 25 and body["mentions"][0]["sentiment"] == "negative"
    assert Webhook.objects.get().last_status == "HTTP 200"


def test_the_daily_digest_comes_once_a_day_after_seven_with_text_and_html(
    world: World, monitor: Monitor, rule: AlertRule, django_capture_on_commit_callbacks: Any
) -> None:
    heard(world, monitor, START - timedelta(hours=2), 4)
    heard(world, monitor, START - timedelta(hours=3), 2, sentiment="positive", intents=["lead"])
    early = datetime(2026, 11, 23, 5, 30, tzinfo=UTC)  # 06:30 in Brussels

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_digests(early) == 0
        assert alerts.send_digests(START) == 1
        assert alerts.send_digests(START + timedelta(hours=3)) == 0

    [digest] = mail.outbox
    assert "digest" in digest.subject
    assert "6 mentions" in digest.body and "2 positive, 4 negative" in digest.body
    assert "Needs an answer" in digest.body and "/o/bakkerij-alice/luisteren/" in digest.body
    html, kind = digest.alternatives[0]
    assert kind == "text/html" and "<h1" in html


def test_members_set_their_own_alerts_and_only_managers_add_webhooks(
    world: World, alice_client: Client, monitor: Monitor, settings: Any
) -> None:
    url = "/o/bakkerij-alice/luisteren/meldingen/"
    response = alice_client.post(
        url,
        {"action": "rule", "instant_email": "on", "urgencies": ["lead"], "monitors": [monitor.pk]},
    )
    assert response.status_code == 302
    rule = AlertRule.objects.get(membership__user=world.alice)
    assert rule.urgencies == ["lead"] and not rule.daily_digest

    refused = alice_client.post(
        url, {"action": "webhook", "url": "http://127.0.0.1:9/x", "urgencies": ["lead"]}
    )
    assert refused.status_code == 422 and not Webhook.objects.exists()

    client = Client()
    client.force_login(world.member(Role.EDITOR))
    assert (
        client.post(url, {"action": "webhook", "url": "https://example.org/hook"}).status_code
        == 403
    )
