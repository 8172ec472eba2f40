"""WhatsApp media: the file of a customer's message fetched from the Cloud API, and a file
uploaded for an answer (https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media).

A message carries a media id; `GET /{media-id}` gives a short-lived download address
(lookaside.fbsbx.com), which is read with the same token. A file that is too large, of a type we
do not keep, or that cannot be fetched is not kept, and the message says why.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from klankbord.channels.networks.base import ConnectorError, Media
from klankbord.lib import http

if TYPE_CHECKING:
    from klankbord.channels.networks.whatsapp import Client

MB = 1024 * 1024
# WhatsApp's own limits per kind (docs/whatsapp/cloud-api/reference/media#supported-media-types);
# the setting WHATSAPP_MEDIA_MAX_BYTES caps them all.
NETWORK_LIMITS = {
    "image": 5 * MB,
    "audio": 16 * MB,
    "video": 16 * MB,
    "document": 100 * MB,
    "sticker": 500 * 1024,
}
KINDS = tuple(NETWORK_LIMITS)
# The types we keep; a voice note is "audio/ogg; codecs=opus", kept as audio/ogg.
ALLOWED = {
    "image": frozenset({"image/jpeg", "image/png"}),
    "audio": frozenset({"audio/ogg", "audio/mpeg", "audio/mp4", "audio/aac", "audio/amr"}),
    "video": frozenset({"video/mp4", "video/3gpp"}),
    "document": frozenset(
        {
            "application/pdf",
            "text/plain",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-powerpoint",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "image/jpeg",
            "image/png",
        }
    ),
    "sticker": frozenset({"image/webp"}),
}
# An answer may carry one image or one PDF (checked by its first bytes, not its name).
OUTGOING_LIMITS = {"image": 5 * MB, "document": 100 * MB}
# A caption holds at most this many characters (docs/whatsapp/cloud-api/reference/messages).
CAPTION_LIMIT = 1024
# Where Meta keeps media: the token goes to no other host.
MEDIA_HOSTS = ("fbsbx.com", "facebook.com", "whatsapp.net", "fbcdn.net")


def limit(kind: str) -> int:
    return min(NETWORK_LIMITS.get(kind, 0), int(settings.WHATSAPP_MEDIA_MAX_BYTES))


def outgoing_limit(kind: str) -> int:
    return min(OUTGOING_LIMITS.get(kind, 0), int(settings.WHATSAPP_MEDIA_MAX_BYTES))


def base_type(mime_type: str) -> str:
    return mime_type.partition(";")[0].strip().lower()


def megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size // 1024} KB"


@dataclass(frozen=True)
class Fetched:
    """The file of one message, or why it is not kept."""

    kind: str
    mime_type: str = ""
    filename: str = ""
    caption: str = ""
    content: bytes = b""
    reason: str = ""  # "" when the file is kept

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def fetch(client: "Client", message: dict[str, Any], *, last_try: bool) -> Fetched | None:
    """The file of a media message (None for other types). A passing failure is raised while
    tries remain, so the message comes again; after that it is kept without its file."""
    kind = str(message.get("type") or "")
    if kind not in KINDS:
        return None
    part = message.get(kind) or {}
    found = Fetched(
        kind=kind,
        mime_type=base_type(str(part.get("mime_type") or "")),
        filename=filename_clean(str(part.get("filename") or "")),
        caption=str(part.get("caption") or ""),
    )
    try:
        return _download(client, found, str(part.get("id") or ""), str(part.get("sha256") or ""))
    except ConnectorError as error:
        if not error.permanent and not last_try:
            raise
        return _not_kept(found, _("WhatsApp did not give it (%(error)s).") % {"error": error})


def _download(client: "Client", found: Fetched, media_id: str, sha256: str) -> Fetched:
    if not media_id.isdigit():
        return _not_kept(found, _("the message has no file."))
    # https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#retrieve-media-url
    info: dict[str, Any] = client.call("GET", f"/{media_id}")
    mime_type = base_type(str(info.get("mime_type") or found.mime_type))
    found = Fetched(**{**found.__dict__, "mime_type": mime_type})
    if mime_type not in ALLOWED[found.kind]:
        return _not_kept(
            found, _("Klankbord does not keep files of type %(type)s.") % {"type": mime_type}
        )
    cap = limit(found.kind)
    if _int(info.get("file_size")) > cap:
        return _too_large(found, cap)
    url = str(info.get("url") or "")
    _check_media_host(client, url)
    # https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#download-media
    # The address needs the same token; a body larger than the cap is cut off, not read.
    policy = http.Policy(timeout=http.default_policy().timeout, total_timeout=120.0, max_bytes=cap)
    try:
        response = client.send("GET", url, idempotent=True, policy=policy)
    except ConnectorError as error:
        if isinstance(error.__cause__, http.ResponseTooLarge):
            return _too_large(found, cap)
        raise
    if response.status_code >= 300:
        client._result(response)  # Graph's error body, as our error
        raise ConnectorError(_("WhatsApp gave no file (HTTP %s).") % response.status_code)
    content = bytes(response.content)
    expected = sha256 or str(info.get("sha256") or "")
    if expected and not _same_hash(content, expected):
        return _not_kept(found, _("the file that came does not match its checksum."))
    return Fetched(**{**found.__dict__, "content": content})


def _check_media_host(client: "Client", url: str) -> None:
    """The download address must be Meta's (or, in tests, the fake Graph's own host)."""
    host = (urlsplit(url).hostname or "").lower()
    own = (urlsplit(client.base_url).hostname or "").lower()
    if host and (host == own or any(host == h or host.endswith("." + h) for h in MEDIA_HOSTS)):
        return
    raise ConnectorError(_("WhatsApp gave a download address we do not trust."), permanent=True)


def _same_hash(content: bytes, expected: str) -> bool:
    """WhatsApp gives the SHA-256 in hex or in base64."""
    digest = hashlib.sha256(content).digest()
    if expected.lower() == digest.hex():
        return True
    try:
        return base64.b64decode(expected, validate=True) == digest
    except (binascii.Error, ValueError):
        return False


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def filename_clean(name: str) -> str:
    """A document's name as shown and offered for download: no path, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:200]


