import json
from functools import cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from klankbord.lib.crypto import SecretBox


@cache
def secret_box() -> SecretBox:
    return SecretBox(settings.KLANKBORD_ENCRYPTION_KEYS)


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
