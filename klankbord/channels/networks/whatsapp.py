"""WhatsApp Business Platform, Cloud API (https://developers.facebook.com/docs/whatsapp/cloud-api).

The Cloud API is Graph: the same host, version, error bodies and throttling as Facebook, so the
Facebook client is reused with WhatsApp in its messages. A channel is one business phone number
(its phone number id), reached with a system-user access token of the WhatsApp Business Account.
Connecting checks the token against the number; messages come in later by webhook.
"""

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from klankbord.channels.networks import facebook
from klankbord.channels.networks.base import (
    Capability,
    Connector,
    Mention,
    MentionPage,
    Profile,
)

FIELDS = "display_phone_number,verified_name"


def graph_url() -> str:
    return str(getattr(settings, "WHATSAPP_GRAPH_URL", facebook.GRAPH_URL)).rstrip("/")


def chat_url(display_phone_number: str) -> str:
    """The wa.me link of a number: digits only, with the country code, no plus or zeros."""
    # https://faq.whatsapp.com/5913398998672934 (click to chat)
    digits = "".join(ch for ch in display_phone_number if ch.isdigit())
    return f"https://wa.me/{digits}" if digits else ""


class Client(facebook.Client):
    """Facebook's Graph client with WhatsApp in its messages."""

    network = "WhatsApp"


class WhatsAppConnector(Connector):
    network = "whatsapp"
    label = gettext_lazy("WhatsApp Business")
    # Messages come in by webhook only (mentions() has nothing to poll); answering comes later.
    capabilities = frozenset({Capability.MENTIONS})
    # The owner types ids and a token into a form: the nearest of the connection kinds.
    connect_with = "password"

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
    # Media is not downloaded yet: the inbox says what came, so nobody misses it.
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
    caption = str((message.get(kind) or {}).get("caption") or "") if kind else ""
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
