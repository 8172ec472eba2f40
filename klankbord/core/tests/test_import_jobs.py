"""A large import is stored by the web request and read by a worker; its page shows the
progress until it is done, and nothing of the file is lost on the way."""

import json
import random
import string
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from klankbord.core import imports
from klankbord.core.models import ImportJob
from klankbord.core.tasks import run_import_job
from klankbord.core.tests.workers import worker_at_hand
from klankbord.listening import pipeline
from klankbord.listening.models import Mention
from klankbord.orgs.models import Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
Status = ImportJob.Status


def mentions_file(count: int, words: int = 3) -> bytes:
    """Lines of made-up words, too different to be taken for near-duplicates of each other."""
    chance = random.Random(count)

    def text() -> str:
        return " ".join("".join(chance.choices(string.ascii_lowercase, k=6)) for _ in range(words))

    return "".join(
        json.dumps({"id": f"m{n}", "text": text()}) + "\n" for n in range(count)
    ).encode()


def upload(client: Client, world: World, content: bytes, name: str = "export.jsonl") -> Any:
    return client.post(
        reverse("listening_sources", args=[world.org.slug]),
        {"action": "import", "file": SimpleUploadedFile(name, content)},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def job_page(client: Client, job: ImportJob, **headers: str) -> str:
    url = reverse("import_job", args=[job.organisation.slug, job.pk])
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en", **headers).content.decode()


def test_a_large_upload_is_stored_and_read_by_the_worker_with_progress_on_its_page(
    world: World, alice_client: Client, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.KLANKBORD_LISTENING_TIER = "fast"  # the embeddings would take minutes here
    content = mentions_file(400, words=1200)  # 3 MB: more than Django keeps in memory
    assert len(content) > 3_000_000

    response = upload(alice_client, world, content)

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("import_job", args=[world.org.slug, job.pk])
    assert (job.status, bytes(job.content), job.filename) == (
        Status.QUEUED,
        content,
        "export.jsonl",
    )
    assert not Mention.objects.exists()  # the request only stored the file
    waiting = job_page(alice_client, job)
    assert "Waiting" in waiting and 'hx-trigger="every 2s"' in waiting

    seen: list[str] = []
    real_run = pipeline.run

    def run_and_look(*args: Any, **kwargs: Any) -> Any:
        done = real_run(*args, **kwargs)
        seen.append(job_page(alice_client, job, HTTP_HX_REQUEST="true"))
        return done

    monkeypatch.setattr(pipeline, "run", run_and_look)
    monkeypatch.setattr(imports, "PROGRESS_EVERY_SECONDS", 0)
    monkeypatch.setattr("klankbord.listening.imports.BATCH", 100)
    run_import_job(job.pk)

    assert "Importing" in seen[1] and 'value="' in seen[1]
    assert "100 records read, 100 mentions stored" in seen[1]
    assert 'hx-trigger="every 2s"' in seen[1] and "<html" not in seen[1]
    job.refresh_from_db()
    assert (job.status, job.percent, bytes(job.content)) == (Status.DONE, 100, b"")
    assert Mention.objects.count() == 400
    done = job_page(alice_client, job)
    assert "400 records read, 400 mentions stored" in done
    assert 'value="100"' in done and "hx-trigger" not in done


def test_an_upload_above_the_limit_is_refused_with_a_clear_message(
    world: World, alice_client: Client, settings: Any
) -> None:
    settings.KLANKBORD_IMPORT_MAX_BYTES = 1024 * 1024

    response = upload(alice_client, world, mentions_file(100, words=2000))

    assert response.status_code == 422
    assert (
        "This file is 1.3\xa0MB; files up to 1.0\xa0MB can be imported. Split it."
        in response.content.decode()
    )
    assert not ImportJob.objects.exists()


def test_a_job_is_read_once_however_often_its_message_arrives(
    world: World, alice_client: Client
) -> None:
    with worker_at_hand():
        upload(alice_client, world, mentions_file(3))
    job = ImportJob.objects.get()
    assert job.status == Status.DONE and job.result["stored"] == 3

    Mention.objects.all().delete()
    run_import_job(job.pk)  # the broker repeats the message
    assert not Mention.objects.exists()


def test_an_error_mid_way_stops_the_job_and_keeps_what_it_did(
    world: World, alice_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("klankbord.listening.imports.BATCH", 2)
    real_run = pipeline.run
    calls: list[int] = []

    def fail_second(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise MemoryError
        return real_run(*args, **kwargs)

    monkeypatch.setattr(pipeline, "run", fail_second)
    with worker_at_hand():
        upload(alice_client, world, b"{kapot\n" + mentions_file(5))

    job = ImportJob.objects.get()
    assert job.status == Status.FAILED
    shown = job_page(alice_client, job)
    assert "An error stopped the import: MemoryError" in shown
    assert "Line 1:" in shown and "not valid JSON" in shown
    assert Mention.objects.count() == 2


def test_the_sweep_reports_a_dead_workers_job_and_resends_a_lost_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    dead = ImportJob.objects.create(
        organisation=world.org,
        kind=ImportJob.Kind.POSTS,
        filename="december.csv",
        language="en",
        content=b"date;time;text\n",
        size_bytes=15,
        status=Status.RUNNING,
        lease_until=now - timedelta(seconds=1),
        result={"scheduled": 3, "last_line": 4},
    )
    lost = ImportJob.objects.create(
        organisation=world.org, kind="mentions", filename="x.jsonl", content=b"", size_bytes=0
    )
    ImportJob.objects.filter(pk=lost.pk).update(created_at=now - timedelta(minutes=3))
    sent: list[int] = []
    monkeypatch.setattr(imports, "_enqueue", sent.append)

    imports.import_jobs_sweep(now)
    imports.import_jobs_sweep(now)  # a busy worker is not sent the same job again and again

    dead.refresh_from_db()
    assert dead.status == Status.FAILED and dead.content == b""
    assert dead.result["stopped"].startswith("The worker stopped during the import, after line 4.")
    assert sent == [lost.pk]


def test_a_client_viewer_cannot_see_an_import(world: World) -> None:
    job = ImportJob.objects.create(
        organisation=world.org, kind="posts", filename="x.csv", content=b"", size_bytes=0
    )
    viewer = Client()
    viewer.force_login(world.member(Role.CLIENT))
    assert viewer.get(reverse("import_job", args=[world.org.slug, job.pk])).status_code == 403


def test_a_file_of_posts_shows_its_progress_in_lines(
    world: World, alice_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klankbord.channels.models import Channel
    from klankbord.publishing import bulk

    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    seen: list[int] = []
    real_line = bulk._schedule_line

    def plan_and_look(*args: Any) -> None:
        real_line(*args)
        seen.append(ImportJob.objects.get().percent)

    monkeypatch.setattr(bulk, "_schedule_line", plan_and_look)
    lines = "".join(f"2099-12-0{n};08:30;Bericht {n}\n" for n in range(1, 5))
    with worker_at_hand():
        alice_client.post(
            reverse("publish_bulk", args=[world.org.slug]),
            {"file": SimpleUploadedFile("december.csv", ("date;time;text\n" + lines).encode())},
        )

    # As each line starts: none, then about 2, 3 and 4 of the file's 5 lines done.
    assert seen[0] == 0 and seen == sorted(set(seen)) and 75 <= seen[-1] < 100
    assert ImportJob.objects.get().percent == 100
