"""WhatsApp Business Platform, Cloud API (https://developers.facebook.com/docs/whatsapp/cloud-api).

The Cloud API is Graph: the same host, version, error bodies and throttling as Facebook, so the
Facebook client is reused with WhatsApp in its messages. A channel is one business phone number
(its phone number id), reached with a system-user access token of the WhatsApp Business Account.
Connecting checks the token against the number; messages come in later by webhook.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klankbord.channels.networks import facebook, whatsapp_media
from klankbord.channels.networks.base import (
    Capability,
    Connector,
    ConnectorError,
    Mention,
    MentionPage,
    OutgoingPost,
    Profile,
    PublishedPost,
    RateLimitError,
)
from klankbord.channels.networks.whatsapp_media import Fetched
from klankbord.lib import http

FIELDS = "display_phone_number,verified_name"
# https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
# Outside the customer service window: only a template message may be sent.
REENGAGEMENT = 131047
# Throttled: Cloud API (130429), pair rate (131056: too many to one customer), Business Use Case
# rate (80007).
THROTTLE_CODES = frozenset({130429, 131056, 80007})
# A text message body holds at most this many characters (docs/whatsapp/cloud-api/messages/
# text-messages).
TEXT_LIMIT = 4096


def graph_url() -> str:
    return str(getattr(settings, "WHATSAPP_GRAPH_URL", facebook.GRAPH_URL)).rstrip("/")


def chat_url(display_phone_number: str, text: str = "") -> str:
    """The wa.me link of a number: digits only, with the country code, no plus or zeros.

    `text` is typed into the customer's message box, for them to send or change.
    """
    # https://faq.whatsapp.com/5913398998672934 (click to chat)
    digits = "".join(ch for ch in display_phone_number if ch.isdigit())
    if not digits:
        return ""
    # Spaces as %20, as in WhatsApp's own example; a "+" could stay a plus sign.
    return f"https://wa.me/{digits}" + (f"?text={quote(text, safe='')}" if text else "")


# Message templates: what a business may send outside the customer service window, once
# Meta approved it (https://developers.facebook.com/docs/whatsapp/message-templates).
TEMPLATE_FIELDS = "name,language,status,category,components,parameter_format"
# 100 per page (the most Graph gives); a verified business may have up to 6,000 templates.
TEMPLATE_PAGES = 60
# {{1}} or, with parameter_format NAMED, {{order_number}} (templates/overview#parameter-formats).
TEMPLATE_VARIABLE = re.compile(r"\{\{\s*([a-z0-9_]+)\s*\}\}")
# Header text holds at most 60 characters (templates/components#text-header); a variable's value
# at most 1,024 when the template has more than a body (reference/messages#text-object).
HEADER_LIMIT = 60
VARIABLE_LIMIT = 1024
# What a template may carry that Klankbord can send: buttons without variables of their own.
FILLABLE_BUTTONS = frozenset({"QUICK_REPLY", "PHONE_NUMBER", "URL", "VOICE_CALL"})
# Template errors of the send call (support/error-codes), explained in the user's language.
TEMPLATE_PARAMETER_COUNT = 132000
TEMPLATE_MISSING = 132001
TEMPLATE_TOO_LONG = 132005
TEMPLATE_POLICY = 132007
TEMPLATE_PARAMETER_FORMAT = 132012
TEMPLATE_PAUSED = 132015
TEMPLATE_DISABLED = 132016


@dataclass(frozen=True)
class Template:
    """One approved message template in one language, as the inbox offers it."""

    name: str
    language: str
    category: str  # MARKETING, UTILITY or AUTHENTICATION
    body: str
    header: str = ""
    footer: str = ""
    named: bool = False  # parameter_format NAMED: variables have names instead of numbers
    # The variables in the order they are sent: "1", "2"… or their names.
    body_variables: tuple[str, ...] = ()
    header_variables: tuple[str, ...] = ()
    # Why Klankbord cannot send it ("media_header", "buttons"), or "" when it can.
    unsupported: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}:{self.language}"


def template_variables(text: str, *, named: bool) -> tuple[str, ...]:
    """The variables of a template text, each once: numbered ones in number order."""
    found = list(dict.fromkeys(TEMPLATE_VARIABLE.findall(text)))
    if named:
        return tuple(found)
    return tuple(sorted((v for v in found if v.isdigit()), key=int))


def template_of(item: dict[str, Any]) -> Template | None:
    """A template of the message_templates list, or None without a name, language or body."""
    # https://developers.facebook.com/docs/whatsapp/business-management-api/message-templates/components
    parts = {
        str(part.get("type") or "").upper(): part
        for part in item.get("components") or []
        if isinstance(part, dict)
    }
    name, language = str(item.get("name") or ""), str(item.get("language") or "")
    body = str((parts.get("BODY") or {}).get("text") or "")
    if not name or not language or not body:
        return None
    named = str(item.get("parameter_format") or "").upper() == "NAMED"
    header = parts.get("HEADER") or {}
    header_format = str(header.get("format") or "TEXT").upper() if header else ""
    header_text = str(header.get("text") or "") if header_format == "TEXT" else ""
    buttons = [b for b in (parts.get("BUTTONS") or {}).get("buttons") or [] if isinstance(b, dict)]
    unsupported = ""
    if header_format not in ("", "TEXT"):
        unsupported = "media_header"
    elif any(
        str(b.get("type") or "").upper() not in FILLABLE_BUTTONS or "{{" in str(b.get("url") or "")
        for b in buttons
    ):
        unsupported = "buttons"
    return Template(
        name=name,
        language=language,
        category=str(item.get("category") or "").upper(),
        body=body,
        header=header_text,
        footer=str((parts.get("FOOTER") or {}).get("text") or ""),
        named=named,
        body_variables=template_variables(body, named=named),
        header_variables=template_variables(header_text, named=named),
        unsupported=unsupported,
    )


def template_fill(text: str, variables: tuple[str, ...], values: list[str]) -> str:
    """The text as the customer reads it; a variable without a value stays as it is."""
    given = dict(zip(variables, values, strict=False))

    def value(match: re.Match[str]) -> str:
        return given.get(match.group(1)) or match.group(0)

    return TEMPLATE_VARIABLE.sub(value, text)


def template_payload(chosen: dict[str, Any]) -> dict[str, Any]:
    """The `template` object of a send call, from what a Reply keeps of it."""
    # https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#template-object
    components = []
    for kind, values_key, names_key in (
        ("header", "header_parameters", "header_names"),
        ("body", "parameters", "names"),
    ):
        values = [str(v) for v in chosen.get(values_key) or []]
        names = [str(n) for n in chosen.get(names_key) or []]
        if not values:
            continue
        parameters: list[dict[str, str]] = []
        for index, text in enumerate(values):
            parameter = {"type": "text", "text": text}
            # Named templates name each value; numbered ones go by position.
            if index < len(names):
                parameter["parameter_name"] = names[index]
            parameters.append(parameter)
        components.append({"type": kind, "parameters": parameters})
    payload: dict[str, Any] = {"name": chosen["name"], "language": {"code": chosen["language"]}}
    if components:
        payload["components"] = components
    return payload


def template_error(code: int) -> str:
    """What a template error of WhatsApp means, in the active language; "" for other codes."""
    # https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
    known = {
        TEMPLATE_PARAMETER_COUNT: _(
            "WhatsApp refused the template: the number of filled-in variables does not match "
            "the template. Refresh the templates and try again."
        ),
        TEMPLATE_MISSING: _(
            "WhatsApp refused the template: it does not exist in this language, or it is not "
            "approved (any more). Refresh the templates and choose another one."
        ),
        TEMPLATE_TOO_LONG: _(
            "WhatsApp refused the template: with the filled-in variables the text is too long. "
            "Shorten the variables."
        ),
        TEMPLATE_POLICY: _(
            "WhatsApp refused the template because its content goes against WhatsApp's policies."
        ),
        TEMPLATE_PARAMETER_FORMAT: _(
            "WhatsApp refused the template: a variable is not in the format the template "
            "expects. Refresh the templates and try again."
        ),
        TEMPLATE_PAUSED: _(
            "WhatsApp paused this template because customers gave it poor feedback. Choose "
            "another template, or wait until WhatsApp releases it."
        ),
        TEMPLATE_DISABLED: _(
            "WhatsApp disabled this template after repeated poor feedback. Choose another template."
        ),
    }
    return known.get(code, "")


class Client(facebook.Client):
    """Facebook's Graph client with WhatsApp in its messages."""

    network = "WhatsApp"

    def _result(self, response: httpx.Response) -> Any:
        if response.status_code >= 300:
            self._whatsapp_error(response)
        return super()._result(response)

    def _whatsapp_error(self, response: httpx.Response) -> None:
        """The Cloud API's own codes, before Graph's general ones."""
        try:
            error = response.json().get("error") or {}
            code = int(error.get("code") or 0)
        except (ValueError, AttributeError, TypeError):
            return
        if code == REENGAGEMENT:
            raise ConnectorError(
                _(
                    "WhatsApp refused the message: more than 24 hours passed since the "
                    "customer's last message, so only an approved message template can be sent."
                ),
                permanent=True,
            )
        if template_error(code):
            raise ConnectorError(template_error(code), permanent=True)
        if code in THROTTLE_CODES:
            retry_at = http.now_utc() + facebook.regain_after(response.headers)
            if self.budget is not None and self.budget_key:
                self.budget.record(self.budget_key, 0, retry_at)
            raise RateLimitError(
                _("WhatsApp asks us to slow down (error %(code)s).") % {"code": code},
                retry_at=retry_at,
            )


