"""The inbox page over a big backlog: p50 and p95 server time per filter, on one core.

Prints, on a fresh SQLite database in a temporary data dir with production-like settings:
the database filled with --items inbox items (default 200,000), each with its mention,
bulk-inserted (not through the pipeline): mostly open, priorities 0-10, some assigned to the
owner or a colleague, mentions of two connected accounts and of a monitored feed (a few linked
to monitors), the sentiment, intents and language of the Dutch/Flemish posts they are built on;
then the nightly statistics refresh, and the inbox page timed as the owner: plain, overdue,
assigned to me, negative, questions, one channel, searched, and the list's htmx poll.

Run: .venv/bin/python benchmarks/inbox.py   (quick: --items 20000 --requests 50)
A slow page is timed for at most --budget seconds (default 30) after its warm-up; the line says
so when that cut the requests short. Per page the number of queries and the slowest query of one
request are printed too; --explain adds SQLite's plan of the two slowest.
Target: p95 < 150 ms for every page.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.listening import (  # noqa: E402
    MONITORS,
    author,
    base_posts,
    configure,
    labels,
    measure,
    pin_to_one_core,
    post,
)

BULK_BATCH = 5000
WARM_UP = 20
TARGET_MS = 150
SEARCH = "loodgieter"
COLLEAGUES = ["an", "bram", "lotte"]
# Where items come from: (network, source, share). A feed's items reach the inbox through a
# monitor, so each of them is linked to one.
ORIGINS = [("mastodon", "mastodon", 0.55), ("bluesky", "bluesky", 0.25), ("rss", "feed", 0.20)]
STATUSES = [("new", 70), ("assigned", 12), ("waiting", 6), ("answered", 7), ("closed", 5)]
PRIORITIES = [(0, 20), (1, 15), (2, 15), (3, 12), (4, 10), (5, 8), (6, 7), (7, 5), (8, 4),
              (9, 2), (10, 2)]  # fmt: skip
DUE_HOURS = [2, 4, 8, 24, 72]


def prepare() -> tuple[Any, Any, list[Any], dict[str, Any], list[Any]]:
    """The organisation, its owner and colleagues, two connected accounts, a feed, monitors."""
    from django.core.management import call_command

    from klankbord.accounts.models import User
    from klankbord.channels.models import Channel
    from klankbord.listening.models import Monitor, Source
    from klankbord.orgs.models import Membership, Role
    from klankbord.orgs.services import organisation_create

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    owner = User.objects.create_user(email="eigenaar@bakkerij-benchmark.be", name="Els")
    org = organisation_create(name="Bakkerij Benchmark", owner=owner)
    colleagues = [owner]
    for name in COLLEAGUES:
        user = User.objects.create_user(email=f"{name}@bakkerij-benchmark.be", name=name.title())
        Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
        colleagues.append(user)
    sources = {}
    for network in ("mastodon", "bluesky"):
        channel = Channel.objects.create(
            organisation=org,
            network=network,
            external_id=f"bench-{network}",
            handle=f"@bakkerij@{network}.example",
            base_url=f"https://{network}.example",
        )
        sources[network] = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    sources["feed"] = Source.objects.create(
        organisation=org, kind=Source.Kind.FEED, name="Nieuws uit Gent"
    )
    monitors = [
        Monitor.objects.create(
            organisation=org, name=name, kind=kind, query=query, created_by=owner
        )
        for name, kind, query in MONITORS
    ]
    return owner, org, colleagues, sources, monitors


def pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def fill(
    org: Any,
    colleagues: list[Any],
    sources: dict[str, Any],
    monitors: list[Any],
    known: list[dict[str, Any]],
    posts: list[dict[str, Any]],
    count: int,
) -> float:
    """Bulk-insert `count` items, each with its mention; rows (items) per second."""
    from django.db import transaction

    from klankbord.lib.bulk import insert_all
    from klankbord.listening import fingerprint
    from klankbord.listening.models import Mention

    through = Mention.monitors.through
    rng = random.Random(3)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for start in range(0, count, BULK_BATCH):
        mentions, links, plans = [], [], []
        for number in range(start, min(start + BULK_BATCH, count)):
            base, text = post(posts, rng)
            label = known[base]
            handle, name = author(rng)
            network, origin = pick(rng, [(o[:2], o[2]) for o in ORIGINS])
            kind = "mention"
            if origin == "feed":
                kind = "feed"
            elif rng.random() < 0.25:
                kind = "reply"
            elif network == "mastodon" and rng.random() < 0.1:
                kind = "message"
            # Recent items are many, a long tail is still open weeks later.
            hours_ago = rng.uniform(0, 48) if rng.random() < 0.4 else rng.uniform(48, 60 * 24)
            published = now - timedelta(hours=hours_ago)
            simhash = rng.getrandbits(64)
            bands = fingerprint.bands(simhash)
            priority = pick(rng, PRIORITIES)
            mentions.append(
                Mention(
                    organisation=org,
                    source=sources[origin],
                    network=network,
                    remote_id=f"inbox-{number}",
                    key=fingerprint.exact_key(network, f"inbox-{number}"),
                    url=f"https://{network}.example/{handle[1:]}/{number}",
                    author_handle=handle,
                    author_name=name,
                    text=text,
                    kind=kind,
                    published_at=published,
                    fetched_at=published + timedelta(minutes=rng.randint(1, 10)),
                    language=label["language"],
                    sentiment=label["sentiment"],
                    sentiment_score={"positive": 0.8, "negative": -0.8}.get(
                        label["sentiment"], 0.0
                    ),
                    intents=label["intents"],
                    places=label["places"],
                    reach=rng.choice([0, 0, 3, 12, 40, 150, 900]),
                    priority=priority,
                    simhash=fingerprint.to_signed(simhash),
                    band0=bands[0],
                    band1=bands[1],
                    band2=bands[2],
                    band3=bands[3],
                )
            )
            matched = list(label["monitors"])
            if origin == "feed" and not matched:
                matched = [rng.choice(monitors).pk]
            links.append(matched)
            plans.append((published, priority, "lead" in label["intents"]))
        with transaction.atomic():
            insert_all(mentions)
            insert_all(
                [
                    through(mention_id=mention.pk, monitor_id=monitor_id)
                    for mention, monitor_ids in zip(mentions, links, strict=True)
                    for monitor_id in monitor_ids
                ]
            )
            insert_all(
                [
                    item(org, mention, plan, colleagues, rng, now)
                    for mention, plan in zip(mentions, plans, strict=True)
                ]
            )
    return count / (time.perf_counter() - started)


def item(
    org: Any,
    mention: Any,
    plan: tuple[datetime, int, bool],
    colleagues: list[Any],
    rng: random.Random,
    now: datetime,
) -> Any:
    from klankbord.inbox.models import Item

    arrived, priority, lead = plan
    status = pick(rng, STATUSES)
    assignee = None
    if status != "new" and rng.random() < 0.9:
        assignee = rng.choice(colleagues)
    answered = status in ("answered", "closed") and rng.random() < 0.8
    seconds = rng.randint(300, 8 * 3600)
    return Item(
        organisation=org,
        mention=mention,
        status=status,
        assignee=assignee,
        priority=priority,
        arrived_at=arrived,
        due_at=arrived + timedelta(hours=rng.choice(DUE_HOURS)),
        first_response_at=arrived + timedelta(seconds=seconds) if answered else None,
        first_response_seconds=seconds if answered else None,
        is_lead=lead and rng.random() < 0.5,
        labels=["taart"] if rng.random() < 0.03 else [],
        updated_at=now,
    )


# --- timing --------------------------------------------------------------------------------


def queries_of(client: Any, url: str, headers: dict[str, str]) -> list[dict[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, headers=headers)
    return list(captured.captured_queries)


def explain(sql: str) -> list[str]:
    """SQLite's plan of a query as it was run (its values written in by Django)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        rows = cursor.fetchall()
    depths: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _unused, detail in rows:
        depths[node] = depths.get(parent, -1) + 1
        lines.append("  " * depths[node] + detail)
    return lines


