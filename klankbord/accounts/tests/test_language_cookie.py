"""The language cookie follows the same rules as the session cookie."""

from pathlib import Path
from typing import Any

from django.test import Client

from klankbord.accounts.tests.settings_in import run_with_settings


def test_behind_https_the_language_cookie_is_secure(tmp_path: Path) -> None:
    code = "print(settings.LANGUAGE_COOKIE_SECURE, settings.SESSION_COOKIE_SECURE)"
    assert run_with_settings(code, tmp_path, setup=False, SECURE_HTTPS="true") == "True True\n"
    assert run_with_settings(code, tmp_path, setup=False, SECURE_HTTPS="false") == "False False\n"


def test_the_cookie_is_secure_http_only_and_same_site(
    db: None, client: Client, settings: Any
) -> None:
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post("/taal/", {"language": "fr-be", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie.value == "fr-be"
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 86400
