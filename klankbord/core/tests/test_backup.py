"""`klankbord backup` and `klankbord restore`: everything comes back, tokens included."""

import json
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from klankbord.channels.models import Channel
from klankbord.core.backups import is_secret
from klankbord.listening.models import Mention
from klankbord.publishing.models import Post
from klankbord.test import World

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
OTHER_KEY = "b3RoZXIta2xhbmtib3JkLWtleS1mb3ItdGVzdHMhISE="
READ_BACK = """
import json
from klankbord.channels.models import Channel
from klankbord.listening.models import Mention
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import Post
print(json.dumps({
    "organisations": sorted(Organisation.objects.values_list("name", flat=True)),
    "posts": sorted(Post.objects.values_list("text", flat=True)),
    "mentions": sorted(Mention.objects.values_list("text", flat=True)),
    "token": Channel.objects.get().secrets["access_token"],
}))
"""


@pytest.fixture
def stored(world: World) -> None:
    Post.objects.create(organisation=world.org, text="Verse pistolets vanaf zeven uur")
    Mention.objects.create(
        organisation=world.org, network="rss", remote_id="item-1", key="key-1",
        text="Beste croissants van Leuven", published_at=datetime(2026, 11, 23, 9, tzinfo=UTC),
    )  # fmt: skip
    Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="https://mastodon.test/@bakkerij",
        handle="@bakkerij@mastodon.test", secrets={"access_token": "geheim-token"},
    )  # fmt: skip


@pytest.fixture
def empty_database_url() -> Iterator[str]:
    """A fresh database for the restored installation: SQLite in its data dir, or PostgreSQL."""
    if connection.vendor != "postgresql":
        yield ""
        return
    if not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    db = connection.settings_dict
    name = f"klankbord_restore_{os.getpid()}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    yield f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def klankbord(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "klankbord", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_restores_organisations_posts_mentions_and_readable_tokens_into_an_empty_install(
    stored: None, tmp_path: Path, empty_database_url: str
) -> None:
    archive = tmp_path / "klankbord.tar.gz"
    call_command("backup", str(archive))

    settings_file = tmp_path / "fresh.env"
    settings_file.write_text("")
    fresh = {
        "KLANKBORD_DATA_DIR": str(tmp_path / "fresh"),
        "KLANKBORD_ENV_FILE": str(settings_file),
        "DATABASE_URL": empty_database_url,
    }
    restored = klankbord("restore", str(archive), env=fresh)
    assert restored.returncode == 0, restored.stderr
    assert "The encryption keys read the stored tokens." in restored.stdout

    read = klankbord("shell", "-c", READ_BACK, env=fresh)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout.strip().splitlines()[-1]) == {
        "organisations": ["Bakkerij Alice", "Garage Charlie"],
        "posts": ["Verse pistolets vanaf zeven uur"],
        "mentions": ["Beste croissants van Leuven"],
        "token": "geheim-token",
    }

    again = klankbord("restore", str(archive), env=fresh)
    assert again.returncode != 0
    assert "already holds organisations or users" in again.stderr

    other_keys = klankbord(
        "restore", "--force", str(archive), env={**fresh, "KLANKBORD_ENCRYPTION_KEYS": OTHER_KEY}
    )
    assert other_keys.returncode != 0
    assert "The data is restored, but: KLANKBORD_ENCRYPTION_KEYS cannot read" in other_keys.stderr


def test_the_archive_keeps_secrets_only_when_asked(
    stored: None, tmp_path: Path, settings: object
) -> None:
    env_file = tmp_path / "klankbord.env"
    env_file.write_text(
        "# settings\nSITE_URL=https://klankbord.example.be\nSECRET_KEY=s3cret\n"
        "KLANKBORD_ENCRYPTION_KEYS=a2V5\nDATABASE_URL=postgres://k:pw@db/k\nTIME_ZONE=x\n"
    )
    settings.ENV_FILE = env_file  # type: ignore[attr-defined]
    plain, full = tmp_path / "plain.tar.gz", tmp_path / "full.tar.gz"
    call_command("backup", str(plain))
    call_command("backup", "--with-secrets", str(full))

    def members(path: Path) -> tuple[dict, str]:
        with tarfile.open(path) as archive:
            manifest = json.load(archive.extractfile("manifest.json"))  # type: ignore[arg-type]
            text = archive.extractfile("settings.env").read().decode()  # type: ignore[union-attr]
        return manifest, text

    manifest, text = members(plain)
    assert "SITE_URL=https://klankbord.example.be" in text
    assert "s3cret" not in text and "a2V5" not in text and "pw@db" not in text
    assert manifest["database"] == connection.vendor
    assert manifest["with_secrets"] is False
    assert "0001_initial" in manifest["migrations"]["orgs"]
    assert oct(plain.stat().st_mode & 0o777) == "0o600"
    assert "SECRET_KEY=s3cret" in members(full)[1]


def test_secrets_are_recognised_by_name_and_by_credentials_in_urls() -> None:
    assert is_secret("EMAIL_HOST_PASSWORD", "x")
    assert is_secret("KLANKBORD_METRICS_TOKEN", "x")
    assert is_secret("CELERY_BROKER_URL", "redis://:pw@redis:6379/0")
    assert not is_secret("CELERY_BROKER_URL", "redis://redis:6379/0")
    assert not is_secret("SITE_URL", "https://klankbord.example.be")


def test_it_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    from django.core.management import CommandError

    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="is not a Klankbord backup"):
        call_command("restore", str(junk))


def test_without_pg_dump_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from klankbord.core.backups import BackupError, postgres_tool

    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(BackupError, match=r"pg_dump is not on PATH\. Install PostgreSQL's client"):
        postgres_tool("pg_dump")
