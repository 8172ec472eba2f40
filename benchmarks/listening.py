"""Listening at scale: import throughput on one core, and the monitor page over many mentions.

Prints, on a fresh SQLite database in a temporary data dir with production-like settings:
- ingest: a JSON Lines file of short Dutch/Flemish posts about small businesses (built from
  klankbord/language/data/posts/posts.jsonl with varied openings, closings and numbers, so they
  are not near-duplicates of each other) run through the import, i.e. the whole mention pipeline
  with the fast tier, pinned to one core: mentions per second end to end (read, pipeline, store),
  what the pipeline stored and dropped, and the peak memory (max RSS) of the process;
- list pages: the database filled up to --stored mentions with bulk-inserted synthetic rows
  (not through the pipeline), the nightly statistics refresh run, then the monitor page of the
  biggest of three monitors timed as the owner, plain, filtered on sentiment, filtered on intent
  and searched: p50 and p95.

Run: .venv/bin/python benchmarks/listening.py   (quick: --mentions 20000 --stored 50000)
A slow page is timed for at most --budget seconds (default 30) after its warm-up; the line
says so when that cut the 200 requests short. --requests 0 skips the list pages.
Add --profile to see where the ingest spends its time (cProfile; slows the ingest down).
Targets: ingest >= 2,000 mentions/s on one core, monitor page p95 < 200 ms.
"""

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTS = ROOT / "klankbord" / "language" / "data" / "posts" / "posts.jsonl"
ONE_CORE = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
BULK_BATCH = 5000
WARM_UP = 20
MONITORS = [
    ("Bakkers", "trade", "bakker* OR brood"),
    ("Loodgieters", "trade", '"goede loodgieter" OR loodgieter*'),
    ("Rond Gent", "trade", "lang:nl near:Gent~20km"),
]
SEARCH = "loodgieter"

# What people put around a post: with a number or a name in most, so two posts built on the
# same text still differ in several words (SimHash looks at words; see fingerprint.py).
PLACES = [
    "Gent", "Aalst", "Deinze", "Lokeren", "Eeklo", "Oudenaarde", "Wetteren", "Merelbeke",
    "Lochristi", "Zelzate", "Antwerpen", "Mechelen", "Leuven", "Brugge", "Kortrijk", "Hasselt",
    "Genk", "Roeselare", "Sint-Niklaas", "Dendermonde", "Utrecht", "Rotterdam", "Zwolle",
    "Breda", "Tilburg", "Eindhoven", "Nijmegen", "Haarlem",
]  # fmt: skip
OPENERS = [
    "Update:", "Eerlijk gezegd:", "Vandaag nog:", "Gisteren", "Deze week al", "Zaterdagochtend:",
    "Allez,", "Goh,", "Pff.", "Tip van de dag:", "Vraagje aan iedereen:", "Even delen:",
    "Voor wie het wil weten:", "Nieuws uit {place}:", "Hier in {place}:", "Vorige {day}:",
    "Op {day}:", "Na {n} jaar klant:", "Ik zeg het maar:", "Kort verslagje:", "Wie kent dit?",
    "Echt waar,", "Mijn buurvrouw zei al:", "Oké,", "Oei,",
]  # fmt: skip
CLOSERS = [
    "#{tag}", "#{tag} #{tag2}", "Groetjes uit {place}.", "(bestelling {n})", "Vandaag om {h}u{m}.",
    "{s} sterren van mij.", "Wie herkent dit?", "Meer hierover later.", "Ref {n}.", "Tot {day}!",
    "Met dank aan {name}.", "Groeten, {name} uit {place}", "Zo, da's gezegd.",
    "Ben benieuwd wat jullie ervan vinden.", "Dag {k} van de week.", "Nummer {n} op mijn lijstje.",
    "Rit {n} km vanuit {place}.", "Kassabon {n} ligt hier nog.", "Prijs: €{e},{c}",
    "{k} keer geprobeerd.", "Klant sinds {y}.",
]  # fmt: skip
DAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
NAMES = [
    "Els", "Joke", "Bart", "Pieter", "Sofie", "An", "Tom", "Wim", "Lien", "Kris", "Ruben",
    "Lotte", "Jan", "Mieke", "Dirk", "Fien", "Sanne", "Jeroen", "Noor", "Lars",
]  # fmt: skip
SURNAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "De Smet", "Claes", "Willems", "Goossens"]
TAGS = [
    "lokaal", "steunlokaal", "gent", "vlaanderen", "kmo", "ondernemen", "review", "buurt",
    "klantenservice", "shoplokaal", "ikkooplokaal", "zaterdag", "weekend", "tip", "ervaring",
]  # fmt: skip
NETWORKS = ["mastodon", "bluesky", "facebook", "instagram", "import"]


