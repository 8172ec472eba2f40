"""A fake WhatsApp Cloud API on loopback.

Shapes follow developers.facebook.com: graph-api/reference/whatsapp-business-phone-number
(`GET /{phone-number-id}?fields=display_phone_number,verified_name` → `{"display_phone_number",
"verified_name", "id"}`), and Graph's errors (docs/graph-api/guides/error-handling:
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`): an unknown or
unreachable id is code 100 subcode 33 in a 400, a bad token code 190 in a 401.

Sending follows docs/whatsapp/cloud-api/reference/messages: `POST /{phone-number-id}/messages`
with `{"messaging_product": "whatsapp", "recipient_type": "individual", "to", "type": "text",
"text": {"body", "preview_url"}}` → `{"messaging_product": "whatsapp", "contacts": [{"input",
"wa_id"}], "messages": [{"id": "wamid..."}]}`; a text body holds at most 4096 characters. Outside
the 24-hour customer service window the answer is error 131047 (support/error-codes: "Re-engagement
message", with error_data.details); `throttle` answers the next sends with 130429 or 131056 in a
400 (no Retry-After). `drop_after_accept` stores a message and closes the connection
without an answer, as a proxy going away would.

Message templates follow docs/graph-api/reference/whats-app-business-account/message_templates:
`GET /{waba-id}/message_templates?fields=name,language,status,category,components,
parameter_format&limit=100` → `{"data": [{"id", "name", "language", "status" (APPROVED, PENDING,
REJECTED, PAUSED, DISABLED), "category", "parameter_format" (POSITIONAL, NAMED), "components":
[{"type": "HEADER", "format": "TEXT"|"IMAGE", "text"}, {"type": "BODY", "text"}, {"type":
"FOOTER", "text"}, {"type": "BUTTONS", "buttons": [{"type", "text"}]}]}], "paging": {"cursors":
{"before", "after"}, "next"}}`, `next` only while more follow; `templates_page_size` per page
(default 5, so the default nine templates take two pages). Sending one
(docs/whatsapp/cloud-api/guides/send-message-templates) is `"type": "template", "template":
{"name", "language": {"code"}, "components": [{"type": "header"|"body", "parameters": [{"type":
"text", "text", "parameter_name" (NAMED only)}]}]}`, allowed outside the window; its errors
(support/error-codes) are 132001 in a 404 for a name not in that language or not approved, 132000
for a parameter count that does not match a component's variables, 132012 for a named template's
value without its name, 132015 for a paused and 132016 for a disabled template. `sent` keeps the
body's text with its variables filled in.

Webhooks (`webhook_delivery`, `signed`) follow docs/whatsapp/cloud-api/webhooks/payload-examples:
`{"object": "whatsapp_business_account", "entry": [{"id": <WABA id>, "changes": [{"field":
"messages", "value": {"messaging_product": "whatsapp", "metadata": {"display_phone_number",
"phone_number_id"}, "contacts": [{"profile": {"name"}, "wa_id"}], "messages": [{"from", "id",
"timestamp", "type", <type>: {...}}]}}]}]}`, signed in X-Hub-Signature-256 with the app secret.

Statuses of the messages we sent (`status_delivery`, `status_object`, `post_signed`) follow
docs/whatsapp/cloud-api/webhooks/components#statuses-object: the same envelope with
`"statuses": [{"id": <wamid>, "status": "sent" | "delivered" | "read" | "failed", "timestamp",
"recipient_id": <wa_id>, "biz_opaque_callback_data"?: <as sent>, "conversation"?: {"id",
"expiration_timestamp"?, "origin": {"type": "service"}}, "pricing"?: {"billable",
"pricing_model", "category"}, "errors"?: [{"code", "title", "message", "error_data":
{"details"}, "href"}]}]` instead of contacts and messages. Conversation and pricing come with
sent and delivered; errors only with failed. Meta may deliver a status twice, late, or before an
earlier one (read before delivered): tests send them in any order, again, or signed with another
secret.
"""

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.chaos import DroppedConnection

WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "+32 470 12 34 56"
VERIFIED_NAME = "Bakkerij Janssens"
TOKEN = "EAAJB-fake-system-user-token-0123456789"
APP_SECRET = "fake-whatsapp-app-secret-0123456"
_VERSION = r"/v\d+\.\d+"
WINDOW_SECONDS = 24 * 3600
TEXT_LIMIT = 4096


@dataclass
class Number:
    display_phone_number: str
    verified_name: str


