"""An OpenAI-compatible chat API (OpenAI, Mistral, Ollama, vLLM, LM Studio …) over lib/http.py.

Reference: https://platform.openai.com/docs/api-reference/chat/create (request, response and
the streamed `chat.completion.chunk` events) and .../models/list.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import httpx
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from klankbord.lib import http

CONTENT_FILTER = "content_filter"


class AssistantError(Exception):
    """What went wrong, in the user's language; `kind` is for code and tests."""

    def __init__(self, message: str, *, kind: str, retry_at: datetime | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.retry_at = retry_at


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    model: str
    api_key: str = field(default="", repr=False)
    allow_local: bool = False
    timeout: float = 60.0

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def policy(self) -> http.Policy:
        # One try: a suggestion someone waits for is better refused quickly than retried.
        return replace(
            http.DEFAULT_POLICY,
            timeout=min(self.timeout, 30.0),
            total_timeout=self.timeout,
            attempts=1,
            max_bytes=2 * 1024 * 1024,
        )


@dataclass(frozen=True)
class Completion:
    text: str
    tokens: int


def unreachable() -> AssistantError:
    return AssistantError(
        _("The language model cannot be reached. Check the address, or try again later."),
        kind="unreachable",
    )


def too_slow() -> AssistantError:
    return AssistantError(
        _("The language model took too long to answer. Try again, or ask for something shorter."),
        kind="timeout",
    )


def refusal() -> AssistantError:
    return AssistantError(
        _("The language model refused to write this. Rephrase your request."), kind="refusal"
    )


def _from_http_error(error: http.HttpError) -> AssistantError:
    if isinstance(error, http.UnsafeURL):
        return AssistantError(error.message, kind="unsafe_url")
    if isinstance(error, http.RateLimited):
        return rate_limited(error.retry_at)
    cause = error.__cause__
    if isinstance(cause, httpx.TimeoutException) and not isinstance(cause, httpx.ConnectTimeout):
        return too_slow()
    if "took too long" in error.message:
        return too_slow()
    return unreachable()


def rate_limited(retry_at: datetime | None) -> AssistantError:
    if retry_at is None:
        message = _("The language model is busy (too many requests). Try again in a minute.")
    else:
        moment = formats.time_format(timezone.localtime(retry_at), "H:i")
        message = _("The language model is busy (too many requests). Try again after %(time)s.") % {
            "time": moment
        }
    return AssistantError(message, kind="rate_limited", retry_at=retry_at)


def _check_status(response: httpx.Response) -> None:
    status = response.status_code
    if status in (401, 403):
        raise AssistantError(
            _("The language model refused the API key. An owner can enter it again."),
            kind="refused_key",
        )
    if status == 429:
        retry_at = http.parse_retry_after(response.headers.get("retry-after"), http.now_utc())
        raise rate_limited(retry_at)
    if status >= 500:
        raise AssistantError(
            _("The language model had a problem of its own (error %(status)s). Try again later.")
            % {"status": status},
            kind="server_error",
        )
    if status >= 400:
        raise AssistantError(
            _(
                "The language model did not accept the request (error %(status)s). "
                "Check the model name."
            )
            % {"status": status},
            kind="bad_request",
        )


def _bad_answer() -> AssistantError:
    return AssistantError(
        _("The language model answered something Klankbord cannot read."), kind="bad_answer"
    )


# https://platform.openai.com/docs/api-reference/models/list
def models_list(*, endpoint: Endpoint) -> list[str]:
    """The model names the endpoint offers; used to test a connection."""
    try:
        response = http.request(
            "GET",
            endpoint.url("/models"),
            headers=endpoint.headers(),
            policy=endpoint.policy(),
            user_url=True,
            allow_loopback=endpoint.allow_local,
        )
    except http.HttpError as error:
        raise _from_http_error(error) from error
    _check_status(response)
    try:
        return sorted(str(model["id"]) for model in response.json().get("data", []))
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise _bad_answer() from error


def _body(endpoint: Endpoint, messages: list[dict[str, Any]], *, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"model": endpoint.model, "messages": messages, "stream": stream}
    if stream:
        body["stream_options"] = {"include_usage": True}
    return body


# https://platform.openai.com/docs/api-reference/chat/create
def chat(*, endpoint: Endpoint, messages: list[dict[str, Any]]) -> Completion:
    try:
        response = http.request(
            "POST",
            endpoint.url("/chat/completions"),
            json=_body(endpoint, messages, stream=False),
            headers=endpoint.headers(),
            policy=endpoint.policy(),
            user_url=True,
            allow_loopback=endpoint.allow_local,
        )
    except http.HttpError as error:
        raise _from_http_error(error) from error
    _check_status(response)
    try:
        data = response.json()
        choice = data["choices"][0]
        message = choice.get("message") or {}
        if message.get("refusal") or choice.get("finish_reason") == CONTENT_FILTER:
            raise refusal()
        text = str(message.get("content") or "").strip()
        tokens = int((data.get("usage") or {}).get("total_tokens") or 0)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise _bad_answer() from error
    if not text:
        raise _bad_answer()
    return Completion(text=text, tokens=tokens)


@dataclass
class ChatStream:
    """The streamed answer, piece by piece; `tokens` is known once the stream is read."""

    endpoint: Endpoint
    messages: list[dict[str, Any]]
    tokens: int = 0
    text: str = ""

    def __iter__(self) -> Iterator[str]:
        try:
            with http.stream(
                "POST",
                self.endpoint.url("/chat/completions"),
                json=_body(self.endpoint, self.messages, stream=True),
                headers=self.endpoint.headers(),
                policy=self.endpoint.policy(),
                user_url=True,
                allow_loopback=self.endpoint.allow_local,
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    _check_status(response)
                yield from self._pieces(response.iter_lines())
        except http.HttpError as error:
            raise _from_http_error(error) from error

    def _pieces(self, lines: Iterator[str]) -> Iterator[str]:
        # Server-sent events: "data: {json}" lines, blank lines between, "data: [DONE]" at the end.
        for line in lines:
            if not line.startswith("data:"):
                continue
            payload = line[5:].strip()
            if payload == "[DONE]":
                return
            try:
                chunk = json.loads(payload)
            except ValueError as error:
                raise _bad_answer() from error
            if isinstance(chunk.get("usage"), dict):
                self.tokens = int(chunk["usage"].get("total_tokens") or 0)
            for choice in chunk.get("choices") or []:
                delta = choice.get("delta") or {}
                if delta.get("refusal") or choice.get("finish_reason") == CONTENT_FILTER:
                    raise refusal()
                piece = delta.get("content") or ""
                if piece:
                    self.text += piece
                    yield piece


def chat_stream(*, endpoint: Endpoint, messages: list[dict[str, Any]]) -> ChatStream:
    return ChatStream(endpoint=endpoint, messages=messages)
