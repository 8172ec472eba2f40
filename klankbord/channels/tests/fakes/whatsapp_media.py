"""The fake WhatsApp Cloud API with media: what a customer sends, and files sent with answers.

Shapes follow developers.facebook.com/docs/whatsapp/cloud-api/reference/media:
- `GET /{media-id}` (Bearer token) → `{"messaging_product": "whatsapp", "url", "mime_type",
  "sha256" (hex), "file_size", "id"}`; an unknown id is Graph's code 100 subcode 33 in a 400.
- The `url` (lookaside.fbsbx.com/whatsapp_business/attachments/?mid=…&ext=…&hash=…, here on the
  same loopback server) answers the file's bytes with its Content-Type, and only with the token
  (without it: 401 and Graph's code 190). `report_size` may say a file is smaller than it is, as
  a lying or changed file would; `failing_downloads` answers 500 that many times first.
- `POST /{phone-number-id}/media`, multipart with `file` (name, bytes, type), `type` (the MIME
  type) and `messaging_product=whatsapp` → `{"id"}`; an unsupported type or a file over
  WhatsApp's limit (image 5 MB, document 100 MB) is code 131053 "Media upload error".
- Sending an uploaded file (reference/messages#media-object): `"type": "image", "image": {"id",
  "caption"?}` or `"type": "document", "document": {"id", "caption"?, "filename"}`; a caption
  holds at most 1024 characters; an id that was never uploaded is code 131053 too. `sent`
  records each message; `uploads` each uploaded file; `drop_after_accept` as for text.

Webhook messages follow docs/whatsapp/cloud-api/webhooks/payload-examples, one builder per type:
image `{"caption"?, "mime_type", "sha256" (base64), "id"}`, audio (voice note) `{"mime_type":
"audio/ogg; codecs=opus", "sha256", "id", "voice": true}`, video, document `{"caption"?,
"filename", "mime_type", "sha256", "id"}`, sticker `{"mime_type": "image/webp", "sha256", "id",
"animated": false}`, location `{"latitude", "longitude", "name", "address"}`, contacts `[{"name":
{"formatted_name", "first_name", "last_name"}, "phones": [{"phone", "wa_id", "type"}]}]`, and
"unsupported" `{"errors": [{"code": 131051, "title": "Message type unknown", "message",
"error_data": {"details"}}]}`.
"""

import base64
import hashlib
import re
import time
from dataclasses import dataclass
from typing import Any

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from klankbord.channels.tests.fakes.chaos import DroppedConnection
from klankbord.channels.tests.fakes.whatsapp import (
    _VERSION,
    WINDOW_SECONDS,
    FakeWhatsApp,
)

MB = 1024 * 1024
UPLOAD_LIMITS = {
    "image/jpeg": 5 * MB,
    "image/png": 5 * MB,
    "application/pdf": 100 * MB,
    "text/plain": 100 * MB,
}
CAPTION_LIMIT = 1024
DOWNLOAD_PATH = "/whatsapp_business/attachments/"
# The smallest files that are what they say they are.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
OGG = b"OggS\x00\x02" + b"\x00" * 20 + b"OpusHead"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class StoredFile:
    content: bytes
    mime_type: str
    report_size: int | None = None  # what GET /{media-id} says, when not the truth


