"""Mentions stored before only http(s) addresses were kept lose any other address
(javascript:, data:, vbscript:, ...): it is neither shown nor sent on as a link."""

from django.db import migrations

from klankbord.lib.links import safe_url

CHUNK = 1000


def forget_unsafe_urls(apps, schema_editor):
    Mention = apps.get_model("listening", "Mention")
    stored = Mention.objects.exclude(url="").values_list("pk", "url").order_by("pk")
    unsafe = [pk for pk, url in stored.iterator(chunk_size=CHUNK) if not safe_url(url)]
    for start in range(0, len(unsafe), CHUNK):
        chunk = unsafe[start : start + CHUNK]
        Mention.objects.filter(pk__in=chunk).update(url="", canonical_url="")


class Migration(migrations.Migration):
    dependencies = [
        ("listening", "0008_mention_search_column"),
    ]

    operations = [
        migrations.RunPython(forget_unsafe_urls, migrations.RunPython.noop, elidable=True),
    ]