def pin_to_one_core() -> None:
    """One core, really: before numpy and the models are imported."""
    os.environ.update(ONE_CORE)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def configure(data_dir: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "klankbord.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "KLANKBORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "KLANKBORD_DATA_DIR": data_dir,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    os.environ.pop("DATABASE_URL", None)  # a fresh SQLite file in the data dir, always
    import django

    django.setup()
    from django.conf import settings

    settings.KLANKBORD_LISTENING_TIER = "fast"


# --- posts ---------------------------------------------------------------------------------


def base_posts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in POSTS.read_text(encoding="utf-8").splitlines()]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(
        place=rng.choice(PLACES),
        day=rng.choice(DAYS),
        n=rng.randint(2, 99999),
        h=rng.randint(7, 22),
        m=f"{rng.randint(0, 59):02d}",
        s=rng.randint(1, 5),
        name=rng.choice(NAMES),
        tag=rng.choice(TAGS),
        tag2=rng.choice(TAGS),
        k=rng.randint(2, 9),
        e=rng.randint(3, 250),
        c=f"{rng.randint(0, 99):02d}",
        y=rng.randint(1995, 2025),
    )


def post(posts: list[dict[str, Any]], rng: random.Random) -> tuple[int, str]:
    """(index of the base post, text): the base with an opening and one or two closings."""
    base = rng.randrange(len(posts))
    parts = [_fill(rng.choice(OPENERS), rng), posts[base]["text"], _fill(rng.choice(CLOSERS), rng)]
    if rng.random() < 0.6:
        parts.append(_fill(rng.choice(CLOSERS), rng))
    return base, " ".join(parts)


def author(rng: random.Random) -> tuple[str, str]:
    number = rng.randrange(20000)  # a few posters come back often enough, like real ones
    name = f"{NAMES[number % len(NAMES)]} {SURNAMES[number % len(SURNAMES)]}"
    return f"@user{number}", name


