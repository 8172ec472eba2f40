"""Fixtures for the browser tests of the core screens.

The session-scoped Chromium (`browser`, skipped with a reason when /usr/bin/chromium is missing)
and the `page` fixture live in the project's top conftest.py, because the channel tests use them
too.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.translation import trans_real

from klankbord.test import PASSWORD

# Playwright's sync API runs an event loop in this thread; the ORM calls here are still sync.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def translations() -> None:
    """The .po catalogues compiled once, so the interface can speak Dutch and French."""
    if not any(Path(path).is_dir() for path in settings.LOCALE_PATHS):
        return
    call_command("compiletranslations", verbosity=0)
    # Forget catalogues loaded before the .mo files existed.
    trans_real._translations = {}
    trans_real._default = None


@pytest.fixture
def log_in(live_server: Any) -> Callable[[Any, str], None]:
    """Opens the site and logs in with the login form, as a person would."""

    def log_in(page: Any, email: str) -> None:
        page.goto(live_server.url)
        page.locator("#id_username").fill(email)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form.form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/o/[\w-]+/$"))

    return log_in


@pytest.fixture
def page_in_another_browser(browser: Any) -> Iterator[Any]:
    """Another person's browser: its own cookies, nobody logged in."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
