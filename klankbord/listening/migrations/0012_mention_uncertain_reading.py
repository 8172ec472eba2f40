"""How sure Klankbord is of a mention's reading: its confidence and whether it is uncertain.

Django would rebuild listening_mention on SQLite to add a NOT NULL column, which drops the
search triggers of 0005 and copies every row. SQLite can add a NOT NULL column with a constant
default in place, so on SQLite the columns are added with ALTER TABLE; elsewhere as usual.
"""

from django.db import migrations, models

COLUMNS = [
    ("reading_confidence", "real NOT NULL DEFAULT 1.0"),
    ("uncertain", "bool NOT NULL DEFAULT 0"),
]
FIELDS = [
    ("reading_confidence", models.FloatField(default=1.0)),
    ("uncertain", models.BooleanField(default=False)),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name, definition in COLUMNS:
            schema_editor.execute(f'ALTER TABLE listening_mention ADD COLUMN "{name}" {definition}')
        return
    mention = apps.get_model("listening", "Mention")
    for name, _field in FIELDS:
        schema_editor.add_field(mention, mention._meta.get_field(name))


def backwards(apps, schema_editor):
    mention = apps.get_model("listening", "Mention")
    for name, _field in FIELDS:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(f'ALTER TABLE listening_mention DROP COLUMN "{name}"')
        else:
            schema_editor.remove_field(mention, mention._meta.get_field(name))


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0011_mention_media"),
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(model_name="mention", name=name, field=field)
                for name, field in FIELDS
            ],
        ),
        # After the state: the columns' definitions come from the model as it is now.
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.AddIndex(
            model_name="mention",
            index=models.Index(
                fields=["organisation", "uncertain", "reading_confidence"],
                name="listening_mention_to_check",
            ),
        ),
    ]
