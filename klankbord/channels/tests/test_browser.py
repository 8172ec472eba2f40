"""Connecting Mastodon in a real browser against the fake instance, and seeing it break."""

import re
from typing import Any

import pytest

from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.test import PASSWORD, World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_connect_mastodon_see_it_healthy_then_broken(
    page: Any,
    live_server: Any,
    world: World,
    fake_mastodon: FakeMastodon,
    settings: Any,
) -> None:
    settings.SITE_URL = live_server.url
    world.alice.language = "en"
    world.alice.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "alice@bakkerij.test")
    page.fill("#id_password", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/o/"))

    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/kanalen/")
    page.fill("#id_instance", fake_mastodon.base_url)
    page.get_by_role("button", name="Connect Mastodon").click()
    page.wait_for_selector("tr.channel-connected")
    row = page.locator("tr[data-network=mastodon]")
    assert "@bakkerij@" in row.inner_text()
    assert "connected" in row.locator(".health").inner_text()

    fake_mastodon.revoke_all_tokens()
    row.get_by_role("button", name="Check").click()
    page.wait_for_selector("tr.channel-broken")
    health = page.locator("tr[data-network=mastodon] .health").inner_text()
    assert "broken" in health
    assert "Reconnect the channel" in health