def pages(owner: Any, org: Any, channel: Any, options: argparse.Namespace) -> None:
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from klankbord.inbox.models import Item

    items = Item.objects.filter(organisation=org)
    statuses = dict(items.values_list("status").annotate(n=Count("id")))
    open_items = sum(statuses.get(s, 0) for s in Item.OPEN)
    overdue = items.filter(status__in=Item.OPEN, due_at__lt=timezone.now()).count()
    mine = items.filter(status__in=Item.OPEN, assignee=owner).count()
    print(f"items: {items.count()}, open {open_items} (overdue {overdue}, assigned to me {mine})")
    print("  " + ", ".join(f"{status} {n}" for status, n in sorted(statuses.items())))
    client = Client()
    client.force_login(owner)
    url = f"/o/{org.slug}/inbox/"
    poll = {"HX-Request": "true"}
    print(
        f"inbox page as the owner, {options.requests} requests each after {WARM_UP} warm-up "
        f"(queries: of one request, with the slowest):"
    )
    slow = []
    for name, query, headers in [
        ("plain", "", {}),
        ("status=overdue", "?status=overdue", {}),
        ("assignee=me", "?assignee=me", {}),
        ("sentiment=negative", "?sentiment=negative", {}),
        ("intent=question", "?intent=question", {}),
        (f"channel={channel.network}", f"?channel={channel.pk}", {}),
        ("language=de (rare)", "?language=de", {}),
        (f"q={SEARCH}", f"?q={SEARCH}", {}),
        ("htmx poll", "", poll),
    ]:
        measure(client, url + query, WARM_UP, headers=headers)
        timings = measure(client, url + query, options.requests, options.budget, headers=headers)
        cuts = statistics.quantiles(timings, n=100) if len(timings) > 1 else timings * 99
        note = f"   (only {len(timings)}: --budget)" if len(timings) < options.requests else ""
        ran = queries_of(client, url + query, headers)
        slowest = sorted(ran, key=lambda q: float(q["time"]), reverse=True)
        print(
            f"  {name:20s} p50 {cuts[49]:7.1f} ms   p95 {cuts[94]:7.1f} ms   "
            f"{len(ran):2d} queries, slowest {float(slowest[0]['time']) * 1000:6.1f} ms{note}"
        )
        if cuts[94] >= TARGET_MS:
            slow.append(name)
        if options.explain:
            for captured in slowest[:2]:
                print(f"    {float(captured['time']) * 1000:.1f} ms: {captured['sql'][:300]}")
                for line in explain(captured["sql"]):
                    print(f"      {line}")
    verdict = "all met" if not slow else "missed by " + ", ".join(slow)
    print(f"  target: p95 < {TARGET_MS} ms ({verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200_000, help="inbox items to fill")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument(
        "--budget", type=float, default=30, help="at most this many seconds per page (0: none)"
    )
    parser.add_argument("--explain", action="store_true", help="plans of the slowest queries")
    options = parser.parse_args()
    pin_to_one_core()
    with tempfile.TemporaryDirectory() as data_dir:
        configure(data_dir)
        from django.db import connection

        print(f"database: {connection.vendor}, one core")
        posts = base_posts()
        owner, org, colleagues, sources, monitors = prepare()
        known = labels(posts, monitors)
        started = time.perf_counter()
        rate = fill(org, colleagues, sources, monitors, known, posts, options.items)
        print(
            f"bulk fill of {options.items} items with their mentions: "
            f"{time.perf_counter() - started:.1f} s ({rate:.0f} items/s)"
        )
        from klankbord.listening.services import refresh_statistics

        started = time.perf_counter()
        refresh_statistics()  # what the nightly maintenance task does
        print(f"nightly statistics refresh: {time.perf_counter() - started:.1f} s")
        if options.requests:
            pages(owner, org, sources["mastodon"].channel, options)


if __name__ == "__main__":
    main()
