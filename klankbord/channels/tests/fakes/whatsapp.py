"""A fake WhatsApp Cloud API on loopback.

Shapes follow developers.facebook.com: graph-api/reference/whatsapp-business-phone-number
(`GET /{phone-number-id}?fields=display_phone_number,verified_name` → `{"display_phone_number",
"verified_name", "id"}`), and Graph's errors (docs/graph-api/guides/error-handling:
`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`): an unknown or
unreachable id is code 100 subcode 33 in a 400, a bad token code 190 in a 401.
"""

import json
import re
from dataclasses import dataclass

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

WABA_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_NUMBER = "+32 470 12 34 56"
VERIFIED_NAME = "Bakkerij Janssens"
TOKEN = "EAAJB-fake-system-user-token-0123456789"
APP_SECRET = "fake-whatsapp-app-secret-0123456"
_VERSION = r"/v\d+\.\d+"


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
