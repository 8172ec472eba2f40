"""In a real browser: an owner connects the model, drafts a post in Dutch, has it translated
to French for a second channel and schedules both; in the inbox a suggested answer streams in,
is accepted, edited and sent once. Nothing goes out before a person chooses it, and the audit
log says where the words came from."""

from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pytest_httpserver import HTTPServer

from klankbord.assistant.models import Connection, FactsSheet
from klankbord.assistant.prompts import FACTS_RULE
from klankbord.assistant.tests.fake_llm import FakeLLM, prompt_text
from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.core.tests.conftest import log_in, translations
from klankbord.inbox.models import Reply
from klankbord.inbox.tests.polled import item_for
from klankbord.orgs.models import AuditEvent
from klankbord.publishing.models import Post, PostTarget
from klankbord.strategy.models import Plan
from klankbord.test import World

__all__ = ["log_in", "translations"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DUTCH = "Vers brood, elke ochtend vanaf 7 uur!"
FRENCH = "Du pain frais, chaque matin dès 7 heures !"
FRENCH_FOR_MASTODON = "Pain frais chaque matin dès 7 h ! #boulangerie"
FIND_OUT = "Goeie vraag! Ik zoek de prijs van het speltbrood voor je uit."
OUR_TOUCH = " Groetjes, Alice"
HASHTAGS = "#versbrood #bakkerij"
PILLAR = "Achter de schermen"


def model(messages: list[dict[str, Any]]) -> str:
    """Answers as a well-behaved model would: a translation, an answer without a price that
    is not on the facts sheet, or a draft."""
    prompt = prompt_text(messages)
    if "into French" in prompt:
        return FRENCH
    if "suits Mastodon" in prompt:
        return FRENCH_FOR_MASTODON
    if "answer to a customer" in prompt:
        return FIND_OUT
    if "fitting hashtags" in prompt:
        return HASHTAGS
    return DUTCH


def tomorrow(world: World) -> str:
    local = timezone.now().astimezone(ZoneInfo(world.org.timezone))
    return (local.date() + timedelta(days=1)).isoformat()


def connect_the_model(page: Any, live_server: Any, world: World, fake_llm: FakeLLM) -> None:
    page.goto(f"{live_server.url}/o/{world.org.slug}/instellingen/schrijfhulp/")
    page.locator("#id_enabled").check()
    page.locator("#id_base_url").fill(fake_llm.base_url)
    page.locator("#id_model").fill("mistral-small")
    page.locator("#id_api_key").fill("sk-test-secret-123")
    page.locator("#assistant-connection button[type=submit]").click()
    expect(page.locator("#assistant-status")).to_contain_text("mistral-small")
    assert "sk-test-secret-123" not in page.content()
    assert Connection.objects.get().ready


def test_a_post_in_two_languages_and_an_answer_go_through_a_persons_hands(
    page: Any, live_server: Any, world: World, log_in: Any, fake_llm: FakeLLM,
    httpserver: HTTPServer, settings: Any,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    fake_llm.answer = model
    page.set_default_timeout(30_000)  # a busy test machine is slow to serve the first page
    mastodon = FakeMastodon(httpserver)  # after the model's routes: it answers every other path
    french = connect_mastodon(world, mastodon)
    dutch = Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    FactsSheet.objects.create(organisation=world.org, opening_hours="di-za 7u-18u")
    Plan.objects.create(organisation=world.org, content={"pillars": [{"name": PILLAR}]})
    log_in(page, "alice@bakkerij.test")
    connect_the_model(page, live_server, world, fake_llm)

    # The composer: a Dutch draft for the main text, its French translation for Mastodon.
    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_pillar").select_option(PILLAR)
    page.locator("#assistant-panel summary").click()
    page.locator("#assistant-words").fill("vers brood elke ochtend")
    page.locator("#assistant-panel button[data-kind=draft]").click()
    expect(page.locator("#assistant-preview")).to_have_text(DUTCH)
    assert f"Content pillar: {PILLAR}." in fake_llm.prompts[-1]
    page.locator("#assistant-use").click()
    expect(page.locator("#id_text")).to_have_value(DUTCH)
    page.locator("#assistant-panel button[data-kind=hashtags]").click()
    expect(page.locator("#assistant-preview")).to_have_text(HASHTAGS)
    page.locator("#assistant-use").click()  # hashtags go below the text
    dutch_text = f"{DUTCH}\n\n{HASHTAGS}"
    expect(page.locator("#id_text")).to_have_value(dutch_text)
    page.locator("#assistant-panel button[data-kind=translate_fr]").click()
    expect(page.locator("#assistant-preview")).to_have_text(FRENCH)
    assert "Translate this post into French" in fake_llm.prompts[-1]
    assert DUTCH in fake_llm.prompts[-1]
    page.locator("#assistant-network").select_option("mastodon")
    page.locator("#assistant-panel button[data-kind=variant]").click()
    expect(page.locator("#assistant-preview")).to_have_text(FRENCH_FOR_MASTODON)
    assert "suits Mastodon" in fake_llm.prompts[-1] and FRENCH in fake_llm.prompts[-1]
    assert "Write in French as written in Belgium" in fake_llm.prompts[-1]
    # A network's version goes to the own text of the channel on that network.
    expect(page.locator("#assistant-into")).to_have_value(f"variant_{french.pk}")
    page.locator("#assistant-use").click()
    expect(page.locator(f"#variant_{french.pk}")).to_have_value(FRENCH_FOR_MASTODON)
    expect(page.locator("#id_text")).to_have_value(dutch_text)
    assert not Post.objects.exists()  # suggestions are only shown until a person acts

    for channel in (dutch, french):
        page.locator(f"input[name=channels][value='{channel.pk}']").check()
    expect(page.locator("#counters")).to_contain_text(str(len(FRENCH_FOR_MASTODON)))
    page.locator("#id_date").fill(tomorrow(world))
    page.locator("#id_time").fill("09:30")
    page.locator("#composer button[name=action][value=schedule]").click()
    expect(page.locator("#targets tr.target")).to_have_count(2)

    post = Post.objects.get()
    targets = {target.channel_id: target for target in post.targets.all()}
    # A browser sends a textarea's line breaks as CRLF.
    assert targets[dutch.pk].text.replace("\r\n", "\n") == dutch_text
    assert targets[french.pk].text == FRENCH_FOR_MASTODON
    assert {target.status for target in targets.values()} == {PostTarget.Status.SCHEDULED}
    used = AuditEvent.objects.get(action="assistant.text_used", target=f"post {post.pk}")
    assert used.actor == world.alice and used.data == {"kind": "post"}
    assert mastodon.published_texts() == []  # scheduled for tomorrow, not sent

    # The inbox: a question about a price the facts sheet does not have.
    question = mastodon.add_mention("Wat kost jullie speltbrood?")
    item = item_for(french, question["id"])
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/{item.pk}/")
    page.locator("#assistant-answer").click()
    expect(page.locator("#assistant-answer-preview")).to_have_text(FIND_OUT)
    assert fake_llm.requests[-1]["stream"] is True
    assert FACTS_RULE in fake_llm.prompts[-1]
    assert "Customer (klant): Wat kost jullie speltbrood?" in fake_llm.prompts[-1]
    assert not Reply.objects.exists()

    page.locator("#assistant-answer-use").click()  # accepted: now in the answer box
    expect(page.locator("#id_text")).to_have_value(FIND_OUT)
    assert mastodon.published_texts() == []
    page.locator("#id_text").press("End")
    page.locator("#id_text").press_sequentially(OUR_TOUCH)  # edited by the person
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("section.replies .reply-sent")).to_have_count(1)

    edited = FIND_OUT + OUR_TOUCH
    sent = [text for text in mastodon.published_texts() if "speltbrood" in text]
    assert len(sent) == 1 and sent[0].endswith(edited)  # out once, with the person's words
    reply = Reply.objects.get()
    assert reply.status == Reply.Status.SENT and reply.text.endswith(edited)
    used = AuditEvent.objects.get(action="assistant.text_used", target=f"reply {reply.pk}")
    assert used.data == {"kind": "reply"}


def test_the_settings_and_the_panels_fit_a_phone(
    page: Any, live_server: Any, world: World, log_in: Any, connection: Connection,
    fake_llm: FakeLLM, httpserver: HTTPServer, settings: Any,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    page.set_default_timeout(30_000)
    mastodon = FakeMastodon(httpserver)
    channel = connect_mastodon(world, mastodon)
    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    item = item_for(channel, mastodon.add_mention("Zijn jullie open op zondag?")["id"])
    log_in(page, "alice@bakkerij.test")
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("instellingen/schrijfhulp/", "publiceren/nieuw/", f"inbox/{item.pk}/"):
        page.goto(f"{live_server.url}/o/{world.org.slug}/{path}")
        if path == "publiceren/nieuw/":
            page.locator("#assistant-panel summary").click()
            page.locator("#assistant-words").fill("zondag open")
            page.locator("#assistant-panel button[data-kind=draft]").click()
            expect(page.locator("#assistant-use")).to_be_enabled()
        if path.startswith("inbox/"):
            page.locator("#assistant-answer").click()
            expect(page.locator("#assistant-answer-use")).to_be_enabled()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, path


def test_the_inbox_says_when_the_model_refuses_is_slow_or_the_limit_is_reached(
    page: Any, live_server: Any, world: World, log_in: Any, connection: Connection,
    fake_llm: FakeLLM, httpserver: HTTPServer, settings: Any,
) -> None:  # fmt: skip
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True
    page.set_default_timeout(30_000)
    mastodon = FakeMastodon(httpserver)
    channel = connect_mastodon(world, mastodon)
    item = item_for(channel, mastodon.add_mention("Zijn jullie open op zondag?")["id"])
    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/inbox/{item.pk}/")
    page.locator("#id_text").fill("Mijn eigen begin")

    fake_llm.failure, fake_llm.delay = "slow", 3.0
    panel = page.locator("#assistant-answer-panel")
    panel.evaluate("panel => { panel.dataset.slowAfter = '300'; }")  # not 15 s in a test
    page.locator("#assistant-answer").click()
    expect(page.locator("#assistant-answer-busy")).to_be_visible()
    expect(page.locator("#assistant-answer-error")).to_contain_text("slow to answer")
    page.locator("#assistant-answer-cancel").click()
    expect(page.locator("#assistant-answer-busy")).to_be_hidden()
    expect(page.locator("#assistant-answer-cancel")).to_be_hidden()
    expect(page.locator("#assistant-answer-use")).to_be_disabled()

    fake_llm.failure = "refusal"
    page.locator("#assistant-answer").click()
    expect(page.locator("#assistant-answer-error")).to_contain_text("refused to write this")

    fake_llm.failure = ""
    connection.monthly_requests = 2  # two asked already
    connection.save()
    page.locator("#assistant-answer").click()
    expect(page.locator("#assistant-answer-error")).to_contain_text("this month's limit")
    expect(page.locator("#id_text")).to_have_value("Mijn eigen begin")  # never overwritten
    assert not Reply.objects.exists()


def test_alt_text_is_suggested_for_an_image_and_a_refusal_is_said_under_it(
    page: Any, live_server: Any, world: World, log_in: Any, connection: Connection,
    fake_llm: FakeLLM, tmp_path: Path,
) -> None:  # fmt: skip
    page.set_default_timeout(30_000)
    connection.accepts_images = True
    connection.save()
    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    picture = tmp_path / "brood.png"
    Image.new("RGB", (400, 300), (200, 160, 90)).save(picture)
    fake_llm.answer = lambda messages: "Drie zuurdesembroden op een houten toog."
    log_in(page, "alice@bakkerij.test")
    page.goto(f"{live_server.url}/o/{world.org.slug}/publiceren/nieuw/")
    page.locator("#id_text").fill("Vers zuurdesembrood")
    page.locator("#upload").set_input_files(str(picture))
    row = page.locator(".image-row")
    row.locator(".assistant-alt").click()
    expect(row.get_by_role("textbox")).to_have_value("Drie zuurdesembroden op een houten toog.")
    image_part = fake_llm.requests[-1]["messages"][-1]["content"][1]
    assert image_part["image_url"]["url"].startswith("data:image/png;base64,")

    fake_llm.failure = "refusal"
    row.locator(".assistant-alt").click()
    expect(row.locator(".assistant-alt-error")).to_contain_text("refused to write this")
    assert not Post.objects.exists()
