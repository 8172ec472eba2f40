"""Every response carries the Content-Security-Policy and the Permissions-Policy.

The browser test (test_csp_browser.py) proves the pages keep to the policy; this one that the
policy is sent, everywhere, and that the only exception is the one described here.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from klankbord.core.middleware import content_security_policy
from klankbord.orgs.tests.test_isolation import fill, objects, url_names
from klankbord.test import World

__all__ = ["objects"]  # the fixture, shared with the isolation test

TEMPLATES = Path(settings.BASE_DIR) / "klankbord" / "templates"

SITE = {key: " ".join(sources) for key, sources in settings.SECURE_CSP.items()}
EXCEPTIONS = {
    # Connecting Mastodon posts the channels page's form, then goes on to the instance.
    "channels": {**SITE, "form-action": "'self' https: http:"},
    # An uploaded image, opened on its own, may run nothing at all.
    "image": {"default-src": "'none'"},
    # So is the file of a message or an answer (a WhatsApp photo, voice note or document).
    "inbox_media": {"default-src": "'none'"},
    "inbox_reply_media": {"default-src": "'none'"},
}


def directives(header: str) -> dict[str, str]:
    return dict((part.strip() + " ").split(" ", 1) for part in header.split(";"))


def policy_of(name: str, status: int) -> dict[str, str]:
    return EXCEPTIONS.get(name, SITE) if status == 200 else SITE


def test_a_page_allows_only_its_own_scripts_styles_and_forms(alice_client: Client) -> None:
    response = alice_client.get("/o/bakkerij-alice/")
    assert response.status_code == 200
    policy = {
        key: value.strip() for key, value in directives(response["Content-Security-Policy"]).items()
    }
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert response["Permissions-Policy"] == (
        "accelerometer=(), browsing-topics=(), camera=(), geolocation=(), gyroscope=(),"
        " interest-cohort=(), magnetometer=(), microphone=(), payment=(), usb=()"
    )


@pytest.mark.parametrize("anonymous", [True, False])
def test_every_url_answers_with_both_headers(
    world: World, objects: dict[str, object], alice_client: Client, anonymous: bool
) -> None:
    client = Client() if anonymous else alice_client
    checked = 0
    for name in url_names():
        response = client.get(fill(name, world, objects))
        assert response["Permissions-Policy"], name
        if response["Content-Type"].startswith("application/pdf"):
            # Chrome's own PDF viewer breaks under a page's policy.
            assert "Content-Security-Policy" not in response, name
            continue
        sent = {k: v.strip() for k, v in directives(response["Content-Security-Policy"]).items()}
        assert sent == policy_of(name, response.status_code), (name, response.status_code)
        checked += 1
    assert checked >= 100


def test_the_login_page_a_missing_page_and_a_static_file_carry_them_too(client: Client) -> None:
    for path in ["/login/", "/does-not-exist/", "/static/klankbord/klankbord.css"]:
        response = client.get(path)
        expected = content_security_policy(settings.SECURE_CSP)
        assert response["Content-Security-Policy"] == expected, path
        assert "camera=()" in response["Permissions-Policy"], path


def test_no_page_template_has_inline_script_style_or_handlers() -> None:
    # E-mail templates keep inline styles: mail programs need them.
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=|\shx-on|javascript:")
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0).strip()}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if "email" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert not found, found