class FakeWhatsApp:
    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.tokens = {TOKEN}
        self.numbers = {PHONE_NUMBER_ID: Number(DISPLAY_NUMBER, VERIFIED_NAME)}
        self.requests: list[tuple[str, str]] = []
        # When each customer (wa_id) last wrote: the customer service window starts there.
        self.last_customer_message: dict[str, float] = {}
        self.sent: list[dict[str, Any]] = []
        self.drop_after_accept = 0
        # The next sends answered with this throttling code (130429 throughput, 131056 pair rate).
        self.throttle: list[int] = []
        self.templates = default_templates()
        self.templates_page_size = 5
        server.expect_request(re.compile(".*")).respond_with_handler(self.handle)

    @property
    def base_url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def handle(self, request: Request) -> Response:
        self.requests.append((request.method, request.path))
        auth = request.headers.get("Authorization", "")
        if auth.removeprefix("Bearer ") not in self.tokens:
            return self.error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        found = re.fullmatch(_VERSION + r"/(\d+)", request.path)
        if request.method == "GET" and found:
            return self.phone_number(found.group(1), request.args.get("fields", ""))
        listing = re.fullmatch(_VERSION + r"/(\d+)/message_templates", request.path)
        if request.method == "GET" and listing:
            return self.message_templates(listing.group(1), request)
        sending = re.fullmatch(_VERSION + r"/(\d+)/messages", request.path)
        if request.method == "POST" and sending:
            return self.send_message(sending.group(1), request.get_json(silent=True) or {})
        return self.error(400, 100, "Unknown path components", subcode=0)

    def phone_number(self, number_id: str, fields: str) -> Response:
        number = self.numbers.get(number_id)
        if number is None:
            message = (
                f"Unsupported get request. Object with ID '{number_id}' does not exist, cannot "
                "be loaded due to missing permissions, or does not support this operation."
            )
            return self.error(400, 100, message, subcode=33)
        body = {"id": number_id}
        for name in fields.split(","):
            if name in ("display_phone_number", "verified_name"):
                body[name] = getattr(number, name)
        return self.json(body)

    def customer_wrote(self, wa_id: str, at: float | None = None) -> None:
        self.last_customer_message[wa_id] = time.time() if at is None else at

    def send_message(self, number_id: str, body: dict[str, Any]) -> Response:
        if number_id not in self.numbers:
            return self.error(400, 100, f"Object with ID '{number_id}' does not exist", subcode=33)
        if self.throttle:
            return self.throttled(self.throttle.pop(0))
        if body.get("type") == "template":
            return self.send_template(body)
        text = (body.get("text") or {}).get("body")
        if body.get("messaging_product") != "whatsapp" or body.get("type") != "text":
            return self.error(400, 100, "(#100) Invalid parameter")
        if not isinstance(text, str) or not text or len(text) > TEXT_LIMIT:
            return self.error(400, 100, "(#100) Param text['body'] is invalid")
        wa_id = str(body.get("to") or "")
        last = self.last_customer_message.get(wa_id)
        if last is None or time.time() - last > WINDOW_SECONDS:
            return self.reengagement()
        wamid = f"wamid.HBgL{wa_id}{len(self.sent):06d}"
        self.sent.append({**body, "id": wamid, "to": wa_id, "text": text})
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return DroppedConnection()
        return self.json(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": wa_id, "wa_id": wa_id}],
                "messages": [{"id": wamid}],
            }
        )

    def message_templates(self, waba_id: str, request: Request) -> Response:
        if waba_id != WABA_ID:
            message = f"Unsupported get request. Object with ID '{waba_id}' does not exist"
            return self.error(400, 100, message, subcode=33)
        fields = set(request.args.get("fields", "name,language,status,id").split(",")) | {"id"}
        size = min(int(request.args.get("limit", "25")), self.templates_page_size)
        after = request.args.get("after", "")
        start = int(base64.b64decode(after).decode()) if after else 0
        page = self.templates[start : start + size]
        body: dict[str, Any] = {
            "data": [{k: v for k, v in t.items() if k in fields} for t in page],
            "paging": {"cursors": {"before": _cursor(start), "after": _cursor(start + len(page))}},
        }
        if start + size < len(self.templates):
            body["paging"]["next"] = self.server.url_for(
                f"{request.path}?limit={size}&after={_cursor(start + size)}"
            )
        return self.json(body)

    def send_template(self, body: dict[str, Any]) -> Response:
        chosen = body.get("template") or {}
        name = str(chosen.get("name") or "")
        language = str((chosen.get("language") or {}).get("code") or "")
        found = next(
            (t for t in self.templates if t["name"] == name and t["language"] == language), None
        )
        status = found["status"] if found else ""
        if status == "PAUSED":
            return self.template_error(132015, "Template is Paused", f"{name} is paused")
        if status == "DISABLED":
            return self.template_error(132016, "Template is disabled", f"{name} is disabled")
        if found is None or status != "APPROVED":
            details = f"template name ({name}) does not exist in {language}"
            message = "Template name does not exist in the translation"
            return self.template_error(132001, message, details, status=404)
        given = {
            str(c.get("type") or ""): c.get("parameters") or []
            for c in chosen.get("components") or []
        }
        texts = {str(c["type"]).lower(): str(c.get("text") or "") for c in found["components"]}
        filled = {}
        for kind in ("header", "body"):
            variables = list(dict.fromkeys(re.findall(r"\{\{(\w+)\}\}", texts.get(kind, ""))))
            values = given.get(kind, [])
            if len(values) != len(variables):
                details = (
                    f"{kind}: number of localizable_params ({len(values)}) does not match the "
                    f"expected number of params ({len(variables)})"
                )
                message = "Number of parameters does not match the expected number of params"
                return self.template_error(132000, message, details)
            if found["parameter_format"] == "NAMED":
                named = {str(v.get("parameter_name") or ""): v.get("text") for v in values}
                if set(named) != set(variables):
                    message = "Parameter format does not match format in the created template"
                    return self.template_error(132012, message, f"{kind}: parameter names")
            else:
                named = {str(i + 1): v.get("text") for i, v in enumerate(values)}
            filled[kind] = _filled(texts.get(kind, ""), named)
        wa_id = str(body.get("to") or "")
        wamid = f"wamid.HBgL{wa_id}{len(self.sent):06d}"
        self.sent.append({**body, "id": wamid, "to": wa_id, "text": filled["body"]})
        if self.drop_after_accept:
            self.drop_after_accept -= 1
            return DroppedConnection()
        return self.json(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": wa_id, "wa_id": wa_id}],
                "messages": [{"id": wamid, "message_status": "accepted"}],
            }
        )

    def template_error(self, code: int, title: str, details: str, *, status: int = 400) -> Response:
        error = {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details},
            "fbtrace_id": "AbCdEfGhIjK",
        }
        return self.json({"error": error}, status)

    def throttled(self, code: int) -> Response:
        # support/error-codes: "Rate limit hit" (130429), "Spam rate limit hit" / pair rate
        # (131056); a 400 with the Graph error body and no Retry-After.
        titles = {
            130429: "Rate limit hit",
            131056: "(Business Account, Consumer Account) pair rate limit hit",
        }
        error = {
            "message": f"(#{code}) {titles.get(code, 'Rate limit hit')}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": titles.get(code, "")},
            "fbtrace_id": "AbCdEfGhIjK",
        }
        return self.json({"error": error}, 400)

    def reengagement(self) -> Response:
        details = (
            "Message failed to send because more than 24 hours have passed since the customer "
            "last replied to this number."
        )
        error = {
            "message": "(#131047) Re-engagement message",
            "type": "OAuthException",
            "code": 131047,
            "error_data": {"messaging_product": "whatsapp", "details": details},
            "fbtrace_id": "AbCdEfGhIjK",
        }
        return self.json({"error": error}, 400)

    @staticmethod
    def json(body: object, status: int = 200) -> Response:
        return Response(json.dumps(body), status=status, content_type="application/json")

    def error(self, status: int, code: int, message: str, *, subcode: int = 0) -> Response:
        error: dict[str, object] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": "AbCdEfGhIjK",
        }
        if subcode:
            error["error_subcode"] = subcode
        return self.json({"error": error}, status)


