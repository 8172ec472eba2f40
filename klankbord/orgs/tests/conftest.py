import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from klankbord.orgs.models import Role
from klankbord.test import World


@pytest.fixture
def visitor() -> Client:
    """Someone not logged in whose browser asks for English (the source strings)."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def as_member(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invitation_path(body: str) -> str:
    """The path of the accept link in an invitation e-mail."""
    found = re.search(r"https?://[^/\s]+(/uitnodiging/[^\s/]+/)", body)
    assert found, body
    return found.group(1)


@pytest.fixture
def invite(
    world: World, alice_client: Client, django_capture_on_commit_callbacks: Any
) -> Callable[..., str]:
    """Alice invites someone on the members page; returns the path of the e-mailed link."""

    def send(email: str = "nieuw@bakkerij.test", role: str = Role.EDITOR) -> str:
        sent_before = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(
                f"/o/{world.org.slug}/instellingen/leden/", {"email": email, "role": role}
            )
        assert response.status_code == 302, response.content
        assert len(mail.outbox) == sent_before + 1
        return invitation_path(mail.outbox[-1].body)

    return send