def records(count: int, posts: list[dict[str, Any]], seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    for number in range(count):
        _base, text = post(posts, rng)
        handle, name = author(rng)
        network = rng.choice(NETWORKS)
        record = {
            "id": f"bench-{seed}-{number}",
            "network": network,
            "text": text,
            "author": handle,
            "author_name": name,
            "date": (now - timedelta(seconds=rng.randrange(60 * 86400))).isoformat(),
        }
        if rng.random() < 0.3:
            record["url"] = f"https://www.{network}.example/{handle[1:]}/posts/{number}"
        yield record


def write_file(path: Path, count: int, posts: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records(count, posts, seed=1):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


# --- ingest --------------------------------------------------------------------------------


def prepare() -> tuple[Any, Any, list[Any]]:
    from django.core.management import call_command

    from klankbord.accounts.models import User
    from klankbord.listening.models import Monitor
    from klankbord.orgs.services import organisation_create

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    owner = User.objects.create_user(email=f"bench-{secrets.token_hex(4)}@example.be")
    org = organisation_create(name=f"Bakkerij Benchmark {secrets.token_hex(3)}", owner=owner)
    monitors = [
        Monitor.objects.create(
            organisation=org, name=name, kind=kind, query=query, created_by=owner
        )
        for name, kind, query in MONITORS
    ]
    return owner, org, monitors


def warm_up(posts: list[dict[str, Any]]) -> None:
    """Load what a worker loads once: the fast models, the language detector, the gazetteer."""
    from klankbord.language.detect import detect_language
    from klankbord.language.places import find_places
    from klankbord.language.understand import understand

    texts = [p["text"] for p in posts[:256]]
    understand(texts, tier="fast")
    for text in texts:
        detect_language(text)
        find_places(text)


def time_steps() -> dict[str, float]:
    """Wrap each pipeline step so the seconds it takes add up per step name."""
    from klankbord.listening import pipeline

    spent: dict[str, float] = {}

    def timed(name: str, step: Any) -> Any:
        def run(batch: Any) -> None:
            started = time.perf_counter()
            step(batch)
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return run

    pipeline.STEPS[:] = [(name, timed(name, step)) for name, step in pipeline.STEPS]
    return spent


def ingest(org: Any, path: Path, profile: bool) -> tuple[Any, float]:
    from klankbord.listening.imports import import_file

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    with path.open("rb") as stream:
        result = import_file(org, stream, path.name)
    elapsed = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        print("\nwhere the ingest spends its time (cProfile, own time, top 25):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        print("by cumulative time, top 40:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
    return result, elapsed


def peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- list pages ----------------------------------------------------------------------------


def labels(posts: list[dict[str, Any]], monitors: list[Any]) -> list[dict[str, Any]]:
    """Per base post what the pipeline would have found: places, and which monitors match.

    Sentiment, intents and language come from the post's own labels. The openings and closings
    are left out here, so a bulk row's places and monitors are those of its base post.
    """
    from klankbord.language.detect import detect_language
    from klankbord.language.places import find_places
    from klankbord.listening.query import MentionText, parse

    queries = [(monitor, parse(monitor.query)) for monitor in monitors]
    found = []
    for p in posts:
        places = find_places(p["text"])
        prepared = MentionText.of(
            p["text"],
            language=detect_language(p["text"]),
            places=[(place.lat, place.lon) for place in places],
        )
        found.append(
            {
                "language": p["language"],
                "sentiment": p["sentiment"],
                "intents": p["intents"],
                "places": [
                    {"name": pl.official, "lat": pl.lat, "lon": pl.lon, "near": pl.near}
                    for pl in places
                ],
                "monitors": [m.pk for m, query in queries if query.matches(prepared)],
            }
        )
    return found


def fill(org: Any, known: list[dict[str, Any]], posts: list[dict[str, Any]], stored: int) -> float:
    """Bulk-insert synthetic mentions until the organisation has `stored`; rows per second."""
    from django.db import transaction

    from klankbord.lib.bulk import insert_all
    from klankbord.listening import fingerprint
    from klankbord.listening.imports import import_source
    from klankbord.listening.models import Mention

    missing = stored - Mention.objects.filter(organisation=org).count()
    if missing <= 0:
        return 0.0
    source = import_source(org)
    through = Mention.monitors.through
    rng = random.Random(2)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, missing, BULK_BATCH):
        rows, links = [], []
        for number in range(start, min(start + BULK_BATCH, missing)):
            base, text = post(posts, rng)
            label = known[base]
            handle, name = author(rng)
            published = now - timedelta(seconds=rng.randrange(90 * 86400))
            simhash = rng.getrandbits(64)
            bands = fingerprint.bands(simhash)
            score = {"positive": 0.8, "negative": -0.8}.get(label["sentiment"], 0.0)
            rows.append(
                Mention(
                    organisation=org,
                    source=source,
                    network=rng.choice(NETWORKS),
                    remote_id=f"bulk-{number}",
                    key=fingerprint.exact_key("bulk", str(number)),
                    author_handle=handle,
                    author_name=name,
                    text=text,
                    kind="import",
                    published_at=published,
                    fetched_at=published + timedelta(minutes=rng.randint(1, 30)),
                    language=label["language"],
                    sentiment=label["sentiment"],
                    sentiment_score=score,
                    intents=label["intents"],
                    places=label["places"],
                    reach=rng.choice([0, 0, 3, 12, 40, 150, 900, 5000]),
                    priority=rng.randint(0, 10),
                    simhash=fingerprint.to_signed(simhash),
                    band0=bands[0],
                    band1=bands[1],
                    band2=bands[2],
                    band3=bands[3],
                )
            )
            links.append(label["monitors"])
        with transaction.atomic():
            insert_all(rows)
            insert_all(
                [
                    through(mention_id=row.pk, monitor_id=monitor_id)
                    for row, monitor_ids in zip(rows, links, strict=True)
                    for monitor_id in monitor_ids
                ]
            )
    return missing / (time.perf_counter() - started)


def measure(
    client: Any, url: str, requests: int, budget: float = 0, headers: dict[str, str] | None = None
) -> list[float]:
    """Milliseconds per request; stops early once `budget` seconds are spent (0: never)."""
    timings: list[float] = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        if budget and sum(timings) > budget * 1000 and len(timings) >= 2:
            break
    return timings


def list_pages(owner: Any, org: Any, monitors: list[Any], requests: int, budget: float) -> None:
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from klankbord.listening.models import Mention

    counts = dict(
        Mention.monitors.through.objects.filter(monitor__in=monitors)
        .values_list("monitor_id")
        .annotate(n=Count("id"))
    )
    total = Mention.objects.filter(organisation=org).count()
    print(f"stored mentions:            {total:8d}")
    for monitor in monitors:
        print(f"  monitor {monitor.name + ':':18s}{counts.get(monitor.pk, 0):8d}  {monitor.query}")
    biggest = max(monitors, key=lambda m: counts.get(m.pk, 0))
    client = Client()
    client.force_login(owner)
    url = reverse("monitor", kwargs={"org_slug": org.slug, "monitor_id": biggest.pk})
    print(f"monitor page of {biggest.name!r}, {requests} requests each after {WARM_UP} warm-up:")
    for label, query in [
        ("plain", ""),
        ("sentiment=negative", "?sentiment=negative"),
        ("intent=lead", "?intent=lead"),
        (f"q={SEARCH}", f"?q={SEARCH}"),
    ]:
        measure(client, url + query, WARM_UP)
        timings = measure(client, url + query, requests, budget)
        cuts = statistics.quantiles(timings, n=100)
        note = f"   (only {len(timings)}: --budget)" if len(timings) < requests else ""
        print(f"  {label:22s} p50 {cuts[49]:7.1f} ms   p95 {cuts[94]:7.1f} ms{note}")
    print("  target: p95 < 200 ms")


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=200_000, help="mentions to import")
    parser.add_argument("--stored", type=int, default=1_000_000, help="mentions for list pages")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--budget", type=float, default=30, help="at most this many seconds per page (0: none)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the ingest")
    options = parser.parse_args()
    pin_to_one_core()
    with tempfile.TemporaryDirectory() as data_dir:
        configure(data_dir)
        from django.db import connection

        posts = base_posts()
        path = Path(data_dir) / "mentions.jsonl"
        started = time.perf_counter()
        write_file(path, options.mentions, posts)
        size = path.stat().st_size / 1_000_000
        written = time.perf_counter() - started
        print(f"database: {connection.vendor}, one core, tier fast")
        print(f"file: {options.mentions} mentions, {size:.1f} MB, written in {written:.1f} s")

        owner, org, monitors = prepare()
        warm_up(posts)
        spent = time_steps()
        result, elapsed = ingest(org, path, options.profile)
        dropped = sum(result.dropped.values())
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(result.dropped.items())) or "none"
        print(
            f"ingest, one core:           {result.read / elapsed:8.0f} mentions/s (target >= 2000)"
        )
        print(f"  read {result.read}, stored {result.stored}, dropped {dropped} ({reasons}),")
        print(f"  bad records {len(result.errors)}, {elapsed:.1f} s in all")
        print(f"peak memory (max RSS):      {peak_mb():8.0f} MB")
        steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in spent.items())
        print(f"  seconds per step: {steps}; outside the steps {elapsed - sum(spent.values()):.1f}")

        known = labels(posts, monitors)
        started = time.perf_counter()
        rate = fill(org, known, posts, options.stored)
        print(
            f"bulk fill to {options.stored}: {time.perf_counter() - started:.1f} s "
            f"({rate:.0f} rows/s)"
        )
        from klankbord.listening.services import refresh_statistics

        started = time.perf_counter()
        refresh_statistics()  # what the nightly maintenance task does after a day of mentions
        print(f"nightly statistics refresh: {time.perf_counter() - started:.1f} s")
        if options.requests:
            list_pages(owner, org, monitors, options.requests, options.budget)


if __name__ == "__main__":
    main()
