"""In a real browser: a mention stored with a javascript: address (an old row, from before only
http(s) was kept) shows no link with it, and clicking where the link would be runs nothing."""

from typing import Any

import pytest
from django.utils.timezone import now
from playwright.sync_api import expect

from klankbord.inbox.models import Item
from klankbord.listening.models import Mention, Monitor
from klankbord.test import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTACK = "javascript:window.ran=1;alert(document.domain)"
LINKS_THAT_ARE_NOT_WEB = "[...document.links].map(a => a.href).filter(h => !/^https?:/.test(h))"


def test_a_stored_javascript_address_is_no_link_and_runs_nothing(
    page: Any, live_server: Any, world: World, log_in: Any, translations: None
) -> None:
    monitor = Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker")
    old = Mention.objects.create(
        organisation=world.org, network="mastodon", remote_id="1", key="1", url=ATTACK,
        text="Is de bakker morgen open?", author_handle="@klant@m.test", published_at=now(),
    )  # fmt: skip
    good = Mention.objects.create(
        organisation=world.org, network="mastodon", remote_id="2", key="2",
        url="https://m.test/@fan/2", text="Lekker brood bij de bakker", author_handle="@fan@m.test",
        published_at=now(),
    )  # fmt: skip
    monitor.mentions.add(old, good)
    item = Item.objects.create(organisation=world.org, mention=old)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, "alice@bakkerij.test")

    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/{item.pk}/")
    header = page.locator("article.conversation header")
    expect(header).to_contain_text("@klant@m.test")
    assert page.evaluate(LINKS_THAT_ARE_NOT_WEB) == []
    header.locator("p.muted").click()
    page.locator("blockquote.text").click()

    page.goto(f"{live_server.url}/o/{world.org.slug}/luisteren/monitors/{monitor.pk}/")
    mention = page.locator("li.mention", has_text="morgen open")
    expect(mention).to_be_visible()
    expect(page.locator('a[href="https://m.test/@fan/2"]')).to_have_count(1)  # links still work
    assert mention.locator("a").count() == 0
    assert page.evaluate(LINKS_THAT_ARE_NOT_WEB) == []
    mention.click()
    page.wait_for_timeout(300)
    assert dialogs == [] and page.evaluate("window.ran") is None
