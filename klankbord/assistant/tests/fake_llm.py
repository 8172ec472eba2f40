"""A fake OpenAI-compatible chat API on loopback: answers, streams, errors, slowness, 429 and
refusals, and keeps every request so tests can read the prompts that went out.

Shapes follow https://platform.openai.com/docs/api-reference/chat (chat.completion and the
streamed chat.completion.chunk events, "data: [DONE]" at the end) and the models list.
"""

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

Answer = Callable[[list[dict[str, Any]]], str]


def prompt_text(messages: list[dict[str, Any]]) -> str:
    parts = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            parts += [str(part.get("text", "")) for part in content]
        else:
            parts.append(str(content))
    return "\n".join(parts)


@dataclass
class FakeLLM:
    server: HTTPServer
    models: list[str] = field(default_factory=lambda: ["mistral-small", "llama3.1"])
    key: str = ""  # when set, any other key is refused with 401
    answer: Answer = lambda messages: "Vers brood, elke ochtend om 7 uur."
    # One of: "", "slow", "stall" (streams a first word, then waits), "429", "500", "refusal",
    # "filter".
    failure: str = ""
    delay: float = 0.0
    retry_after: str = "120"
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.server.expect_request("/v1/models", method="GET").respond_with_handler(self._models)
        self.server.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
            self._chat
        )

    @property
    def base_url(self) -> str:
        return self.server.url_for("/v1")

    @property
    def prompts(self) -> list[str]:
        return [prompt_text(body["messages"]) for body in self.requests]

    def _refused(self, request: Request) -> Response | None:
        if self.key and request.headers.get("Authorization") != f"Bearer {self.key}":
            error = {
                "error": {
                    "message": "Incorrect API key provided",
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                }
            }
            return Response(json.dumps(error), status=401, content_type="application/json")
        return None

    def _models(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        data = [{"id": name, "object": "model", "owned_by": "fake"} for name in self.models]
        return Response(
            json.dumps({"object": "list", "data": data}), content_type="application/json"
        )

    def _chat(self, request: Request) -> Response:
        refused = self._refused(request)
        if refused:
            return refused
        body = json.loads(request.get_data())
        self.requests.append(body)
        if self.failure == "429":
            error = {"error": {"message": "Rate limit reached", "type": "requests"}}
            return Response(
                json.dumps(error),
                status=429,
                headers={"Retry-After": self.retry_after},
                content_type="application/json",
            )
        if self.failure == "500":
            return Response(
                '{"error": {"message": "overloaded"}}', status=503, content_type="application/json"
            )
        if self.failure == "slow":
            time.sleep(self.delay)
        text = self.answer(body["messages"])
        if body.get("stream"):
            return Response(self._chunks(text, body), content_type="text/event-stream")
        message: dict[str, Any] = {"role": "assistant", "content": text, "refusal": None}
        finish = "stop"
        if self.failure == "refusal":
            message = {"role": "assistant", "content": None, "refusal": "I can't help with that."}
        if self.failure == "filter":
            finish = "content_filter"
        completion = {
            "id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
            "model": body["model"],
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        }  # fmt: skip
        return Response(json.dumps(completion), content_type="application/json")

    def _chunks(self, text: str, body: dict[str, Any]) -> Any:
        def event(choices: list[dict[str, Any]], **extra: Any) -> str:
            chunk = {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "model": body["model"],
                "choices": choices,
                **extra,
            }
            return f"data: {json.dumps(chunk)}\n\n"

        yield event(
            [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]
        )
        if self.failure in ("refusal", "filter"):
            delta = {"refusal": "I can't help with that."} if self.failure == "refusal" else {}
            finish = None if self.failure == "refusal" else "content_filter"
            yield event([{"index": 0, "delta": delta, "finish_reason": finish}])
        else:
            for number, word in enumerate(text.split(" ")):
                if number == 1 and self.failure == "stall":
                    time.sleep(self.delay)
                yield event([{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}])
            yield event([{"index": 0, "delta": {}, "finish_reason": "stop"}])
        if (body.get("stream_options") or {}).get("include_usage"):
            yield event(
                [], usage={"prompt_tokens": 90, "completion_tokens": 10, "total_tokens": 100}
            )
        yield "data: [DONE]\n\n"
