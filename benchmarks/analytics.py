"""Measure at two years of history: page, report and download times on SQLite and PostgreSQL.

One organisation (a consultant's or a busy business's) with 20 channels and two years of what
Klankbord would have stored, bulk-inserted (not through the collectors), dates up to today:
- 50,000 published posts on a channel (posts on one to three channels each; 40 % with an image,
  a third with a link preview, 80 % with tracked links), each with its result row;
- followers per channel per day (the 18 channels that count) and Google Business Profile days
  (the two locations), every day of the two years;
- 100,000 messages, comments and mentions on the channels, each an inbox item (most answered,
  some leads) for the heat map, the response times and the KPIs;
- clicks on the tracked links, one row per link and day: 5,000,000 rows by default.

About the issue's "5 million metric snapshots": Klankbord keeps no history of a post's counts.
A post's result is one row (`PostResult`), overwritten at each of its few checks (an hour, a day,
a week, a month after publishing), so two years leave 50,000 result rows, not millions. The
metric tables that do grow by the day are the daily follower counts, the location days and the
clicks per link and day; only the last can reach millions, so it carries the issue's 5 million
(about 100 days with clicks per tracked link: more than a small business's links get, a ceiling
rather than a typical case).

Timed as the owner with Django's test client under production settings (DEBUG off), after a
warm-up: the Measure page for each period it offers, the dashboard (KPI card and sparklines),
the monthly PDF of the last complete month and of the month so far, and every Measure table as
CSV and XLSX over the longest period. Per line: p50 and p95 (ms), the queries of one request
and the slowest of them; --explain adds the plans of the two slowest queries. A slow line is
timed for at most --budget seconds (default 60) after its warm-up; its name says how many
requests it got then. The cpu column is this process's CPU time (the median): on a machine busy
with other work it shows what a request costs where the wall-clock times cannot.

Run: .venv/bin/python benchmarks/analytics.py             (both databases, the issue's figures)
     .venv/bin/python benchmarks/analytics.py --scale 0.1 --database sqlite   (quick)
SQLite: the filled database is kept under var/bench/ and reused by later runs on the same day
with the same figures (--fresh builds it again). PostgreSQL: a scratch database
klankbord_bench_analytics on --postgres (default postgres://postgres@127.0.0.1:5432/postgres) is
made and filled, and dropped at the end unless --keep (a kept one is reused the same way).
The Measure page and the dashboard are timed twice: "counted", with the figures counted
during the request (the first look at a period in a day, after a setting changed, or "Count
again now"), and "kept", shown from the figures kept from an earlier count, as the background
keeps them for what people look at (analytics/figures.py). The "counted" time is also what the
background spends on one count.

Targets: Measure page p95 < 300 ms as people get it (kept figures), monthly PDF < 5 s (issue
23); the dashboard and the downloads are held to the page's 300 ms. The "counted" lines have no
target: they are printed so that the cost of counting stays in sight. Exits 1 when a target is
missed.
"""

import argparse
import base64
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "var" / "bench"
SCRATCH = "klankbord_bench_analytics"
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
OWNER = "eigenaar@bureau-benchmark.be"
ORG_NAME = "Bureau Benchmark"
DAYS = 730  # two years
BATCH = 5000
WARM_UP = 3
BENCH_KEY = base64.urlsafe_b64encode(b"klankbord-benchmark-not-a-secret").decode()
PAGE_TARGET_MS = 300
COUNTED = "counted"  # the figures counted during the request
KEPT = "kept"  # the figures kept from an earlier count
PDF_TARGET_MS = 5000
# 18 channels that count results and followers, and two Google Business Profile locations.
CHANNELS = [(network, 3) for network in ("facebook", "instagram", "linkedin")] + [
    (network, 3) for network in ("mastodon", "bluesky", "threads")
]
LOCATIONS = 2
PILLARS = ["Achter de schermen", "Tips", "Aanbod", ""]
TEXTS = [
    "Vers uit de oven: onze zuurdesem van de week.",
    "Tip: bewaar je brood in een linnen zak, nooit in de koelkast.",
    "Zaterdag open van 7 tot 18 uur, ook op de markt in Leuven.",
    "Achter de schermen: het deeg rijst al sinds vier uur.",
    "Nieuw in het aanbod: taart met seizoensfruit uit de streek.",
    "Bedankt voor de mooie reviews deze maand!",
]
MESSAGES = [
    "Zijn jullie zondag open?",
    "Super lekker brood, dank je!",
    "Kan ik een taart bestellen voor vrijdag?",
    "Mijn bestelling was niet klaar, jammer.",
    "Hoeveel kost een verjaardagstaart?",
    "Top service, altijd vriendelijk.",
]


