import pytest
from django.utils import translation

from klankbord.assistant import client
from klankbord.assistant.tests.fake_llm import FakeLLM

MESSAGES = [{"role": "user", "content": "brood"}]


def endpoint(
    fake: FakeLLM, *, key: str = "sk-test-secret-123", timeout: float = 5.0
) -> client.Endpoint:
    return client.Endpoint(
        base_url=fake.base_url,
        model="mistral-small",
        api_key=key,
        allow_local=True,
        timeout=timeout,
    )


def test_it_lists_the_models_to_test_a_connection(fake_llm: FakeLLM) -> None:
    assert client.models_list(endpoint=endpoint(fake_llm)) == ["llama3.1", "mistral-small"]


def test_it_returns_a_completion_with_its_tokens(fake_llm: FakeLLM) -> None:
    completion = client.chat(endpoint=endpoint(fake_llm), messages=MESSAGES)
    assert completion.text == "Vers brood, elke ochtend om 7 uur."
    assert completion.tokens == 120
    assert fake_llm.requests[0]["model"] == "mistral-small"
    assert fake_llm.requests[0]["stream"] is False


def test_it_streams_the_answer_piece_by_piece(fake_llm: FakeLLM) -> None:
    stream = client.chat_stream(endpoint=endpoint(fake_llm), messages=MESSAGES)
    pieces = list(stream)
    assert len(pieces) > 3
    assert "".join(pieces).strip() == "Vers brood, elke ochtend om 7 uur."
    assert stream.tokens == 100


def test_it_says_the_key_was_refused(fake_llm: FakeLLM) -> None:
    with translation.override("en"), pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=endpoint(fake_llm, key="sk-wrong"), messages=MESSAGES)
    assert raised.value.kind == "refused_key"
    assert "API key" in raised.value.message


def test_it_says_the_key_was_refused_while_streaming(fake_llm: FakeLLM) -> None:
    with pytest.raises(client.AssistantError) as raised:
        list(client.chat_stream(endpoint=endpoint(fake_llm, key="sk-wrong"), messages=MESSAGES))
    assert raised.value.kind == "refused_key"


def test_it_says_when_it_is_rate_limited_and_until_when(fake_llm: FakeLLM) -> None:
    fake_llm.failure = "429"
    with translation.override("en"), pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=endpoint(fake_llm), messages=MESSAGES)
    assert raised.value.kind == "rate_limited"
    assert raised.value.retry_at is not None
    assert "after" in raised.value.message


def test_it_says_the_server_had_a_problem(fake_llm: FakeLLM) -> None:
    fake_llm.failure = "500"
    with pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=endpoint(fake_llm), messages=MESSAGES)
    assert raised.value.kind == "server_error"
    assert "503" in raised.value.message


@pytest.mark.parametrize("failure", ["refusal", "filter"])
def test_it_reports_a_refusal(fake_llm: FakeLLM, failure: str) -> None:
    fake_llm.failure = failure
    with pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=endpoint(fake_llm), messages=MESSAGES)
    assert raised.value.kind == "refusal"


@pytest.mark.parametrize("failure", ["refusal", "filter"])
def test_it_reports_a_refusal_while_streaming(fake_llm: FakeLLM, failure: str) -> None:
    fake_llm.failure = failure
    with pytest.raises(client.AssistantError) as raised:
        list(client.chat_stream(endpoint=endpoint(fake_llm), messages=MESSAGES))
    assert raised.value.kind == "refusal"


def test_it_gives_up_on_a_slow_answer(fake_llm: FakeLLM) -> None:
    fake_llm.failure, fake_llm.delay = "slow", 2.0
    with pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=endpoint(fake_llm, timeout=0.5), messages=MESSAGES)
    assert raised.value.kind == "timeout"


def test_it_gives_up_on_a_slow_stream(fake_llm: FakeLLM) -> None:
    fake_llm.failure, fake_llm.delay = "slow", 2.0
    with pytest.raises(client.AssistantError) as raised:
        list(client.chat_stream(endpoint=endpoint(fake_llm, timeout=0.5), messages=MESSAGES))
    assert raised.value.kind == "timeout"


def test_it_says_an_endpoint_cannot_be_reached(unused_port: int) -> None:
    closed = client.Endpoint(
        base_url=f"http://127.0.0.1:{unused_port}/v1", model="m", allow_local=True
    )
    with pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=closed, messages=MESSAGES)
    assert raised.value.kind == "unreachable"


def test_it_refuses_a_local_endpoint_unless_the_installation_allows_it(fake_llm: FakeLLM) -> None:
    local = client.Endpoint(base_url=fake_llm.base_url, model="m", allow_local=False)
    with pytest.raises(client.AssistantError) as raised:
        client.chat(endpoint=local, messages=MESSAGES)
    assert raised.value.kind == "unsafe_url"
    assert fake_llm.requests == []


def test_a_stream_to_a_local_endpoint_is_refused_unless_allowed(fake_llm: FakeLLM) -> None:
    local = client.Endpoint(base_url=fake_llm.base_url, model="m", allow_local=False)
    with pytest.raises(client.AssistantError) as raised:
        list(client.chat_stream(endpoint=local, messages=MESSAGES))
    assert raised.value.kind == "unsafe_url"
    assert fake_llm.requests == []
