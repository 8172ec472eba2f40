"""Whoever reads the logs cannot finish someone's OAuth login or use their tokens."""

import contextlib
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from klankbord.accounts.tests.settings_in import TEST_KEYS

CALLBACK = "/kanalen/mastodon/terug/?code=SECRETCODE123&state=SECRETSTATE456"


def test_gunicorns_access_log_hides_the_code_and_state(tmp_path: Path, unused_port: int) -> None:
    env = os.environ | {
        "KLANKBORD_DATA_DIR": str(tmp_path),
        "DEBUG": "false",
        "SECRET_KEY": "x" * 50,
        "KLANKBORD_ENCRYPTION_KEYS": TEST_KEYS,
    }
    log = (tmp_path / "gunicorn.log").open("w")
    argv = [sys.executable, "-m", "gunicorn", "klankbord.wsgi", "--workers", "1"]
    argv += ["--bind", f"127.0.0.1:{unused_port}", "--access-logfile", "-"]
    server = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", unused_port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)
        # Any answer will do: the request line is logged either way.
        with contextlib.suppress(urllib.error.HTTPError):
            urllib.request.urlopen(f"http://127.0.0.1:{unused_port}{CALLBACK}", timeout=30)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    written = (tmp_path / "gunicorn.log").read_text()
    assert "/kanalen/mastodon/terug/?code=[redacted]&state=[redacted]" in written
    assert "SECRETCODE123" not in written
    assert "SECRETSTATE456" not in written


def test_an_api_call_logged_by_httpx_hides_the_access_token(caplog: Any) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("httpx").info(
            'HTTP Request: %s %s "%s"',
            "GET",
            "https://graph.facebook.com/v19.0/me?fields=id&access_token=EAABsecret",
            "HTTP/1.1 200 OK",
        )
    assert "fields=id&access_token=[redacted]" in caplog.text
    assert "EAABsecret" not in caplog.text


def test_a_traceback_hides_the_secrets_in_its_message(caplog: Any) -> None:
    try:
        raise ValueError("Client error for url 'https://example.test/token?refresh_token=R3fr3sh'")
    except ValueError:
        logging.getLogger("klankbord.channels").exception("refresh failed")
    assert "refresh_token=[redacted]" in caplog.text
    assert "R3fr3sh" not in caplog.text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /cb?code=abc&state=xyz&page=2", "GET /cb?code=[redacted]&state=[redacted]&page=2"),
        ("/login/?next=/cb%3Fcode%3Dabc%26x%3D1", "/login/?next=/cb%3Fcode%3D[redacted]%26x%3D1"),
        ("a status code=404 stays", "a status code=404 stays"),
        ("?Token=a;KEY=b#top", "?Token=[redacted];KEY=[redacted]#top"),
    ],
)
def test_which_values_are_redacted(line: str, expected: str) -> None:
    from klankbord.lib.redact import redact_query_secrets

    assert redact_query_secrets(line) == expected
