"""WhatsApp Business Platform, Cloud API (https://developers.facebook.com/docs/whatsapp/cloud-api).

The Cloud API is Graph: the same host, version, error bodies and throttling as Facebook, so the
Facebook client is reused with WhatsApp in its messages. A channel is one business phone number
(its phone number id), reached with a system-user access token of the WhatsApp Business Account.
Connecting checks the token against the number; messages come in later by webhook.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy

from klankbord.channels.networks import facebook
from klankbord.channels.networks.base import Connector, Profile

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
    # Answering and incoming messages come with the webhook and the inbox; connecting is first.
    capabilities = frozenset()
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
