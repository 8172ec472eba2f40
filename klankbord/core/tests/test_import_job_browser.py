"""An import's page follows the worker by itself in a real browser: no reload, no inline script."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.core.imports import import_job_run
from klankbord.core.models import ImportJob
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_import_page_shows_the_result_once_the_worker_is_done(
    page: Any, live_server: Any, world: World, log_in: Callable[[Any, str], None], settings: Any
) -> None:
    settings.KLANKBORD_LISTENING_TIER = "fast"
    content = "\n".join(json.dumps({"text": f"Lekker brood nummer {n}"}) for n in range(3))
    job = ImportJob.objects.create(
        organisation=world.org,
        created_by=world.alice,
        kind=ImportJob.Kind.MENTIONS,
        filename="export.jsonl",
        language="en",
        content=content.encode(),
        size_bytes=len(content),
    )
    log_in(page, "alice@bakkerij.test")
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/o/{world.org.slug}/importeren/{job.pk}/")
    expect(page.locator("#import-job progress")).to_have_attribute("value", "0")

    import_job_run(job_id=job.pk)  # the worker

    expect(page.locator("#import-job progress")).to_have_attribute("value", "100")
    expect(page.locator("#import-job")).not_to_have_attribute("hx-trigger", "every 2s")
    assert not errors