class FakeWhatsAppMedia(FakeWhatsApp):
    def __init__(self, server: HTTPServer) -> None:
        self.files: dict[str, StoredFile] = {}
        self.uploads: dict[str, StoredFile] = {}
        self.downloads = 0
        self.failing_downloads = 0  # this many downloads answer 500 first
        super().__init__(server)

    def add_file(self, content: bytes, mime_type: str, *, report_size: int | None = None) -> str:
        """A file a customer sent; returns its media id."""
        media_id = str(1_000_000_000_000_000 + len(self.files) + len(self.uploads))
        self.files[media_id] = StoredFile(content, mime_type, report_size)
        return media_id

    def handle(self, request: Request) -> Response:
        auth = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if request.path == DOWNLOAD_PATH:
            self.requests.append((request.method, request.path))
            if auth not in self.tokens:
                return self.error(401, 190, "Invalid OAuth access token")
            return self.download(request.args.get("mid", ""))
        info = re.fullmatch(_VERSION + r"/(\d+)", request.path)
        if request.method == "GET" and info and info.group(1) in self.files:
            self.requests.append((request.method, request.path))
            if auth not in self.tokens:
                return self.error(401, 190, "Invalid OAuth access token")
            return self.media_info(info.group(1))
        upload = re.fullmatch(_VERSION + r"/(\d+)/media", request.path)
        if request.method == "POST" and upload and auth in self.tokens:
            self.requests.append((request.method, request.path))
            return self.upload(upload.group(1), request)
        return super().handle(request)

    def media_info(self, media_id: str) -> Response:
        stored = self.files[media_id]
        size = len(stored.content) if stored.report_size is None else stored.report_size
        return self.json(
            {
                "messaging_product": "whatsapp",
                "url": self.server.url_for(
                    f"{DOWNLOAD_PATH}?mid={media_id}&ext=1700000000&hash=ATu1"
                ),
                "mime_type": stored.mime_type,
                "sha256": hashlib.sha256(stored.content).hexdigest(),
                "file_size": size,
                "id": media_id,
            }
        )

    def download(self, media_id: str) -> Response:
        stored = self.files.get(media_id)
        if stored is None:
            return Response("", status=404)
        if self.failing_downloads:
            self.failing_downloads -= 1
            return Response("", status=500)
        self.downloads += 1
        return Response(stored.content, content_type=stored.mime_type)

    def upload(self, number_id: str, request: Request) -> Response:
        if number_id not in self.numbers:
            return self.error(400, 100, f"Object with ID '{number_id}' does not exist", subcode=33)
        file = request.files.get("file")
        mime_type = request.form.get("type", "")
        if request.form.get("messaging_product") != "whatsapp" or file is None:
            return self.error(400, 100, "(#100) The parameter messaging_product is required.")
        content = file.read()
        if mime_type not in UPLOAD_LIMITS or len(content) > UPLOAD_LIMITS[mime_type]:
            return self.error(400, 131053, "(#131053) Media upload error")
        media_id = str(2_000_000_000_000_000 + len(self.uploads))
        self.uploads[media_id] = StoredFile(content, mime_type)
        return self.json({"id": media_id})

    def send_message(self, number_id: str, body: dict[str, Any]) -> Response:
        kind = body.get("type")
        if kind not in ("image", "document") or number_id not in self.numbers:
            return super().send_message(number_id, body)
        part = body.get(kind) or {}
        if body.get("messaging_product") != "whatsapp" or part.get("id") not in self.uploads:
            return self.error(400, 131053, "(#131053) Media upload error")
        if len(str(part.get("caption") or "")) > CAPTION_LIMIT:
            return self.error(400, 100, f"(#100) Param {kind}['caption'] is too long")
        wa_id = str(body.get("to") or "")
        last = self.last_customer_message.get(wa_id)
        if last is None or time.time() - last > WINDOW_SECONDS:
            return self.reengagement()
        wamid = f"wamid.HBgL{wa_id}{len(self.sent):06d}"
        self.sent.append({**body, "id": wamid, "to": wa_id})
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


def _hash(content: bytes) -> str:
    return base64.b64encode(hashlib.sha256(content).digest()).decode()


def image_message(wamid: str, media_id: str, content: bytes, caption: str = "") -> dict[str, Any]:
    image: dict[str, Any] = {"mime_type": "image/jpeg", "sha256": _hash(content), "id": media_id}
    if caption:
        image["caption"] = caption
    return {"id": wamid, "type": "image", "image": image}


def voice_message(wamid: str, media_id: str, content: bytes) -> dict[str, Any]:
    audio = {
        "mime_type": "audio/ogg; codecs=opus",
        "sha256": _hash(content),
        "id": media_id,
        "voice": True,
    }
    return {"id": wamid, "type": "audio", "audio": audio}


def video_message(wamid: str, media_id: str, content: bytes) -> dict[str, Any]:
    video = {"mime_type": "video/mp4", "sha256": _hash(content), "id": media_id}
    return {"id": wamid, "type": "video", "video": video}


def document_message(
    wamid: str, media_id: str, content: bytes, filename: str, caption: str = ""
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "filename": filename,
        "mime_type": "application/pdf",
        "sha256": _hash(content),
        "id": media_id,
    }
    if caption:
        document["caption"] = caption
    return {"id": wamid, "type": "document", "document": document}


def sticker_message(wamid: str, media_id: str, content: bytes) -> dict[str, Any]:
    sticker = {"mime_type": "image/webp", "sha256": _hash(content), "id": media_id}
    return {"id": wamid, "type": "sticker", "sticker": {**sticker, "animated": False}}


def location_message(wamid: str) -> dict[str, Any]:
    location = {
        "latitude": 51.0543,
        "longitude": 3.7174,
        "name": "Bakkerij Janssens",
        "address": "Veldstraat 1, 9000 Gent",
    }
    return {"id": wamid, "type": "location", "location": location}


def contacts_message(wamid: str) -> dict[str, Any]:
    contact = {
        "name": {"formatted_name": "Jan Peeters", "first_name": "Jan", "last_name": "Peeters"},
        "phones": [{"phone": "+32 470 11 22 33", "wa_id": "32470112233", "type": "CELL"}],
    }
    return {"id": wamid, "type": "contacts", "contacts": [contact]}


def unsupported_message(wamid: str) -> dict[str, Any]:
    error = {
        "code": 131051,
        "title": "Message type unknown",
        "message": "Message type unknown",
        "error_data": {"details": "Message type is currently not supported."},
    }
    return {"id": wamid, "type": "unsupported", "errors": [error]}