# --- settings and databases ---------------------------------------------------------------------


def configure(data_dir: Path, database_url: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "klankbord.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            # Fixed, so a kept database's channel credentials can be read again.
            "KLANKBORD_ENCRYPTION_KEYS": BENCH_KEY,
            "KLANKBORD_DATA_DIR": str(data_dir),
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)  # the SQLite file in the data dir
    import django

    django.setup()


# What fill() writes: raised when it writes more or other rows, so that a database filled by
# an earlier fill() is filled again rather than reused (2: the organisation's clicks per day).
FILL_VERSION = 2


def figures_key(options: argparse.Namespace) -> str:
    """Names a filled database: the day it was filled for, its figures and how it was filled."""
    today = datetime.now(UTC).date()
    return f"{today}-{options.posts}p-{options.clicks}c-{options.messages}m-f{FILL_VERSION}"


def scratch_url(server: str) -> str:
    return urlunsplit(urlsplit(server)._replace(path="/" + SCRATCH))


def scratch(server: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH}")
        if create:
            admin.execute(f"CREATE DATABASE {SCRATCH}")


def scratch_exists(server: str) -> bool:
    import psycopg

    with psycopg.connect(server, autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [SCRATCH])
        return found.fetchone() is not None


def filled_with(key: str) -> bool:
    """Whether the database already holds the figures `key` names (the organisation says)."""
    from django.db.utils import DatabaseError

    from klankbord.orgs.models import Organisation

    try:
        return Organisation.objects.filter(name=ORG_NAME, slug=f"bench-{key}"[:50]).exists()
    except DatabaseError:
        return False


# --- the organisation -----------------------------------------------------------------------------


def organisation(key: str) -> tuple[Any, Any, list[Any], list[Any]]:
    """The owner, the organisation (with a plan that measures every metric), its channels."""
    from klankbord.accounts.models import User
    from klankbord.analytics.metrics import METRICS
    from klankbord.channels.models import Channel
    from klankbord.orgs.services import organisation_create
    from klankbord.strategy.models import Plan
    from klankbord.strategy.tests.plans import bakery_plan

    owner = User.objects.create_user(email=OWNER, name="Els")
    org = organisation_create(name=ORG_NAME, owner=owner)
    org.slug = f"bench-{key}"[:50]
    org.save(update_fields=["slug"])
    steps = bakery_plan()
    steps["kpis"] = {
        "kpis": [
            {
                "goal": "awareness",
                "indicator": str(metric.label),
                "target": 100,
                "period": "month" if n % 2 else "quarter",
                "metric": name,
                "evaluate_on": "",
            }
            for n, (name, metric) in enumerate(METRICS.items())
        ]
    }
    Plan.objects.create(organisation=org, **steps)
    counting, locations = [], []
    for network, count in CHANNELS:
        for n in range(count):
            counting.append(
                Channel.objects.create(
                    organisation=org,
                    network=network,
                    external_id=f"bench-{network}-{n}",
                    handle=f"@bureau{n}@{network}.example",
                    display_name=f"Bureau {network} {n}",
                    base_url=f"https://{network}.example",
                )
            )
    for n in range(LOCATIONS):
        locations.append(
            Channel.objects.create(
                organisation=org,
                network="google",
                external_id=f"locations/bench-{n}",
                handle=f"Bureau vestiging {n}",
                display_name=f"Bureau vestiging {n}",
            )
        )
    return owner, org, counting, locations


