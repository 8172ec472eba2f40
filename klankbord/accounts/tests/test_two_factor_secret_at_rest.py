"""A copy of the database must not be enough to generate someone's two-factor codes."""

import base64
import importlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.accounts.models import TwoFactorSecret
from klankbord.accounts.tests.helpers import code_for, log_in
from klankbord.lib.crypto import SecretBox, secret_box
from klankbord.test import PASSWORD, World

CODE = "/login/code/"


def secret_forms(device: TOTPDevice) -> list[str]:
    """Every way the secret could be written down: hex (both cases) and base32."""
    base32 = base64.b32encode(device.bin_key).decode()
    return [device.key.lower(), device.key.upper(), base32, base32.rstrip("=").lower()]


def every_stored_value() -> str:
    """All values in all tables, as one text to search."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            found.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(found)


def logs_in_with_a_code(device: TOTPDevice) -> bool:
    visitor = Client()
    assert log_in(visitor, "alice@bakkerij.test", PASSWORD)["Location"] == CODE
    return visitor.post(CODE, {"code": code_for(device)}).status_code == 302


def test_the_secret_is_in_no_row_after_enrolment(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    assert len(device.key) == 40
    stored = every_stored_value()
    assert all(form not in stored for form in secret_forms(device))
    assert TOTPDevice.objects.filter(pk=device.pk, key="").exists()
    encrypted = TwoFactorSecret.objects.get(device=device).key_encrypted
    assert secret_box().decrypt(encrypted) == device.key


def database_contents() -> bytes:
    """Everything the database holds, as a thief with a copy of it would have it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        database = Path(db["NAME"])
        files = [database, database.with_name(database.name + "-wal")]
        return b"".join(path.read_bytes() for path in files if path.exists())
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    host, port = db["HOST"] or "localhost", str(db["PORT"] or 5432)
    dump = ["pg_dump", "--data-only", "-h", host, "-p", port, "-U", db["USER"], db["NAME"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return subprocess.run(dump, capture_output=True, check=True, env=env).stdout


@pytest.mark.django_db(transaction=True)
def test_the_secret_is_not_in_the_database_file(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    content = database_contents()
    assert len(content) > 0
    assert device.bin_key not in content
    assert all(form.encode() not in content for form in secret_forms(device))


def test_logging_in_with_a_code_still_works(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    assert logs_in_with_a_code(TOTPDevice.objects.get(pk=device.pk))


def test_two_factor_keeps_working_across_a_key_rotation(
    world: World, alice_client: Client, turn_on_two_factor: Any, settings: Any, clock: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    old_key = settings.KLANKBORD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    try:
        settings.KLANKBORD_ENCRYPTION_KEYS = [new_key, old_key]
        secret_box.cache_clear()
        call_command("rotate-keys")
        # The old key is dropped: only the new one is left to read the secret.
        settings.KLANKBORD_ENCRYPTION_KEYS = [new_key]
        secret_box.cache_clear()
        stored = TwoFactorSecret.objects.get(device=device).key_encrypted
        assert SecretBox([new_key]).decrypt(stored) == device.key
        assert logs_in_with_a_code(TOTPDevice.objects.get(pk=device.pk))
    finally:
        settings.KLANKBORD_ENCRYPTION_KEYS = [old_key]
        secret_box.cache_clear()


def test_the_migration_encrypts_a_secret_stored_in_plain_text(
    world: World, alice_client: Client, turn_on_two_factor: Any
) -> None:
    device = turn_on_two_factor(alice_client)
    plain = device.key
    # As django-otp stored it before this release.
    TwoFactorSecret.objects.filter(device=device).delete()
    TOTPDevice.objects.filter(pk=device.pk).update(key=plain)
    assert plain in every_stored_value()

    migration = importlib.import_module(
        "klankbord.accounts.migrations.0004_encrypt_two_factor_secrets"
    )
    migration.encrypt_secrets(apps, None)

    assert plain not in every_stored_value()
    assert TOTPDevice.objects.get(pk=device.pk).key == plain
    assert logs_in_with_a_code(TOTPDevice.objects.get(pk=device.pk))


def test_a_device_made_elsewhere_is_encrypted_too(world: World) -> None:
    device = TOTPDevice.objects.create(user=world.bob, name="app", confirmed=True)
    assert len(device.key) == 40
    assert device.key not in every_stored_value()
    assert TOTPDevice.objects.get(pk=device.pk).key == device.key
