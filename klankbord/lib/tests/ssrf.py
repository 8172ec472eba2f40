"""The SSRF list and the fakes it runs against: a listener that must hear nothing, a
public-looking server that redirects, and a resolver that answers without real DNS."""

import ipaddress
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from klankbord.lib import http

URL_LIST = Path(__file__).parent / "data" / "ssrf_urls.txt"
PLACEHOLDERS = {
    "{tab}": "\t",
    "{newline}": "\n",
    "{cr}": "\r",
    "{nul}": "\0",
    "{space}": " ",
    "{padding}": "a" * 100_000,
}
# The public-looking server lives here; the tests declare this one loopback address public.
REDIRECTOR_ADDRESS = "127.0.0.2"
REDIRECTOR_HOST = "redirect.example.test"
FAKE_DNS = {
    "localhost": ["127.0.0.1", "::1"],
    "localtest.me": ["127.0.0.1"],
    "internal.example.test": ["127.0.0.1"],
    "six.example.test": ["::1"],
    "metadata.google.internal": ["169.254.169.254"],
    "mixed.example.test": ["93.184.216.34", "10.1.2.3"],
    "public.example.test": ["93.184.216.34"],
    REDIRECTOR_HOST: [REDIRECTOR_ADDRESS],
}


def ssrf_urls(port: int) -> list[str]:
    urls = []
    for line in URL_LIST.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        url = line.replace("{port}", str(port))
        for placeholder, value in PLACEHOLDERS.items():
            url = url.replace(placeholder, value)
        urls.append(url)
    return urls


def fake_getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
    """Literal addresses as the system reads them; names from FAKE_DNS; nothing else."""
    text = host.decode() if isinstance(host, bytes) else str(host)
    name = text.lower().rstrip(".")
    if name in FAKE_DNS or name.endswith(".localhost"):
        answers = FAKE_DNS.get(name, ["127.0.0.1"])
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port),
            )
            for ip in answers
        ]
    try:
        return REAL_GETADDRINFO(host, port, 0, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


REAL_GETADDRINFO = socket.getaddrinfo


@dataclass
class Listener:
    """Sockets on 127.0.0.1 and [::1] at one port: any connection is a test failure."""

    port: int = 0
    heard: list[str] = field(default_factory=list)
    sockets: list[socket.socket] = field(default_factory=list)

    def start(self) -> None:
        for _try in range(20):
            try:
                self._bind()
                break
            except OSError:
                self.close()
        for sock in self.sockets:
            sock.listen(16)
            threading.Thread(target=self._accept, args=(sock,), daemon=True).start()

    def _bind(self) -> None:
        four = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sockets = [four]
        four.bind(("127.0.0.1", 0))
        self.port = four.getsockname()[1]
        six = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        self.sockets.append(six)
        six.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        six.bind(("::1", self.port))

    def _accept(self, sock: socket.socket) -> None:
        while True:
            try:
                connection, peer = sock.accept()
            except OSError:
                return
            self.heard.append(f"{sock.getsockname()[0]} from {peer[0]}")
            connection.close()

    def close(self) -> None:
        for sock in self.sockets:
            sock.close()


class Redirector(ThreadingHTTPServer):
    """A public-looking server: every request is answered with a redirect to `target`."""

    daemon_threads = True
    target = ""
    status = 302
    # Or, for the page paths, an HTML page that names `target` as its feed.
    page = False


class RedirectHandler(BaseHTTPRequestHandler):
    server: Redirector

    def _answer(self) -> None:
        # Written as raw bytes: a Location with odd characters must reach the client as is.
        target = self.server.target.encode("utf-8", "surrogateescape")
        if self.server.page:
            body = b'<html><head><link rel="alternate" type="application/rss+xml" href="'
            body += target.replace(b'"', b"&quot;") + b'"></head></html>'
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            self.wfile.write(b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
        else:
            self.wfile.write(b"HTTP/1.1 %d Moved\r\nLocation: " % self.server.status + target)
            self.wfile.write(b"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        self.close_connection = True

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Fakes:
    listener: Listener
    redirector: Redirector
    connections: list[str]

    @property
    def redirect_url(self) -> str:
        return f"http://{REDIRECTOR_HOST}:{self.redirector.server_port}/"

    def redirect_to(self, target: str, *, status: int = 302, page: bool = False) -> str:
        self.redirector.target, self.redirector.status, self.redirector.page = target, status, page
        return self.redirect_url

    def assert_nothing_was_reached(self) -> None:
        assert self.listener.heard == [], "the listener was reached"
        assert self.connections == [], "a connection left for an address inside the network"


def redirect_target_is_sendable(url: str) -> bool:
    # A header cannot hold these; a server could not send them as a Location.
    return not any(char in url for char in "\r\n\0") and len(url) < 8000


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Iterator[Fakes]:
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = False
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    redirector_ip = ipaddress.ip_address(REDIRECTOR_ADDRESS)
    real_is_public = http.is_public_address
    monkeypatch.setattr(
        http,
        "is_public_address",
        lambda address: address == redirector_ip or real_is_public(address),
    )
    connections: list[str] = []
    real_connect = http.PinnedBackend.connect_tcp

    def connect_tcp(
        backend: http.PinnedBackend, host: str, port: int, *args: Any, **kw: Any
    ) -> Any:
        pinned = backend.pins.get((host, port))
        if pinned is not None and pinned != REDIRECTOR_ADDRESS:
            connections.append(f"{host}:{port} → {pinned}")
        return real_connect(backend, host, port, *args, **kw)

    monkeypatch.setattr(http.PinnedBackend, "connect_tcp", connect_tcp)
    listener = Listener()
    listener.start()
    redirector = Redirector((REDIRECTOR_ADDRESS, 0), RedirectHandler)
    threading.Thread(target=redirector.serve_forever, daemon=True).start()
    try:
        yield Fakes(listener=listener, redirector=redirector, connections=connections)
    finally:
        redirector.shutdown()
        redirector.server_close()
        listener.close()