def moments(rng: random.Random, count: int, now: datetime) -> list[datetime]:
    """`count` moments over the last two years, in daytime hours mostly, oldest first."""
    start = now - timedelta(days=DAYS)
    found = []
    for _n in range(count):
        day = start + timedelta(days=rng.uniform(0, DAYS))
        # Posts and messages come in the Belgian day (UTC 5-21), a few at night.
        hour = rng.uniform(5, 21) if rng.random() < 0.9 else rng.uniform(0, 24)
        found.append(min(day.replace(hour=0, minute=0, second=0) + timedelta(hours=hour), now))
    return sorted(found)


def batches(items: list[Any], size: int = BATCH) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def fill_posts(org: Any, channels: list[Any], count: int, now: datetime) -> list[Any]:
    """`count` published posts on a channel with their results, images and short links; the
    short links, oldest first."""
    from django.db import transaction

    from klankbord.lib.bulk import insert_all
    from klankbord.publishing.models import Post, PostImage, PostTarget, ShortLink

    rng = random.Random(23)
    links: list[Any] = []
    published = moments(rng, count, now)
    made = 0
    while made < count:
        with transaction.atomic():
            posts, targets, images = [], [], []
            for _n in range(min(BATCH // 2, count - made)):
                on = rng.sample(channels, k=min(count - made, rng.choice([1, 1, 2, 2, 3])))
                if not on:
                    break
                at = published[made]
                link = rng.random() < 0.33
                post = Post(
                    organisation=org,
                    text=rng.choice(TEXTS) + (" https://bakkerij.example/aanbod" if link else ""),
                    pillar=rng.choice(PILLARS),
                    link_preview={"url": "https://bakkerij.example/aanbod"} if link else {},
                    track_clicks=rng.random() < 0.8,
                    created_at=at - timedelta(days=1),
                    updated_at=at,
                )
                posts.append((post, on, at))
                made += len(on)
            insert_all([post for post, _on, _at in posts])
            for post, on, at in posts:
                for channel in on:
                    targets.append(
                        PostTarget(
                            post=post,
                            channel=channel,
                            text=post.text,
                            status=PostTarget.Status.PUBLISHED,
                            scheduled_at=at,
                            due_at=at,
                            remote_id=f"{channel.network}-{secrets.token_hex(6)}",
                            remote_url=f"https://{channel.network}.example/p/{rng.getrandbits(40)}",
                            published_at=at + timedelta(seconds=rng.randint(0, 20)),
                            updated_at=at,
                        )
                    )
                if rng.random() < 0.4:
                    images.append(
                        PostImage(
                            organisation=org,
                            post=post,
                            filename="brood.jpg",
                            content=b"\xff",
                            mime_type="image/jpeg",
                            width=1080,
                            height=1080,
                            size_bytes=1,
                            alt_text="Brood",
                            created_at=at,
                        )
                    )
            insert_all(targets)
            insert_all(images)
            insert_all([result(org, target, rng, now) for target in targets])
            shorts = [
                ShortLink(
                    organisation=org,
                    target=target,
                    code=f"b{target.pk:x}",
                    url="https://bakkerij.example/aanbod",
                    destination="https://bakkerij.example/aanbod?utm_source=bench&utm_medium=social",
                    created_at=target.published_at or now,
                )
                for target in targets
                if target.post.track_clicks
            ]
            insert_all(shorts)
            links.extend(shorts)
    return links


def result(org: Any, target: Any, rng: random.Random, now: datetime) -> Any:
    """The counts as the last check left them: checks stop a month after publishing."""
    from klankbord.analytics.models import PostResult

    likes, shares = int(rng.paretovariate(1.6) * 4), int(rng.paretovariate(2.0) * 0.6)
    replies, quotes = int(rng.paretovariate(1.8)), rng.choice([0, 0, 0, 1])
    saves = rng.randint(0, 8) if target.channel.network == "instagram" else None
    views = int(likes * rng.uniform(15, 60)) if target.channel.network != "mastodon" else None
    age = now - target.published_at
    done = age > timedelta(days=30)
    return PostResult(
        organisation=org,
        target=target,
        likes=likes,
        shares=shares,
        replies=replies,
        quotes=quotes,
        views=views,
        saves=saves,
        engagement=likes + shares + replies + quotes + (saves or 0),
        published_at=target.published_at,
        checked_at=target.published_at + min(age, timedelta(days=30)),
        checks=4 if done else 2,
        next_check_at=None if done else target.published_at + timedelta(days=30),
        gone=rng.random() < 0.005,
    )


def fill_clicks(links: list[Any], rows: int, today: date) -> int:
    """About `rows` click rows, one per link and day from the day it went out; the newest links
    have fewer days to fill, so the older ones take what they leave."""
    from django.db import connection, transaction

    from klankbord.publishing.models import ClickDay, LinkClick, ShortLink

    rng = random.Random(5)
    table = connection.ops.quote_name(LinkClick._meta.db_table)
    made = 0
    pending: list[tuple[int, date, int]] = []
    with transaction.atomic():
        for left, link in enumerate(reversed(links)):
            remaining_links = len(links) - left
            first = link.created_at.date()
            room = (today - first).days + 1
            quota = min(room, round((rows - made) / remaining_links))
            # Most days soon after publishing, the rest spread over the link's life.
            days = sorted(rng.sample(range(room), quota)) if quota < room else range(room)
            for offset in days:
                clicks = max(1, int(rng.paretovariate(1.5) * (3 if offset < 7 else 1)))
                pending.append((link.pk, first + timedelta(days=offset), clicks))
            made += quota
            if len(pending) >= 100_000:
                write_clicks(table, pending)
                pending = []
        write_clicks(table, pending)
        # The organisation's clicks per day, as tracking.click_record keeps them beside.
        day_table = connection.ops.quote_name(ClickDay._meta.db_table)
        short_links = connection.ops.quote_name(ShortLink._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {day_table} (organisation_id, day, count) "  # noqa: S608 -- model names
                f"SELECT link.organisation_id, click.day, SUM(click.count) "
                f"FROM {table} click INNER JOIN {short_links} link ON link.id = click.link_id "
                f"GROUP BY link.organisation_id, click.day"
            )
    return made


def write_clicks(table: str, rows: list[tuple[int, date, int]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} (link_id, day, count) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            # The table's name comes from the model, the values go as parameters.
            cursor.executemany(
                f"INSERT INTO {table} (link_id, day, count) VALUES (%s, %s, %s)",  # noqa: S608
                [(link, day.isoformat(), count) for link, day, count in rows],
            )


def fill_days(org: Any, counting: list[Any], locations: list[Any], today: date) -> int:
    """Followers per counting channel and a location day per location, every day."""
    from django.db import transaction

    from klankbord.analytics.models import AudienceCount, LocationDay
    from klankbord.lib.bulk import insert_all

    rng = random.Random(7)
    days = [today - timedelta(days=n) for n in range(DAYS, -1, -1)]
    counts, location_days = [], []
    for channel in counting:
        followers = rng.randint(200, 4000)
        for day in days:
            followers = max(0, followers + rng.choice([-2, -1, 0, 0, 1, 1, 2, 3, 5]))
            counted = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
            counts.append(
                AudienceCount(
                    organisation=org,
                    channel=channel,
                    day=day,
                    followers=followers,
                    counted_at=counted,
                )
            )
    for channel in locations:
        reviews = rng.randint(20, 200)
        for day in days:
            reviews += rng.random() < 0.1
            location_days.append(
                LocationDay(
                    organisation=org,
                    channel=channel,
                    day=day,
                    views_search=rng.randint(20, 300),
                    views_maps=rng.randint(10, 200),
                    calls=rng.randint(0, 8),
                    directions=rng.randint(0, 15),
                    website_clicks=rng.randint(0, 20),
                    rating=round(rng.uniform(4.1, 4.8), 1),
                    reviews=reviews,
                    updated_at=datetime.now(UTC),
                )
            )
    with transaction.atomic():
        for batch in batches(counts):
            insert_all(batch)
        for batch in batches(location_days):
            insert_all(batch)
    return len(counts) + len(location_days)


def fill_messages(org: Any, owner: Any, counting: list[Any], count: int, now: datetime) -> None:
    """Comments, messages and mentions on the channels, each an inbox item."""
    from django.db import transaction

    from klankbord.lib.bulk import insert_all
    from klankbord.listening import fingerprint
    from klankbord.listening.models import Mention, Source

    rng = random.Random(11)
    sources = {
        channel.pk: Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
        for channel in counting
    }
    arrivals = moments(rng, count, now)
    for start in range(0, count, BATCH):
        mentions = []
        for number in range(start, min(start + BATCH, count)):
            channel = rng.choice(counting)
            arrived = arrivals[number]
            simhash = rng.getrandbits(64)
            bands = fingerprint.bands(simhash)
            sentiment = rng.choices(["neutral", "positive", "negative"], [5, 3, 1])[0]
            mentions.append(
                Mention(
                    organisation=org,
                    source=sources[channel.pk],
                    network=channel.network,
                    remote_id=f"m{number}",
                    key=fingerprint.exact_key(channel.network, f"m{number}"),
                    url=f"https://{channel.network}.example/m/{number}",
                    author_handle="@klant",
                    author_name="Klant",
                    text=rng.choice(MESSAGES),
                    kind=rng.choice(["reply", "reply", "mention", "message"]),
                    published_at=arrived,
                    fetched_at=arrived + timedelta(minutes=2),
                    language="nl",
                    sentiment=sentiment,
                    sentiment_score={"positive": 0.8, "negative": -0.8}.get(sentiment, 0.0),
                    intents=[],
                    places=[],
                    reach=rng.choice([0, 3, 12, 40]),
                    priority=2,
                    simhash=fingerprint.to_signed(simhash),
                    band0=bands[0],
                    band1=bands[1],
                    band2=bands[2],
                    band3=bands[3],
                )
            )
        with transaction.atomic():
            insert_all(mentions)
            insert_all([item(org, owner, mention, rng, now) for mention in mentions])


def item(org: Any, owner: Any, mention: Any, rng: random.Random, now: datetime) -> Any:
    from klankbord.inbox.models import Item

    arrived = mention.published_at
    old = now - arrived > timedelta(days=3)
    answered = rng.random() < (0.85 if old else 0.4)
    seconds = int(rng.lognormvariate(8, 1.2))  # a median of about 50 working minutes
    status = "answered" if answered else ("closed" if old else "new")
    return Item(
        organisation=org,
        mention=mention,
        status=status,
        assignee=owner if answered else None,
        priority=2,
        arrived_at=arrived,
        due_at=arrived + timedelta(hours=2),
        first_response_at=arrived + timedelta(seconds=seconds) if answered else None,
        first_response_seconds=seconds if answered else None,
        is_lead=rng.random() < 0.03,
        labels=[],
        updated_at=now,
    )


def fill(options: argparse.Namespace, key: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    owner, org, counting, locations = organisation(key)
    links = fill_posts(org, counting, options.posts, now)
    posts_done = time.perf_counter()
    clicks = fill_clicks(links, options.clicks, now.date())
    clicks_done = time.perf_counter()
    days = fill_days(org, counting, locations, now.date())
    fill_messages(org, owner, counting, options.messages, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "sqlite":
        call_command("migrate", interactive=False, verbosity=0)  # a no-op, keeps WAL small
    print(
        f"filled in {time.perf_counter() - started:.0f} s: {options.posts} posts on a channel "
        f"({posts_done - started:.0f} s), {clicks} click rows on {len(links)} links "
        f"({clicks_done - posts_done:.0f} s), {days} daily follower and location rows, "
        f"{options.messages} messages"
    )


# --- timing ---------------------------------------------------------------------------------------


def timed(client: Any, url: str, runs: int, budget: float = 0) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU time of each request, in ms; at least two requests,
    then no more once `budget` seconds (0: no limit) are spent."""
    timings: list[float] = []
    cpu: list[float] = []
    until = time.perf_counter() + budget
    for n in range(runs):
        if budget and n >= 2 and time.perf_counter() > until:
            break
        started, used = time.perf_counter(), time.process_time()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - used) * 1000)
    return timings, cpu


def captured(client: Any, url: str) -> list[dict[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as found:
        client.get(url)
    return list(found.captured_queries)


def plan_of(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN ANALYZE {sql}")
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[3] for row in cursor.fetchall()]


def line(
    name: str,
    measured: tuple[list[float], list[float]],
    queries: list[dict[str, str]],
    target: float,
    explain: bool,
) -> bool:
    """Prints one line; whether it met its target."""
    timings, cpu = measured
    cuts = statistics.quantiles(timings, n=20) if len(timings) > 1 else timings * 19
    p50, p95 = statistics.median(timings), cuts[18]
    slowest = sorted(queries, key=lambda query: float(query["time"]), reverse=True)
    met = not target or p95 < target  # 0: no target, the figure is for information
    verdict = "ok" if target and met else "" if met else f"OVER {target:.0f}"
    print(
        f"  {name:30s} {p50:8.0f} {p95:8.0f} {statistics.median(cpu):8.0f}   {len(queries):4d} "
        f"{float(slowest[0]['time']) * 1000 if slowest else 0:8.0f}   "
        f"{verdict}"
    )
    if explain:
        for query in slowest[:2]:
            print(f"    {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
            for step in plan_of(query["sql"]):
                print(f"      {step}")
    return met


def measure(options: argparse.Namespace, key: str) -> bool:
    from django.db import connection
    from django.test import Client, override_settings

    from klankbord.accounts.models import User
    from klankbord.analytics.report import previous_month
    from klankbord.analytics.results import PERIOD_DAYS
    from klankbord.analytics.tables import TABLES
    from klankbord.orgs.models import Organisation
    from klankbord.orgs.selectors import local_today

    org = Organisation.objects.get(slug=f"bench-{key}"[:50])
    client = Client()
    client.force_login(User.objects.get(email=OWNER))
    base = f"/o/{org.slug}/"
    this_month = local_today(org).replace(day=1)
    pages: list[tuple[str, str, float, int]] = []
    for name, url in [
        *[(f"Measure, {days} days", f"{base}meten/?dagen={days}") for days in PERIOD_DAYS],
        ("dashboard (KPIs, sparklines)", base),
    ]:
        # Counted while the owner waits (the first look, or "Count again now"), and shown
        # from the figures kept for a few minutes (what the background keeps fresh).
        pages.append((f"{name}, {COUNTED}", url, 0, options.requests))
        pages.append((f"{name}, {KEPT}", url, PAGE_TARGET_MS, options.requests))
    for month in (previous_month(this_month), this_month):
        pages.append(
            (
                f"PDF {month:%Y-%m}",
                f"{base}meten/rapport/{month:%Y-%m}.pdf",
                PDF_TARGET_MS,
                options.reports,
            )
        )
    longest = max(PERIOD_DAYS)
    for table in TABLES:
        for fmt in ("csv", "xlsx"):
            pages.append(
                (
                    f"{table}.{fmt}, {longest} days",
                    f"{base}meten/tabel/{table}.{fmt}?dagen={longest}",
                    PAGE_TARGET_MS,
                    options.reports,
                )
            )
    print(
        f"{connection.vendor}: {options.requests} requests a page, {options.reports} a report or "
        f"download, after {WARM_UP}; in ms (cpu: this process's, the median)"
    )
    print(f"  {'':30s} {'p50':>8s} {'p95':>8s} {'cpu':>8s}   {'queries':>7s} {'slowest':>8s}")
    met = True
    for name, url, target, runs in pages:
        if options.only and not any(word in name for word in options.only.split("|")):
            continue
        with override_settings(FIGURES_MAX_AGE_SECONDS=0 if name.endswith(COUNTED) else 600):
            timed(client, url, WARM_UP, options.budget)
            measured = timed(client, url, runs, options.budget)
            if len(measured[0]) < runs:
                name = f"{name} ({len(measured[0])}x)"  # cut short by --budget
            met &= line(name, measured, captured(client, url), target, options.explain)
    return met


# --- one database per process ---------------------------------------------------------------------


def run_sqlite(options: argparse.Namespace) -> bool:
    key = figures_key(options)
    data_dir = CACHE / f"analytics-{key}"
    if options.fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob("analytics-*"):
        if old != data_dir and old.is_dir():
            shutil.rmtree(old)  # an older day's or other figures' database
    configure(data_dir, "")
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if filled_with(key):
        print(f"sqlite: reusing {data_dir / 'klankbord.sqlite3'}")
    else:
        fill(options, key)
    return measure(options, key)


def run_postgresql(options: argparse.Namespace) -> bool:
    key = figures_key(options)
    reuse = options.keep and not options.fresh and scratch_exists(options.postgres)
    if not reuse:
        scratch(options.postgres, create=True)
    data_dir = CACHE / "analytics-postgresql-static"
    data_dir.mkdir(parents=True, exist_ok=True)
    configure(data_dir, scratch_url(options.postgres))
    try:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if reuse and filled_with(key):
            print(f"postgresql: reusing {SCRATCH}")
        else:
            if reuse:  # kept with other figures: start again
                from django.db import connections

                connections.close_all()
                scratch(options.postgres, create=True)
                call_command("migrate", interactive=False, verbosity=0)
            fill(options, key)
        return measure(options, key)
    finally:
        from django.db import connections

        connections.close_all()
        if not options.keep:
            scratch(options.postgres, create=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["both", "sqlite", "postgresql"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="of posts, messages and clicks")
    parser.add_argument("--posts", type=int, default=50_000, help="published posts on a channel")
    parser.add_argument("--clicks", type=int, default=5_000_000, help="click rows (link, day)")
    parser.add_argument("--messages", type=int, default=100_000, help="inbox items")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--reports", type=int, default=5, help="timed builds per PDF/download")
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds per line at most (0: no limit)"
    )
    parser.add_argument("--only", default="", help="lines whose name has one of these, by |")
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    parser.add_argument("--fresh", action="store_true", help="fill again, even if kept")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--postgres", default=POSTGRES, help="a PostgreSQL server to use")
    options = parser.parse_args()
    if options.database == "both":
        codes = [
            subprocess.call([sys.executable, __file__, *sys.argv[1:], "--database", database])
            for database in ("sqlite", "postgresql")
        ]
        sys.exit(max(codes))
    for name in ("posts", "clicks", "messages"):
        setattr(options, name, max(1, round(getattr(options, name) * options.scale)))
    print(
        f"{options.database}: 20 channels, {DAYS} days, {options.posts} posts on a channel, "
        f"{options.clicks} click rows, {options.messages} messages"
    )
    run = run_sqlite if options.database == "sqlite" else run_postgresql
    met = run(options)
    print("targets met" if met else "a target was missed")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