def _not_kept(found: Fetched, why: str) -> Fetched:
    return Fetched(**{**found.__dict__, "content": b"", "reason": why})


def _too_large(found: Fetched, cap: int) -> Fetched:
    return _not_kept(
        found, _("it is larger than %(size)s, the most Klankbord keeps.") % {"size": megabytes(cap)}
    )


def upload(client: "Client", phone_number_id: str, media: Media) -> str:
    """The id WhatsApp gives an uploaded file. Sending it again only makes an unused copy."""
    # https://developers.facebook.com/docs/whatsapp/cloud-api/reference/media#upload-media
    body: dict[str, Any] = client.call(
        "POST",
        f"/{phone_number_id}/media",
        idempotent=True,
        data={"messaging_product": "whatsapp", "type": media.mime_type},
        files={"file": (media.filename, media.content, media.mime_type)},
    )
    media_id = str(body.get("id") or "")
    if not media_id:
        raise ConnectorError(_("WhatsApp took the file but gave no id."))
    return media_id


def outgoing_kind(mime_type: str) -> str:
    return "image" if base_type(mime_type).startswith("image/") else "document"


def message_part(media_id: str, media: Media, caption: str) -> dict[str, Any]:
    """The "image" or "document" object of a message that sends an uploaded file."""
    kind = outgoing_kind(media.mime_type)
    part: dict[str, Any] = {"id": media_id}
    if caption:
        part["caption"] = caption
    if kind == "document":
        part["filename"] = media.filename
    return {"type": kind, kind: part}


def location_text(location: dict[str, Any]) -> str:
    """A shared location as words and an OpenStreetMap link."""
    words = [str(location.get(key) or "").strip() for key in ("name", "address")]
    parts = [word for word in words if word]
    try:
        lat, lon = float(location["latitude"]), float(location["longitude"])
    except (KeyError, TypeError, ValueError):
        return " · ".join(parts)
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        parts.append(
            f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
            f"#map=17/{lat:.6f}/{lon:.6f}"
        )
    return " · ".join(parts)


def contacts_text(contacts: list[Any]) -> str:
    """Shared contact cards as one line each: name and phone numbers."""
    lines = []
    for contact in contacts:
        if not isinstance(contact, dict):
            continue
        name = str((contact.get("name") or {}).get("formatted_name") or "").strip()
        phones = [
            str(phone.get("phone") or phone.get("wa_id") or "").strip()
            for phone in contact.get("phones") or []
            if isinstance(phone, dict)
        ]
        words = [name, *[phone for phone in phones if phone]]
        if any(words):
            lines.append(" · ".join(word for word in words if word))
    return "\n".join(lines)


def unsupported_text(message: dict[str, Any]) -> str:
    """A message WhatsApp does not pass on to the Cloud API (a poll, a view-once photo), with
    the reason WhatsApp gives."""
    # https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples#unknown-messages
    errors = [e for e in message.get("errors") or [] if isinstance(e, dict)]
    first = errors[0] if errors else {}
    reason = str(
        (first.get("error_data") or {}).get("details")
        or first.get("message")
        or first.get("title")
        or _("no reason given")
    ).rstrip(".")
    return _(
        "[A WhatsApp message Klankbord cannot receive: %(reason)s. Open WhatsApp to see it]"
    ) % {"reason": reason}


def _labels() -> dict[str, str]:
    return {
        "image": _("[Image received on WhatsApp]"),
        "video": _("[Video received on WhatsApp]"),
        "audio": _("[Voice message received on WhatsApp]"),
        "document": _("[Document received on WhatsApp]"),
        "sticker": _("[Sticker received on WhatsApp]"),
    }


def fetched_text(fetched: Fetched) -> str:
    """What the inbox shows of a media message: what came, its name and caption, and, when its
    file is not kept, why."""
    words = [_labels()[fetched.kind]]
    if fetched.filename:
        words.append(fetched.filename)
    if fetched.reason:
        words.append(
            _("The file is not kept: %(reason)s Open WhatsApp to see it.")
            % {"reason": fetched.reason}
        )
    if fetched.caption:
        words.append(fetched.caption)
    return " ".join(words)
