import json
import secrets
from typing import TYPE_CHECKING, Any

from django.db import models

from klankbord.accounts.models import hash_token
from klankbord.lib.crypto import secret_box

# Longer than any token we hand out; anything longer is not looked up at all.
MAX_ADDRESS_TOKEN_LENGTH = 100


def address_token() -> tuple[str, dict[str, str]]:
    """A new token for a secret address, and the columns that keep it.

    Only the hash is looked up; the token itself is kept encrypted so the address can be shown
    again to the team.
    """
    token = secrets.token_urlsafe(32)
    return token, {"token_hash": hash_token(token), "token_encrypted": secret_box().encrypt(token)}


def address_token_hash(token: str) -> str | None:
    """The hash to look an address token up by; None for what cannot be one of ours."""
    if not token or len(token) > MAX_ADDRESS_TOKEN_LENGTH:
        return None
    return hash_token(token)


def address_token_of(token_encrypted: str) -> str:
    return secret_box().decrypt(token_encrypted)


if TYPE_CHECKING:
    _FieldBase = models.Field[Any, dict[str, Any]]
else:
    _FieldBase = models.Field


class EncryptedJSONField(_FieldBase):
    """A JSON object stored encrypted; only the ciphertext ever reaches the database."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> dict | None:
        if value is None or value == "":
            return {}
        return json.loads(secret_box().decrypt(value))

    def to_python(self, value: Any) -> dict:
        if isinstance(value, dict):
            return value
        if not value:
            return {}
        return json.loads(secret_box().decrypt(value))

    def get_prep_value(self, value: Any) -> str:
        return secret_box().encrypt(json.dumps(value or {}, sort_keys=True))
