import random
import socket
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug import Request, Response


class DroppedConnection(Response):
    """The connection closes with nothing sent, as when a server or proxy goes away mid-answer.

    The socket is shut, not only the answer abandoned: on a keep-alive (threaded) server the
    connection would otherwise stay open and the client wait for its timeout.
    """

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        connection = environ.get("werkzeug.socket")
        if connection is not None:
            connection.shutdown(socket.SHUT_RDWR)
        raise ConnectionResetError("dropped on purpose")


class Chaos:
    """Faults a fake injects on purpose: throttling, outages, and answers lost after accepting."""

    def __init__(self, rate: float, seed: int, is_create: Callable[[Request], bool]) -> None:
        self.rate = rate
        self.random = random.Random(seed)
        self.is_create = is_create

    def refuse(self) -> int | None:
        """A status to answer with instead of handling the request (429 or 503), or None."""
        return self.random.choice([429, 503]) if self.random.random() < self.rate else None

    def hang_after_accept(self, request: Request) -> bool:
        return self.is_create(request) and self.random.random() < self.rate


def chaos_response(
    chaos: Chaos | None, request: Request, json: Callable[..., Response]
) -> Response | None:
    if chaos is None:
        return None
    status = chaos.refuse()
    if status is not None:
        return json({"error": "Chaos", "message": "try again"}, status, {"Retry-After": "1"})
    return None
