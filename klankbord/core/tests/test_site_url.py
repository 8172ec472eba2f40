"""The address in e-mails and on the console is the one people can open."""

from typing import Any

import pytest
from django.core.checks import run_checks

from klankbord.core.management.commands.run import site_url_for


@pytest.mark.parametrize(
    ("bind", "url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("192.168.1.20:9000", "http://192.168.1.20:9000"),
        ("[::]:8000", "http://[::1]:8000"),
        ("[2001:db8::5]:8000", "http://[2001:db8::5]:8000"),
        ("bakkerij.lan:8000", "http://bakkerij.lan:8000"),
    ],
)
def test_the_address_follows_the_bind_option(bind: str, url: str) -> None:
    assert site_url_for(bind) == url


def test_a_unix_socket_leaves_the_address_to_site_url(settings: Any) -> None:
    settings.SITE_URL = "https://klankbord.example.be"
    assert site_url_for("unix:/run/klankbord.sock") == "https://klankbord.example.be"


def test_the_deploy_check_warns_when_site_url_is_unset(settings: Any) -> None:
    settings.SITE_URL_IS_SET = False
    found = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "klankbord.W001" in found
    settings.SITE_URL_IS_SET = True
    found = [message.id for message in run_checks(include_deployment_checks=True)]
    assert "klankbord.W001" not in found