def _filled(text: str, values: dict[str, Any]) -> str:
    return re.sub(r"\{\{(\w+)\}\}", lambda m: str(values[m.group(1)]), text)


def _cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def _template(
    number: int, name: str, language: str, status: str, category: str, *components: Any
) -> dict[str, Any]:
    named = any(
        "{{" in str(c.get("text", "")) and "{{1}}" not in str(c["text"]) for c in components
    )
    return {
        "id": f"59412345678{number:04d}",
        "name": name,
        "language": language,
        "status": status,
        "category": category,
        "parameter_format": "NAMED" if named else "POSITIONAL",
        "components": list(components),
    }


def default_templates() -> list[dict[str, Any]]:
    """Templates of a bakery in every status; nl and fr versions of one of them."""
    body = lambda text: {"type": "BODY", "text": text}  # noqa: E731
    footer = {"type": "FOOTER", "text": VERIFIED_NAME}
    return [
        _template(1, "afspraak_herinnering", "nl", "APPROVED", "UTILITY",
                  body("Dag {{1}}, we verwachten je op {{2}} in de bakkerij. Tot dan!"), footer),
        _template(2, "afspraak_herinnering", "fr", "APPROVED", "UTILITY",
                  body("Bonjour {{1}}, nous vous attendons le {{2}} à la boulangerie."), footer),
        _template(3, "bestelling_klaar", "nl", "APPROVED", "UTILITY",
                  {"type": "HEADER", "format": "TEXT", "text": "Bestelling {{bestelnummer}}"},
                  body("Dag {{naam}}, je bestelling ligt klaar. Ophalen kan tot {{uur}}."),
                  {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Bedankt"}]}),
        _template(4, "paasactie", "nl", "PENDING", "MARKETING",
                  body("Met Pasen: paaseitjes aan halve prijs, {{1}}!")),
        _template(5, "gratis_taart", "nl", "REJECTED", "MARKETING",
                  body("Win een gratis taart, {{1}}!")),
        _template(6, "nieuwe_openingsuren", "nl", "APPROVED", "MARKETING",
                  {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["4::aW"]}},
                  body("Vanaf {{1}} zijn we ook op zondag open.")),
        _template(7, "feedback_vragen", "nl", "PAUSED", "MARKETING",
                  body("Hoe smaakte je taart, {{1}}?")),
        _template(8, "hello_world", "en_US", "APPROVED", "UTILITY",
                  body("Welcome and congratulations!! This message demonstrates your ability to "
                       "send a WhatsApp message notification from the Cloud API.")),
        _template(9, "oude_actie", "nl", "DISABLED", "MARKETING",
                  body("Nog even: {{1}} korting.")),
    ]  # fmt: skip


CUSTOMER_WA_ID = "32475987654"
CUSTOMER_NAME = "Els Peeters"


def webhook_delivery(
    message: dict[str, Any],
    *,
    phone_number_id: str = PHONE_NUMBER_ID,
    wa_id: str = CUSTOMER_WA_ID,
    name: str = CUSTOMER_NAME,
) -> dict[str, Any]:
    """What Meta pushes for one customer message; `message` is its type and type object."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DISPLAY_NUMBER.replace(" ", "")[1:],
                                "phone_number_id": phone_number_id,
                            },
                            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                            "messages": [
                                {"from": wa_id, "timestamp": str(int(time.time())), **message}
                            ],
                        },
                    }
                ],
            }
        ],
    }


def text_message(wamid: str, body: str) -> dict[str, Any]:
    return {"id": wamid, "type": "text", "text": {"body": body}}


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    """The header Meta adds: HMAC-SHA256 of the raw body with the app secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"HTTP_X_HUB_SIGNATURE_256": f"sha256={digest}"}


