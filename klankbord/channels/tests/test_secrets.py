"""Secrets at rest: encrypted with their own keys, rotatable, never readable without a key."""

from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from klankbord.channels.fields import secret_box
from klankbord.channels.models import Channel
from klankbord.channels.selectors import oauth_app_of
from klankbord.channels.services import oauth_app_save
from klankbord.lib.crypto import SecretBox, SecretError
from klankbord.orgs.models import AuditEvent
from klankbord.test import World


def raw_secret(channel: Channel) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_channel WHERE id = %s", [channel.pk])
        return str(cursor.fetchone()[0])


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org,
        network="mastodon",
        external_id="1",
        handle="@bakkerij@example.social",
        secrets={"access_token": "very-secret-token-123"},
    )


def test_a_token_is_stored_encrypted(channel: Channel) -> None:
    stored = raw_secret(channel)
    assert "very-secret-token-123" not in stored
    assert Channel.objects.get(pk=channel.pk).secrets["access_token"] == "very-secret-token-123"


def test_rotate_keys_re_encrypts_with_the_new_key(channel: Channel, settings) -> None:  # type: ignore[no-untyped-def]
    old_key = settings.KLANKBORD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    before = raw_secret(channel)
    settings.KLANKBORD_ENCRYPTION_KEYS = [new_key, old_key]
    secret_box.cache_clear()
    try:
        call_command("rotate-keys")
        after = raw_secret(channel)
        assert after != before
        assert SecretBox([new_key]).decrypt(after) == '{"access_token": "very-secret-token-123"}'
        with pytest.raises(SecretError):
            SecretBox([old_key]).decrypt(after)
    finally:
        settings.KLANKBORD_ENCRYPTION_KEYS = [old_key]
        secret_box.cache_clear()


def test_a_wrong_key_cannot_read_a_secret() -> None:
    stored = SecretBox([Fernet.generate_key().decode()]).encrypt("token")
    with pytest.raises(SecretError):
        SecretBox([Fernet.generate_key().decode()]).decrypt(stored)


def test_an_invalid_key_is_reported_clearly() -> None:
    with pytest.raises(SecretError, match="not a valid Fernet key"):
        SecretBox(["too-short"])


def test_an_oauth_clients_secret_is_stored_encrypted_and_rotated(
    world: World, settings: Any
) -> None:
    app = oauth_app_save(
        organisation=world.org, network="linkedin", client_id="86abc",
        client_secret="li-secret-0123456789", by=world.alice,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT secrets FROM channels_oauthapp")
        (stored,) = cursor.fetchone()
    assert "li-secret-0123456789" not in stored
    assert oauth_app_of(world.org, "linkedin") == app
    assert oauth_app_of(world.org, "google") is None
    assert AuditEvent.objects.filter(action="oauth_app.create", target="linkedin:86abc").exists()
    old_key = settings.KLANKBORD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.KLANKBORD_ENCRYPTION_KEYS = [new_key, old_key]
    secret_box.cache_clear()
    try:
        call_command("rotate-keys")
        with connection.cursor() as cursor:
            cursor.execute("SELECT secrets FROM channels_oauthapp")
            (rotated,) = cursor.fetchone()
        assert "li-secret-0123456789" in SecretBox([new_key]).decrypt(rotated)
    finally:
        settings.KLANKBORD_ENCRYPTION_KEYS = [old_key]
        secret_box.cache_clear()
