"""A worker started with other encryption keys than the stored tokens need refuses to start."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from klankbord.channels.models import Channel
from klankbord.core.tests.test_worker import database_url_for_children
from klankbord.lib.crypto import secret_box
from klankbord.test import World

pytestmark = pytest.mark.django_db
OTHER_KEY = "b3RoZXIta2xhbmtib3JkLWtleS1mb3ItdGVzdHMhISE="


class Started(Exception):
    """Raised instead of becoming Celery."""


@pytest.fixture(autouse=True)
def fresh_box() -> Iterator[None]:
    secret_box.cache_clear()
    yield
    secret_box.cache_clear()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> None:
    def execv(path: str, argv: list[str]) -> None:
        raise Started(" ".join(argv))

    monkeypatch.setattr("os.execv", execv)


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="https://mastodon.test/@bakkerij",
        handle="@bakkerij@mastodon.test", secrets={"access_token": "geheim-token"},
    )  # fmt: skip


def test_it_refuses_to_start_with_keys_that_cannot_read_the_stored_tokens(
    channel: Channel, started: None, settings: object
) -> None:
    settings.KLANKBORD_ENCRYPTION_KEYS = [OTHER_KEY]  # type: ignore[attr-defined]
    secret_box.cache_clear()  # as in a new process

    with pytest.raises(CommandError, match="This worker does not start") as refused:
        call_command("worker")

    assert "KLANKBORD_ENCRYPTION_KEYS cannot read the secrets" in str(refused.value)
    assert "channels_channel.secrets" in str(refused.value)


def test_it_starts_with_a_new_key_in_front_of_the_old_one(
    channel: Channel, started: None, settings: object
) -> None:
    keys = settings.KLANKBORD_ENCRYPTION_KEYS  # type: ignore[attr-defined]
    settings.KLANKBORD_ENCRYPTION_KEYS = [OTHER_KEY, *keys]  # type: ignore[attr-defined]
    secret_box.cache_clear()

    with pytest.raises(Started, match="celery --app klankbord worker"):
        call_command("worker")


def test_it_starts_on_a_database_without_secrets(db: None, started: None, settings: object) -> None:
    settings.KLANKBORD_ENCRYPTION_KEYS = [OTHER_KEY]  # type: ignore[attr-defined]
    secret_box.cache_clear()  # as in a new process

    with pytest.raises(Started):
        call_command("worker")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_started_directly_stops_at_once_and_says_why(
    channel: Channel, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_children(),
        "KLANKBORD_ENCRYPTION_KEYS": OTHER_KEY,
    }
    result = subprocess.run(
        [sys.executable, "-m", "celery", "--app", "klankbord", "worker", "--concurrency", "1"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert result.returncode == 1
    assert "This worker does not start. KLANKBORD_ENCRYPTION_KEYS cannot read" in result.stderr
