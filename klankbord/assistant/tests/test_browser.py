"""In a real browser: an owner connects the model, drafts a post in Dutch, has it translated
to French and uses it; only saving it makes a post, and the audit log says where it came from."""

from typing import Any

import pytest
from playwright.sync_api import expect

from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM, prompt_text
from klankbord.channels.models import Channel
from klankbord.core.tests.conftest import log_in, translations
from klankbord.orgs.models import AuditEvent
from klankbord.publishing.models import Post
from klankbord.test import World

__all__ = ["log_in", "translations"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DUTCH = "Vers brood, elke ochtend vanaf 7 uur!"
FRENCH = "Du pain frais, chaque matin dès 7 heures !"


def bilingual(messages: list[dict[str, Any]]) -> str:
    return FRENCH if "into French" in prompt_text(messages) else DUTCH


def test_an_owner_connects_drafts_translates_and_uses_a_suggestion(
    page: Any, live_server: Any, world: World, log_in: Any, fake_llm: FakeLLM
) -> None:
    fake_llm.answer = bilingual
    page.set_default_timeout(30_000)  # a busy test machine is slow to serve the first page
    sandbox = Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/schrijfhulp/")
    page.locator("#id_enabled").check()
    page.locator("#id_base_url").fill(fake_llm.base_url)
    page.locator("#id_model").fill("mistral-small")
    page.locator("#id_api_key").fill("sk-test-secret-123")
    page.locator("#assistant-connection button[type=submit]").click()
    expect(page.locator("#assistant-status")).to_contain_text("mistral-small")
    assert "sk-test-secret-123" not in page.content()
    assert Connection.objects.get().ready

    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#assistant-panel summary").click()
    page.locator("#assistant-words").fill("vers brood elke ochtend")
    page.locator("#assistant-panel button[data-kind=draft]").click()
    expect(page.locator("#assistant-preview")).to_have_text(DUTCH)
    page.locator("#assistant-panel button[data-kind=translate_fr]").click()
    expect(page.locator("#assistant-preview")).to_have_text(FRENCH)
    assert "Translate this post into French" in fake_llm.prompts[-1]
    assert DUTCH in fake_llm.prompts[-1]
    assert not Post.objects.exists()  # a suggestion is only shown

    page.locator("#assistant-use").click()
    expect(page.locator("#id_text")).to_have_value(FRENCH)
    page.locator(f"input[name=channels][value='{sandbox.pk}']").check()
    expect(page.locator("#counters")).to_contain_text(str(len(FRENCH)))
    page.locator("button[name=action][value=draft]").click()
    page.wait_for_url(f"**/o/{world.org.slug}/publiceren/**")
    post = Post.objects.get()
    assert post.text == FRENCH
    assert AuditEvent.objects.filter(
        action="assistant.text_used", target=f"post {post.pk}"
    ).exists()


def test_the_settings_and_the_panel_fit_a_phone(
    page: Any, live_server: Any, world: World, log_in: Any, connection: Connection
) -> None:
    page.set_default_timeout(30_000)
    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    log_in(page, "alice@bakkerij.test")
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("instellingen/schrijfhulp/", "publiceren/nieuw/"):
        page.goto(f"{live_server.url}/o/{world.org.slug}/{path}")
        if path == "publiceren/nieuw/":
            page.locator("#assistant-panel summary").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
