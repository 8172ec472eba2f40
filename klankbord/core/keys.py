"""Can this process read the secrets stored in the database with its KLANKBORD_ENCRYPTION_KEYS?"""

from django.apps import apps
from django.db import connection

from klankbord.channels.fields import EncryptedJSONField
from klankbord.lib.crypto import SecretError, secret_box


def encrypted_columns() -> list[tuple[str, str]]:
    """(table, column) of every encrypted value: EncryptedJSONFields and `*_encrypted` texts."""
    columns = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedJSONField) or field.name.endswith("_encrypted"):
                columns.append((model._meta.db_table, str(field.column)))
    return sorted(columns)


def stored_secret_sample() -> tuple[str, str] | None:
    """One stored encrypted value and where it is, or None when the database holds none."""
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in encrypted_columns():
            if table not in tables:
                continue  # not migrated yet
            cursor.execute(
                f"SELECT {quote(column)} FROM {quote(table)} "  # noqa: S608 -- names from models
                f"WHERE {quote(column)} <> '' ORDER BY 1 LIMIT 1"
            )
            row = cursor.fetchone()
            if row:
                return f"{table}.{column}", row[0]
    return None


def encryption_keys_problem() -> str | None:
    """Why the configured keys cannot read what is stored, or None when they can (or need not)."""
    sample = stored_secret_sample()
    if sample is None:
        return None
    where, stored = sample
    try:
        secret_box().decrypt(stored)
    except SecretError as error:
        return (
            f"KLANKBORD_ENCRYPTION_KEYS cannot read the secrets stored in this database "
            f"({where}: {error}). Use the same KLANKBORD_ENCRYPTION_KEYS as the other machines "
            "(or as the installation the data comes from); the newest key first, older ones after."
        )
    return None
