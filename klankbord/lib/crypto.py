"""Secrets at rest: Fernet with several keys, the first encrypts, all decrypt (rotation)."""

from collections.abc import Sequence
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "fernet:"


class SecretError(Exception):
    """A stored secret cannot be read with the configured keys."""


class SecretBox:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SecretError("no encryption keys configured (KLANKBORD_ENCRYPTION_KEYS)")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])
        except ValueError as error:
            raise SecretError(f"an encryption key is not a valid Fernet key: {error}") from error

    def encrypt(self, plaintext: str) -> str:
        return PREFIX + self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            raise SecretError("this value was not encrypted by Klankbord")
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken as error:
            raise SecretError("no configured key can decrypt this value") from error

    def rotate(self, stored: str) -> str:
        """Re-encrypt with the first (newest) key."""
        try:
            token = self._fernet.rotate(stored[len(PREFIX) :].encode())
        except InvalidToken as error:
            raise SecretError("no configured key can decrypt this value") from error
        return PREFIX + token.decode()


@cache
def secret_box() -> SecretBox:
    """The box for KLANKBORD_ENCRYPTION_KEYS; clear its cache after changing them."""
    from django.conf import settings

    return SecretBox(settings.KLANKBORD_ENCRYPTION_KEYS)
