"""Insert many new rows fast: bulk_create's INSERT … RETURNING with far less work per value.

Django's bulk_create sends every value of every row through its field chain and, on SQLite,
splits the rows into batches of 999 parameters; for a wide model such as a mention that is most
of the time an import spends storing. Here only the values that need converting for the database
(dates, JSON) are converted, and a batch is as large as the database allows.

Callers give every value, of the field's Python type (an aware datetime for a DateTimeField):
no signals, no auto_now, no field defaults computed at save time beyond
what the model's constructor already filled in.
"""

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model

# Values of these types go to the database driver as they are.
PASSED_AS_THEY_ARE = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "FloatField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}
POSTGRESQL_MAX_PARAMETERS = 65_535
MAX_ROWS = 2_000  # keeps one statement's text and memory small


def insert_all(objects: Sequence[Model]) -> None:
    """INSERT the unsaved objects (all of one model) and set each one's primary key."""
    if not objects:
        return
    meta = type(objects[0])._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    converters = [_converter(field) for field in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_statement = max(1, min(MAX_ROWS, _max_parameters() // len(fields)))
    with connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            chunk = objects[start : start + per_statement]
            values: list[Any] = []
            for obj in chunk:
                for field, convert in zip(fields, converters, strict=True):
                    value = getattr(obj, field.attname)
                    values.append(value if convert is None else convert(value))
            # Names come from the model's metadata, values go as parameters.
            statement = (
                f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(chunk))} RETURNING {quote(str(meta.pk.column))}"
            )
            cursor.execute(statement, values)
            for obj, (pk,) in zip(chunk, cursor.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias


def _converter(field: Field) -> Callable[[Any], Any] | None:
    kind = field.get_internal_type()
    if kind in PASSED_AS_THEY_ARE:
        return None
    # The database adapters directly: the field's own chain first re-checks the Python value.
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "JSONField":
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)  # type: ignore[attr-defined]
    return lambda value: field.get_db_prep_save(value, connection)


def _max_parameters() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return POSTGRESQL_MAX_PARAMETERS
