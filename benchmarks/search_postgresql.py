"""Full-text search on PostgreSQL: the monitor page's newest 50 matches among many mentions.

Prints p50 and p95 of the search query of the monitor page (newest 50 of one organisation's
mentions matching all words, klankbord.listening.search) for a rare word, a common word, and two
common words that rarely occur together. EXPLAIN=1 prints each query plan as well.

Needs a PostgreSQL server: DATABASE_URL points at it (e.g. postgres://postgres@127.0.0.1/test);
a scratch database klankbord_search_bench is made there, filled and dropped at the end.
Mentions are made in SQL from a small vocabulary: every fifth mentions "bakker", every fifth
"loodgieter", and only --together mention both.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python \
         benchmarks/search_postgresql.py --mentions 1000000
"""

import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCRATCH = "klankbord_search_bench"
SEARCHES = [
    ("rare word", "kerstmarkt"),
    ("common word", "bakker"),
    ("two common words, rarely together", "bakker loodgieter"),
]
FILLER = [
    "vandaag", "lekker", "brood", "goede", "service", "snel", "geleverd", "gent", "leuven",
    "vriendelijk", "prijs", "afspraak", "morgen", "zaterdag", "winkel", "dank", "super", "raad",
]  # fmt: skip
# One mention in this many names the rare word.
RARE_EVERY = 20_000


def configure(database: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "klankbord.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "KLANKBORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "DATABASE_URL": database,
        }
    )
    import django

    django.setup()


def scratch_url(server: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path="/" + SCRATCH))


def recreate_scratch(server: str, drop_only: bool = False) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        if not drop_only:
            admin.execute(f"CREATE DATABASE {SCRATCH}")


def fill(mentions: int, together: int) -> Any:
    from django.db import connection

    from klankbord.accounts.models import User
    from klankbord.orgs.services import organisation_create

    owner = User.objects.create_user(email="bench@example.invalid", password=None, name="Bench")
    org = organisation_create(name="Zoekbank", owner=owner, timezone_name="Europe/Brussels")
    words = "ARRAY[" + ", ".join(f"'{word}'" for word in FILLER) + "]"
    filler = " || ' ' || ".join(f"({words})[1 + (g * {k}) %% {len(FILLER)}]" for k in (7, 11, 13))
    topic = (
        f"CASE WHEN g %% {RARE_EVERY} = 0 THEN 'kerstmarkt ' ELSE '' END"
        f" || CASE WHEN g <= {together} THEN 'bakker loodgieter '"
        " WHEN g %% 5 = 0 THEN 'bakker ' WHEN g %% 5 = 1 THEN 'loodgieter ' ELSE '' END"
    )
    # The SQL is made of constants of this file; the values go as parameters.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO listening_mention (organisation_id, network, remote_id, key, url,"  # noqa: S608
            " canonical_url, author_handle, author_name, title, text, kind, published_at,"
            " fetched_at, language, sentiment, sentiment_score, intents, places, reach,"
            " priority, simhash, band0, band1, band2, band3)"
            f" SELECT %s, 'rss', g::text, 'k' || g, '', '', '', '', '', {topic} || {filler},"
            " 'mention', now() - g * interval '1 minute', now(), 'nl', 'neutral', 0, '[]',"
            " '[]', 0, 0, 0, 0, 0, 0, 0 FROM generate_series(1, %s) AS g",
            [org.pk, mentions],
        )
        cursor.execute("ANALYZE listening_mention")
    return org


def search_sql(org: Any, words: str) -> tuple[str, list[Any]]:
    from klankbord.listening.models import Mention
    from klankbord.listening.search import search_mentions

    found = search_mentions(Mention.objects.filter(organisation=org), words)
    sql, params = found.order_by("-published_at").values("id")[:50].query.sql_with_params()
    return sql, list(params)


def explain(sql: str, params: list[Any]) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def timed(sql: str, params: list[Any], runs: int) -> list[float]:
    from django.db import connection

    timings = []
    with connection.cursor() as cursor:
        for _ in range(runs + 3):  # three to warm the cache
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return timings[3:]


def report(label: str, build: Any, org: Any, runs: int) -> None:
    print(label)
    for name, words in SEARCHES:
        timings = timed(*build(org, words), runs)
        cuts = statistics.quantiles(timings, n=20)
        print(f"  {name + ' (' + words + ')':48s} p50 {cuts[9]:8.1f} ms   p95 {cuts[18]:8.1f} ms")
        if os.environ.get("EXPLAIN"):
            print(explain(*build(org, words)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=300_000)
    parser.add_argument("--together", type=int, default=5, help="mentions with both words")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per search")
    options = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL server.")
    recreate_scratch(server)
    try:
        configure(scratch_url(server))
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        org = fill(options.mentions, options.together)
        print(f"{options.mentions} mentions made in {time.perf_counter() - started:.1f} s")
        report("newest 50 matches:", search_sql, org, options.runs)
    finally:
        from django.db import connections

        connections.close_all()
        recreate_scratch(server, drop_only=True)


if __name__ == "__main__":
    main()