class WhatsAppConnector(Connector):
    network = "whatsapp"
    label = gettext_lazy("WhatsApp Business")
    # Messages come in by webhook only (mentions() has nothing to poll); answers are messages.
    capabilities = frozenset({Capability.MENTIONS, Capability.REPLY})
    # https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-messages#customer-service-windows
    private_window = timedelta(hours=24)
    private_limit = TEXT_LIMIT
    # The owner types ids and a token into a form: the nearest of the connection kinds.
    connect_with = "password"
    # Status webhooks tell when an answer reached the customer's phone and was read.
    reports_receipts = True

    def _client(self) -> Client:
        return Client(
            self.account.base_url or graph_url(),
            token=str(self.account.secrets.get("access_token") or ""),
            allow_loopback=self.allow_loopback,
            budget=self.budget,
            budget_key=f"whatsapp:{self.account.external_id}",
        )

    def profile(self) -> Profile:
        # https://developers.facebook.com/docs/graph-api/reference/whatsapp-business-phone-number/
        body: dict[str, Any] = self._client().call(
            "GET", f"/{self.account.external_id}", params={"fields": FIELDS}
        )
        number = str(body.get("display_phone_number") or self.account.external_id)
        return Profile(
            external_id=str(body.get("id") or self.account.external_id),
            handle=number,
            display_name=str(body.get("verified_name") or number),
            profile_url=chat_url(number),
        )

    def publish(self, post: OutgoingPost) -> PublishedPost:
        """An answer in a customer's conversation: a text message to their WhatsApp id."""
        if post.options.get("template"):
            return self.template_send(post)
        if not post.reply_to.startswith(PREFIX) or len(post.media) > 1:
            raise ConnectorError(
                _("On WhatsApp Klankbord only answers a customer's message, with text."),
                permanent=True,
            )
        wa_id = post.reply_to.removeprefix(PREFIX).partition("/")[0]
        content = (
            self._with_file(post)
            if post.media
            else {"type": "text", "text": {"body": post.text, "preview_url": False}}
        )
        # https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
        # biz_opaque_callback_data comes back in the message's status webhooks: with our key in
        # it, a later look-up can tell an answer that went out from one that did not.
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": wa_id,
            **content,
            "biz_opaque_callback_data": post.idempotency_key,
        }
        answer = self._client().call(
            "POST", f"/{self.account.external_id}/messages", json=body, idempotent=False
        )
        try:
            wamid = str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise ConnectorError(_("WhatsApp accepted the message but gave no id.")) from error
        return PublishedPost(remote_id=message_id(wa_id, wamid), url="")

    def _with_file(self, post: OutgoingPost) -> dict[str, Any]:
        """Upload the answer's file, then send it by id with the text as its caption. An
        upload is repeated on a new attempt (an unused one is harmless); the send is not."""
        media = post.media[0]
        media_id = whatsapp_media.upload(self._client(), self.account.external_id, media)
        return whatsapp_media.message_part(media_id, media, post.text)

    def media_fetch(self, message: dict[str, Any], *, last_try: bool) -> Fetched | None:
        """The file of a customer's media message, or why it is not kept."""
        return whatsapp_media.fetch(self._client(), message, last_try=last_try)

    def templates(self) -> list[Template]:
        """The business's approved message templates, by name and language."""
        waba_id = str(self.account.settings.get("waba_id") or "")
        if not waba_id:
            raise ConnectorError(
                _("This WhatsApp number has no business account ID. Connect it again."),
                permanent=True,
            )
        # https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/message_templates/
        listed = self._client().items(
            f"/{waba_id}/message_templates",
            {"fields": TEMPLATE_FIELDS, "limit": "100"},
            pages=TEMPLATE_PAGES,
        )
        # Pending, rejected, paused or disabled templates cannot be sent.
        found = (template_of(item) for item in listed if item.get("status") == "APPROVED")
        return sorted((t for t in found if t is not None), key=lambda t: (t.name, t.language))

    def template_send(self, post: OutgoingPost) -> PublishedPost:
        """A message template to the customer of the conversation, also outside the window."""
        if not post.reply_to.startswith(PREFIX):
            raise ConnectorError(
                _("On WhatsApp Klankbord only answers a customer's message."), permanent=True
            )
        wa_id = post.reply_to.removeprefix(PREFIX).partition("/")[0]
        # https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
        body = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": wa_id,
            "type": "template",
            "template": template_payload(post.options["template"]),
            "biz_opaque_callback_data": post.idempotency_key,
        }
        answer = self._client().call(
            "POST", f"/{self.account.external_id}/messages", json=body, idempotent=False
        )
        try:
            wamid = str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError) as error:
            raise ConnectorError(_("WhatsApp accepted the message but gave no id.")) from error
        return PublishedPost(remote_id=message_id(wa_id, wamid), url="")

    def find_published(self, post: OutgoingPost) -> PublishedPost | None:
        # The Cloud API cannot list sent messages; only status webhooks tell of them. Until
        # one arrives, an unclear answer stays unconfirmed: never sent a second time blindly.
        raise ConnectorError(
            _(
                "WhatsApp cannot be asked whether an answer arrived; WhatsApp's delivery status "
                "settles it as soon as it comes. Until then, check the conversation in WhatsApp "
                "before answering again."
            )
        )

    def mentions(self, cursor: str = "") -> MentionPage:
        # The Cloud API has no endpoint to read received messages: they come by webhook only.
        return MentionPage(mentions=[], cursor=cursor)

    @classmethod
    def conversation_of(cls, remote_id: str) -> str:
        """One conversation per customer: "whatsapp/{wa_id}/"."""
        if not remote_id.startswith(PREFIX):
            return remote_id
        wa_id = remote_id.removeprefix(PREFIX).partition("/")[0]
        return f"{PREFIX}{wa_id}/"


