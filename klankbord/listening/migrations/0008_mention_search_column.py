"""PostgreSQL keeps each mention's search words in a stored column instead of an index on an
expression. Checking a row then reads its words instead of tokenising its text again, which is
what the newest-first walk of the monitor page does for a search of words that rarely meet; and
the column keeps finer statistics, so a rare word takes the GIN index.

The column is not a model field: PostgreSQL computes it, and only klankbord.listening.search
reads it. SQLite keeps its FTS5 table from 0005."""

from django.db import migrations

PG_COLUMN = "search_words"
PG_DOCUMENT = (
    "to_tsvector('simple'::regconfig, "
    "listening_unaccent(COALESCE(title, '') || ' ' || text))"
)
PG_OLD_INDEX = "listening_mention_search"
PG_INDEX = "listening_mention_search_words"
# Ten times the default: the planner then knows the frequency of many more words.
PG_STATISTICS = 1000


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE listening_mention ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector"
            f" GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        cursor.execute(
            f"ALTER TABLE listening_mention ALTER COLUMN {PG_COLUMN}"
            f" SET STATISTICS {PG_STATISTICS}"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON listening_mention USING gin ({PG_COLUMN})"
        )
        cursor.execute(f"DROP INDEX IF EXISTS {PG_OLD_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_OLD_INDEX} ON listening_mention"
            f" USING gin ({PG_DOCUMENT})"
        )
        cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        cursor.execute(f"ALTER TABLE listening_mention DROP COLUMN IF EXISTS {PG_COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("listening", "0007_mention_in_reply_to")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
