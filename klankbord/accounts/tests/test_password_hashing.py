"""Passwords are stored as argon2 hashes (the conftest uses a fast hasher unless asked)."""

from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from klankbord.accounts.models import User
from klankbord.accounts.tests.helpers import log_in
from klankbord.test import PASSWORD, World


@pytest.fixture
def real_hashers(settings: Any) -> None:
    from klankbord import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_the_project_hashes_with_argon2_first() -> None:
    from klankbord import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_new_password_is_hashed_with_argon2(real_hashers: None, db: None) -> None:
    user = User.objects.create_user(email="hash@bakkerij.test", password="een lang wachtwoord")
    assert user.password.startswith("argon2")
    assert "een lang wachtwoord" not in user.password
    assert user.check_password("een lang wachtwoord")


def test_a_changed_password_is_hashed_with_argon2(
    real_hashers: None, world: World, alice_client: Client
) -> None:
    new = "speculoos met koffie 2026"
    alice_client.post(
        "/account/wachtwoord/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    world.alice.refresh_from_db()
    assert world.alice.password.startswith("argon2")
    assert world.alice.check_password(new)


def test_an_older_hash_is_upgraded_to_argon2_at_login(
    real_hashers: None, world: World, visitor: Client
) -> None:
    legacy = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.filter(pk=world.alice.pk).update(password=legacy)
    assert log_in(visitor, "alice@bakkerij.test", PASSWORD).status_code == 302
    world.alice.refresh_from_db()
    assert world.alice.password.startswith("argon2")