PREFIX = "whatsapp/"


def message_id(wa_id: str, wamid: str) -> str:
    return f"{PREFIX}{wa_id}/{wamid}"


def _placeholders() -> dict[str, str]:
    # Until its file is fetched (or when none comes), the inbox says what came.
    return {
        "image": _("[Image received on WhatsApp; open WhatsApp to see it]"),
        "video": _("[Video received on WhatsApp; open WhatsApp to see it]"),
        "audio": _("[Voice message received on WhatsApp; open WhatsApp to hear it]"),
        "document": _("[Document received on WhatsApp; open WhatsApp to see it]"),
        "sticker": _("[Sticker received on WhatsApp]"),
        "location": _("[Location shared on WhatsApp]"),
        "contacts": _("[Contact card shared on WhatsApp]"),
    }


def message_text(message: dict[str, Any]) -> str:
    """What the inbox shows of a customer message: its words, or what kind of message it is."""
    # https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#messages-object
    kind = str(message.get("type") or "")
    if kind == "text":
        return str((message.get("text") or {}).get("body") or "")
    part = message.get(kind) if kind else None
    caption = str(part.get("caption") or "") if isinstance(part, dict) else ""
    if kind == "location":
        caption = whatsapp_media.location_text(message.get("location") or {})
    elif kind == "contacts":
        caption = whatsapp_media.contacts_text(message.get("contacts") or [])
    elif kind in ("unsupported", "unknown"):
        return whatsapp_media.unsupported_text(message)
    placeholder = _placeholders().get(kind) or _(
        "[A WhatsApp message of type “%(type)s” that Klankbord cannot show yet]"
    ) % {"type": kind or "?"}
    return f"{placeholder} {caption}".strip()


