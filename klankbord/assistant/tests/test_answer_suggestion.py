"""A suggested answer in the inbox: it knows the facts sheet, states nothing else, and is
never sent by itself."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from klankbord.assistant import services
from klankbord.assistant.models import Connection, FactsSheet
from klankbord.assistant.prompts import FACTS_RULE
from klankbord.assistant.tests.fake_llm import FakeLLM, prompt_text
from klankbord.inbox.models import Item, Reply, SavedReply
from klankbord.listening.models import Mention, Source
from klankbord.test import World

FIND_OUT = "Ik zoek het voor je uit en laat het je weten."


def item(world: World, text: str, language: str = "nl", n: int = 1) -> Item:
    source, _ = Source.objects.get_or_create(
        organisation=world.org, kind=Source.Kind.FEED, name="Nieuws"
    )
    mention = Mention.objects.create(
        organisation=world.org, source=source, network="mastodon", remote_id=str(n),
        key=f"k{n}", text=text, author_name="An Peeters", language=language,
    )  # fmt: skip
    return Item.objects.create(organisation=world.org, mention=mention)


def answers_from_the_sheet(messages: list[dict[str, Any]]) -> str:
    """Like a well-behaved model: a price only when the facts sheet in the prompt has it."""
    prompt = prompt_text(messages)
    if "Spelt brood: 4,20 euro" in prompt:
        return "Het speltbrood kost 4,20 euro."
    return FIND_OUT


@pytest.fixture
def sheet(world: World) -> FactsSheet:
    return FactsSheet.objects.create(organisation=world.org, opening_hours="di-za 7u-18u")


def test_the_prompt_carries_the_question_the_sheet_and_the_rule(
    world: World, connection: Connection, fake_llm: FakeLLM, sheet: FactsSheet
) -> None:
    SavedReply.objects.create(organisation=world.org, title="Dank", text="Bedankt, {naam}!")
    asked = item(world, "Wat kost jullie speltbrood?")
    services.suggest(organisation=world.org, messages=services.answer_messages(item=asked))
    prompt = fake_llm.prompts[0]
    assert FACTS_RULE in prompt
    assert "Opening hours: di-za 7u-18u" in prompt
    assert "Customer (An Peeters): Wat kost jullie speltbrood?" in prompt
    assert "Bedankt, An!" in prompt  # the saved reply, filled in for this item


def test_a_price_not_on_the_sheet_gets_a_promise_to_find_out(
    world: World, connection: Connection, fake_llm: FakeLLM, sheet: FactsSheet
) -> None:
    fake_llm.answer = answers_from_the_sheet
    asked = item(world, "Wat kost jullie speltbrood?")
    text = services.suggest(organisation=world.org, messages=services.answer_messages(item=asked))
    assert text == FIND_OUT


def test_a_price_on_the_sheet_may_be_given(
    world: World, connection: Connection, fake_llm: FakeLLM, sheet: FactsSheet
) -> None:
    sheet.prices = "Spelt brood: 4,20 euro"
    sheet.save()
    fake_llm.answer = answers_from_the_sheet
    asked = item(world, "Wat kost jullie speltbrood?")
    text = services.suggest(organisation=world.org, messages=services.answer_messages(item=asked))
    assert "4,20" in text


def test_a_french_question_is_answered_in_french(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    asked = item(world, "Vous êtes ouverts dimanche?", language="fr")
    services.suggest(organisation=world.org, messages=services.answer_messages(item=asked))
    assert "Write in French as written in Belgium" in fake_llm.prompts[0]


def test_no_other_customers_data_goes_out(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    item(world, "Mijn adres is Kerkstraat 5, bel me op 0470 11 22 33", n=2)
    asked = item(world, "Zijn jullie open?")
    services.suggest(organisation=world.org, messages=services.answer_messages(item=asked))
    assert "Kerkstraat" not in fake_llm.prompts[0]
    assert "0470" not in fake_llm.prompts[0]


def test_the_suggestion_is_given_back_and_never_sent(
    world: World, connection: Connection, fake_llm: FakeLLM, alice_client: Client
) -> None:
    fake_llm.answer = answers_from_the_sheet
    asked = item(world, "Wat kost jullie speltbrood?")
    response = alice_client.post(reverse("assistant_answer", args=[world.org.slug, asked.pk]))
    assert response.json() == {"text": FIND_OUT}
    assert not Reply.objects.exists()
    asked.refresh_from_db()
    assert asked.status == Item.Status.NEW


def test_another_organisation_cannot_ask_about_an_item(
    world: World, connection: Connection, fake_llm: FakeLLM, charlie_client: Client
) -> None:
    asked = item(world, "Wat kost jullie speltbrood?")
    response = charlie_client.post(reverse("assistant_answer", args=[world.org.slug, asked.pk]))
    assert response.status_code == 404
    assert fake_llm.requests == []