# support/error-codes: the title and error_data.details WhatsApp gives with a failed status.
STATUS_ERRORS = {
    131026: ("Message undeliverable", "Message Undeliverable."),
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last "
        "replied to this number.",
    ),
    131051: ("Unsupported message type", "Message type is not currently supported."),
    131053: ("Media upload error", "Unable to upload the media used in the message."),
}


def status_object(
    message: dict[str, Any], status: str, *, at: float | None = None, error: int = 0
) -> dict[str, Any]:
    """One status of a message the fake accepted (an entry of `FakeWhatsApp.sent`)."""
    found: dict[str, Any] = {
        "id": message["id"],
        "status": status,
        "timestamp": str(int(time.time() if at is None else at)),
        "recipient_id": message["to"],
    }
    if message.get("biz_opaque_callback_data"):
        found["biz_opaque_callback_data"] = message["biz_opaque_callback_data"]
    if status in ("sent", "delivered"):
        found["conversation"] = {"id": "c0ffee5e55i0n", "origin": {"type": "service"}}
        found["pricing"] = {"billable": False, "pricing_model": "CBP", "category": "service"}
    if status == "failed":
        title, details = STATUS_ERRORS.get(error, ("Generic user error", "Something went wrong."))
        found["errors"] = [
            {
                "code": error,
                "title": title,
                "message": title,
                "error_data": {"details": details},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ]
    return found


def status_delivery(
    *statuses: dict[str, Any], phone_number_id: str = PHONE_NUMBER_ID
) -> dict[str, Any]:
    """What Meta pushes for statuses of sent messages, in the order given (any order)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": DISPLAY_NUMBER.replace(" ", "")[1:],
            "phone_number_id": phone_number_id,
        },
        "statuses": list(statuses),
    }
    change = {"field": "messages", "value": value}
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [change]}],
    }


def post_signed(url: str, payload: dict[str, Any], secret: str = APP_SECRET) -> httpx.Response:
    """Meta's webhook call to a running server: the raw body, signed with `secret`."""
    body = json.dumps(payload).encode()
    signature = signed(body, secret)["HTTP_X_HUB_SIGNATURE_256"]
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    return httpx.post(url, content=body, headers=headers, timeout=10)
