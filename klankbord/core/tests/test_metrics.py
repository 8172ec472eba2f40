"""/metrics: Prometheus text for a bearer token or a staff member, nothing for anyone else."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from klankbord.channels.models import Channel
from klankbord.core.metrics import counter_add, task_failed
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create
from klankbord.test import World

TOKEN = "metrics-token-for-the-tests-0123456789"
NAMES = {
    "klankbord_publish_lateness_seconds",
    "klankbord_publish_queue_depth",
    "klankbord_publish_targets",
    "klankbord_task_failures",
    "klankbord_rate_limit_waits",
    "klankbord_mentions_stored",
    "klankbord_http_request_duration_seconds",
}


@pytest.fixture(autouse=True)
def token(settings: Any) -> None:
    settings.KLANKBORD_METRICS_TOKEN = TOKEN


@pytest.fixture
def sandbox(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )


def scrape(client: Client) -> dict[str, Any]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    families = text_string_to_metric_families(response.content.decode())
    return {family.name: family for family in families}


def value(family: Any, suffix: str = "", **labels: str) -> float:
    for sample in family.samples:
        if sample.name == family.name + suffix and all(
            sample.labels.get(k) == v for k, v in labels.items()
        ):
            return float(sample.value)
    raise AssertionError(f"no {family.name}{suffix} {labels}")


def test_it_refuses_anyone_without_the_token(db: None, client: Client) -> None:
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert b"klankbord_" not in wrong.content


def test_it_refuses_a_member_who_is_not_staff(world: World, client: Client) -> None:
    client.force_login(world.alice)
    assert client.get("/metrics").status_code == 401


def test_it_answers_a_staff_member(world: World, client: Client) -> None:
    world.alice.is_staff = True
    world.alice.save(update_fields=["is_staff"])
    client.force_login(world.alice)
    assert client.get("/metrics").status_code == 200


def test_it_names_every_metric_for_the_token(db: None, client: Client) -> None:
    client.get("/healthz")  # a request to time
    assert set(scrape(client)) >= NAMES


def test_it_reads_what_the_workers_did_from_the_database(
    world: World, client: Client, sandbox: Channel
) -> None:
    now = timezone.now()
    for seconds, status in ((3, "published"), (40, "published"), (0, "scheduled")):
        post = post_create(
            organisation=world.org, author=world.alice, text="Verse croissants", channels=[sandbox]
        )
        post.targets.update(
            status=status,
            scheduled_at=now - timedelta(minutes=5),
            due_at=now - timedelta(minutes=5),
            published_at=now - timedelta(minutes=5) + timedelta(seconds=seconds)
            if status == "published"
            else None,
        )
    task_failed(sender=type("Task", (), {"name": "klankbord.publishing.tasks.publish_target"}))
    counter_add(name="rate_limit_waits", label="mastodon", amount=2)
    counter_add(name="mentions_stored", amount=7)

    metrics = scrape(client)
    lateness = metrics["klankbord_publish_lateness_seconds"]
    assert value(lateness, "_bucket", le="5.0") == 1
    assert value(lateness, "_bucket", le="60.0") == 2
    assert value(lateness, "_count") == 2
    assert value(lateness, "_sum") == pytest.approx(43)
    assert value(metrics["klankbord_publish_queue_depth"]) == 1
    targets = metrics["klankbord_publish_targets"]
    assert value(targets, status=PostTarget.Status.PUBLISHED) == 2
    failures = metrics["klankbord_task_failures"]
    assert value(failures, "_total", task="klankbord.publishing.tasks.publish_target") == 1
    assert value(metrics["klankbord_rate_limit_waits"], "_total", network="mastodon") == 2
    assert value(metrics["klankbord_mentions_stored"], "_total") == 7


def test_web_latency_is_measured_by_view_name_not_by_address(world: World, client: Client) -> None:
    client.force_login(world.alice)
    client.get(f"/o/{world.org.slug}/")
    latency = scrape(client)["klankbord_http_request_duration_seconds"]
    views = {sample.labels.get("view") for sample in latency.samples}
    assert "dashboard" in views
    assert not any(world.org.slug in (view or "") for view in views)


def test_a_task_that_fails_in_a_worker_is_counted(
    db: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klankbord.publishing import scheduler
    from klankbord.publishing.tasks import publish_target

    def broken(target_id: int, token: str) -> str:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(scheduler, "publish", broken)
    assert publish_target.apply(args=(1, "token")).failed()
    failures = scrape(client)["klankbord_task_failures"]
    assert value(failures, "_total", task="klankbord.publishing.tasks.publish_target") == 1


def test_mentions_the_pipeline_stored_are_counted(world: World, client: Client) -> None:
    from klankbord.listening.models import Mention, Source
    from klankbord.listening.pipeline import mentions_stored

    source = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    mentions = [
        Mention.objects.create(
            organisation=world.org,
            source=source,
            network="rss",
            remote_id=str(n),
            key=f"k{n}",
            text="Lekker brood",
        )
        for n in range(3)
    ]
    mentions_stored.send(sender=Source, source=source, mentions=mentions[:2])
    mentions_stored.send(sender=Source, source=source, mentions=mentions[2:])
    assert value(scrape(client)["klankbord_mentions_stored"], "_total") == 3
