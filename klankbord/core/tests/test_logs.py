"""Log lines as JSON, one per line, naming the request, organisation, task and channel."""

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.lib import logs
from klankbord.lib.logs import JsonFormatter, PlainFormatter, log_context
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.services import post_create, post_schedule
from klankbord.publishing.tasks import publish_target
from klankbord.test import World


@pytest.fixture(autouse=True)
def no_ids_yet() -> None:
    """A request of an earlier test ran in this same thread."""
    logs.clear()


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    """What the root logger writes with KLANKBORD_LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def parsed(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_web_request_logs_its_request_id_and_organisation(
    world: World, client: Client, lines: io.StringIO
) -> None:
    client.force_login(world.alice)
    response = client.get(
        f"/o/{world.org.slug}/importeren/999999/", HTTP_X_REQUEST_ID="abc-123-xyz"
    )
    assert response.status_code == 404
    assert response["X-Request-ID"] == "abc-123-xyz"
    [line] = [line for line in parsed(lines) if line["logger"] == "django.request"]
    assert line["level"] == "WARNING"
    assert (line["request_id"], line["organisation"]) == ("abc-123-xyz", world.org.slug)


def test_a_request_without_a_usable_id_gets_a_new_one(db: None, client: Client) -> None:
    first = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_publish_in_a_task_is_logged_once_with_its_outcome_and_ids(
    world: World, lines: io.StringIO
) -> None:
    channel = Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    post = post_create(
        organisation=world.org, author=world.alice, text="Verse croissants", channels=[channel]
    )
    owner = Membership.objects.get(user=world.alice)
    post_schedule(post=post, at=timezone.now() + timedelta(minutes=1), by=owner)
    token, [target_id] = scheduler.claim_due(timezone.now() + timedelta(minutes=2))
    result = publish_target.apply(args=(target_id, token), task_id="task-42")
    assert result.successful()
    [line] = [line for line in parsed(lines) if line.get("event") == "publish"]
    assert line["outcome"] == "published"
    assert line["target"] == target_id
    assert line["task_id"] == "task-42"
    assert line["task"] == "klankbord.publishing.tasks.publish_target"
    assert line["organisation"] == world.org.slug
    assert line["channel"] == str(channel.pk)
    assert "request_id" not in line


def test_an_exception_stays_on_one_line(lines: io.StringIO) -> None:
    log = logging.getLogger("klankbord.test")
    try:
        raise ValueError("broken\nin two")
    except ValueError:
        with log_context(channel=7):
            log.exception("it broke")
    [line] = parsed(lines)
    assert line["message"] == "it broke" and line["channel"] == "7"
    assert "ValueError: broken" in line["exception"]
    assert len(lines.getvalue().splitlines()) == 1


def test_the_readable_format_names_the_ids_at_the_end() -> None:
    with log_context(organisation="bakkerij-alice", channel=3):
        record = logging.getLogger("klankbord.test").makeRecord(
            "klankbord.test", logging.INFO, __file__, 1, "published", (), None
        )
    formatter = PlainFormatter("%(levelname)s %(message)s%(context)s")
    assert formatter.format(record) == "INFO published organisation=bakkerij-alice channel=3"