def message_mention(value: dict[str, Any], phone_number_id: str) -> Mention | None:
    """The inbox item of one stored webhook message ({"message", "contacts"})."""
    message = value.get("message") or {}
    wa_id = str(message.get("from") or "")
    wamid = str(message.get("id") or "")
    if not wa_id or not wamid or wa_id == phone_number_id:
        return None
    names = {
        str(contact.get("wa_id") or ""): str((contact.get("profile") or {}).get("name") or "")
        for contact in value.get("contacts") or []
        if isinstance(contact, dict)
    }
    name = names.get(wa_id) or f"+{wa_id}"
    return Mention(
        remote_id=message_id(wa_id, wamid),
        url="",
        author_handle=f"+{wa_id}",
        author_name=name,
        text=message_text(message),
        created_at=_from_unix(message.get("timestamp")),
        kind="message",
        raw={"type": str(message.get("type") or ""), "wa_id": wa_id},
    )


def _from_unix(value: Any) -> datetime | None:
    """WhatsApp's timestamps are Unix seconds as a string."""
    try:
        return datetime.fromtimestamp(int(str(value)), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# Message statuses, pushed by webhook for each message we sent; Meta may deliver them late, twice
# or out of order (docs/whatsapp/cloud-api/webhooks/components#statuses-object).
RECEIPT_STATUSES = ("sent", "delivered", "read", "failed")
# Failure codes of a status webhook that a business can act on (support/error-codes).
UNDELIVERABLE = 131026
UNSUPPORTED_TYPE = 131051
MEDIA_UPLOAD = 131053


@dataclass(frozen=True)
class Receipt:
    """One status of a message we sent."""

    wamid: str
    wa_id: str  # the customer it went to (recipient_id)
    status: str  # sent | delivered | read | failed
    at: datetime | None
    key: str  # biz_opaque_callback_data: the idempotency key of our reply, as sent
    error_code: int = 0
    error_detail: str = ""


def receipt_of(status: dict[str, Any]) -> Receipt | None:
    """A stored status object read, or None when it is not one we know."""
    wamid = str(status.get("id") or "")
    if not wamid or status.get("status") not in RECEIPT_STATUSES:
        return None
    errors = [e for e in status.get("errors") or [] if isinstance(e, dict)]
    first = errors[0] if errors else {}
    try:
        code = int(first.get("code") or 0)
    except (TypeError, ValueError):
        code = 0
    detail = (first.get("error_data") or {}).get("details") or first.get("message") or ""
    return Receipt(
        wamid=wamid,
        wa_id=str(status.get("recipient_id") or ""),
        status=str(status["status"]),
        at=_from_unix(status.get("timestamp")),
        key=str(status.get("biz_opaque_callback_data") or ""),
        error_code=code,
        error_detail=str(first.get("title") or detail),
    )


def failure_reason(receipt: Receipt) -> str:
    """Why WhatsApp could not deliver a message, in the active language."""
    known = {
        REENGAGEMENT: _(
            "WhatsApp did not deliver the answer: more than 24 hours passed since the customer's "
            "last message, so only an approved message template can be sent."
        ),
        UNDELIVERABLE: _(
            "WhatsApp could not deliver the answer: the number may not be on WhatsApp, may not "
            "have accepted WhatsApp's latest terms, or uses a very old version of the app."
        ),
        UNSUPPORTED_TYPE: _("WhatsApp does not support this kind of message, so it was not sent."),
        MEDIA_UPLOAD: _(
            "WhatsApp could not fetch or upload the attached file, so the answer was not sent. "
            "Try again with another file."
        ),
    }
    if receipt.error_code in known:
        return known[receipt.error_code]
    # Template errors may come late, in the status webhook, instead of in the answer to the send.
    if explained := template_error(receipt.error_code or 0):
        return explained
    return _("WhatsApp could not deliver the answer (error %(code)s: %(detail)s).") % {
        "code": receipt.error_code or "?",
        "detail": receipt.error_detail or _("no details given"),
    }
