"""Full-text search over mentions' title and text.

SQLite: an external-content FTS5 table kept in sync by triggers (the rows live only in
listening_mention; the FTS table holds just the index). PostgreSQL: a GIN index on the same
expression that klankbord.listening.search queries with, so the planner can use it.

Written by hand and self-contained on purpose: it neither touches the models nor imports
application code, so it keeps working however the models change later.

Note for later migrations on SQLite: Django rebuilds a table (create a copy, copy the rows, drop
the old one, rename) for many schema changes, e.g. adding a NOT NULL field to Mention. Dropping
the old table drops these triggers with it. Such a migration must run `sqlite_forwards` of this
file again afterwards (it is idempotent and rebuilds the index); the search tests fail on SQLite
if it does not, because an edited mention is then no longer found under its new words.
"""

from django.db import migrations, transaction

FTS_TABLE = "listening_mention_fts"

SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        title, text,
        content='listening_mention', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2"
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ai AFTER INSERT ON listening_mention BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_ad AFTER DELETE ON listening_mention BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
    END""",
    # Only when title or text is written: bulk updates of sentiment, priority, ... cost nothing.
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_au AFTER UPDATE OF title, text
        ON listening_mention BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, text)
            VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO {FTS_TABLE}(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    # Index the rows that are already there (and repair the index if the triggers were lost).
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ai",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_ad",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_au",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]

# listening_unaccent() strips accents when the unaccent extension can be had, and is the
# identity otherwise; either way it is IMMUTABLE, so it can take part in an index expression.
# klankbord.listening.search builds exactly this expression; keep the two the same.
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    "listening_unaccent(COALESCE(title, '') || ' ' || text))"
)
PG_INDEX = "listening_mention_search"

# COST: with the planner's default, a rare word makes it walk the organisation's mentions newest
# first, computing the tsvector of every row while hoping to meet 50 matches soon (seconds at
# 300,000 mentions). Priced at what tokenising a document really costs, it takes the GIN index
# for rare words and still walks the newest mentions for common ones. The identity variant is
# PL/pgSQL because a plain SQL "SELECT $1" would be inlined and its cost lost.
PG_UNACCENT_FUNCTION = """
    CREATE OR REPLACE FUNCTION listening_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ SELECT {unaccent}.unaccent('{unaccent}.unaccent'::regdictionary, $1) $$
"""
PG_IDENTITY_FUNCTION = """
    CREATE OR REPLACE FUNCTION listening_unaccent(text) RETURNS text
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE COST 1000
    AS $$ BEGIN RETURN $1; END $$
"""


def _unaccent_schema(cursor):
    """The schema of the unaccent extension, installing it if allowed; None when unavailable."""
    cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
    row = cursor.fetchone()
    if row:
        return row[0]
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    if not cursor.fetchone():
        return None
    try:
        # A savepoint, so a refusal (no privilege) leaves the migration's transaction usable.
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except Exception:  # noqa: BLE001 - any refusal just means: search without unaccent
        return None
    cursor.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'unaccent'")
    row = cursor.fetchone()
    return row[0] if row else None


def postgresql_forwards(schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        schema = _unaccent_schema(cursor)
        if schema:
            # Schema-qualified: an index expression must not depend on the search_path.
            quoted = connection.ops.quote_name(schema.strip('"'))
            cursor.execute(PG_UNACCENT_FUNCTION.format(unaccent=quoted))
        else:
            cursor.execute(PG_IDENTITY_FUNCTION)
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON listening_mention USING gin ({PG_DOCUMENT})"
        )


def postgresql_backwards(schema_editor):
    # The unaccent extension stays: other code may use it, and it is harmless.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        cursor.execute("DROP FUNCTION IF EXISTS listening_unaccent(text)")


def sqlite_forwards(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in SQLITE_CREATE:
            cursor.execute(statement)


def sqlite_backwards(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for statement in SQLITE_DROP:
            cursor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sqlite_forwards(schema_editor)
    elif vendor == "postgresql":
        postgresql_forwards(schema_editor)
    # Other databases: klankbord.listening.search falls back to icontains.


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        sqlite_backwards(schema_editor)
    elif vendor == "postgresql":
        postgresql_backwards(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("listening", "0004_privacy_and_comments"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
