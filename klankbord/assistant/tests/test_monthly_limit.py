import pytest

from klankbord.assistant import client, selectors, services
from klankbord.assistant.models import Connection, Usage
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.test import World

MESSAGES = [{"role": "user", "content": "brood"}]


def test_it_counts_requests_and_tokens_per_month(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    services.suggest(organisation=world.org, messages=MESSAGES)
    list(services.suggest_stream(organisation=world.org, messages=MESSAGES))
    usage = Usage.objects.get(organisation=world.org, month=selectors.this_month())
    assert (usage.requests, usage.tokens) == (2, 220)


def test_the_request_limit_stops_requests_before_they_are_sent(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.monthly_requests = 2
    connection.save()
    services.suggest(organisation=world.org, messages=MESSAGES)
    services.suggest(organisation=world.org, messages=MESSAGES)
    with pytest.raises(client.AssistantError) as raised:
        services.suggest(organisation=world.org, messages=MESSAGES)
    assert raised.value.kind == "limit_reached"
    assert len(fake_llm.requests) == 2


def test_the_token_limit_stops_requests_too(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.monthly_requests, connection.monthly_tokens = 0, 100
    connection.save()
    services.suggest(organisation=world.org, messages=MESSAGES)  # 120 tokens
    with pytest.raises(client.AssistantError) as raised:
        services.suggest(organisation=world.org, messages=MESSAGES)
    assert raised.value.kind == "limit_reached"


def test_another_organisations_usage_does_not_count(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    Usage.objects.create(organisation=world.other_org, month=selectors.this_month(), requests=99)
    connection.monthly_requests = 1
    connection.save()
    assert services.suggest(organisation=world.org, messages=MESSAGES)


def test_nothing_is_asked_while_the_writing_help_is_off(
    world: World, connection: Connection, fake_llm: FakeLLM
) -> None:
    connection.enabled = False
    connection.save()
    with pytest.raises(client.AssistantError) as raised:
        services.suggest(organisation=world.org, messages=MESSAGES)
    assert raised.value.kind == "off"
    assert fake_llm.requests == []
