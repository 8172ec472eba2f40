"""An organisation's clicks per day: kept beside each link's clicks as they come in, also when
many come in at once, and filled from the links' clicks by the migration that adds them."""

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.orgs.models import Organisation
from klankbord.publishing import tracking
from klankbord.publishing.models import ClickDay, LinkClick, ShortLink
from klankbord.publishing.services import post_create
from klankbord.test import World

SITE = "https://kb.klankbord.eu"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
PREVIEW = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


@pytest.fixture(autouse=True)
def site(settings: object) -> None:
    settings.SITE_URL = SITE  # type: ignore[attr-defined]


def two_links(org: Organisation, world: World) -> list[str]:
    """The codes of a tracked post's two links on a channel of the organisation."""
    channel = Channel.objects.create(
        organisation=org, network="mastodon", external_id=f"m{org.pk}", handle=f"@o{org.pk}@s.be"
    )
    author = world.alice if org == world.org else world.charlie
    post = post_create(
        organisation=org,
        author=author,
        text="https://bakkerij.be/brood en https://bakkerij.be/taart",
        channels=[channel],
        track_clicks=True,
    )
    tracking.tracked_text(post.targets.get())  # as it goes out: the short links are made
    found = ShortLink.objects.filter(organisation=org).order_by("url")
    return list(found.values_list("code", flat=True))


def click(client: Client, code: str, when: datetime, agent: str = BROWSER) -> None:
    with time_machine.travel(when, tick=False):
        assert client.get(f"/r/{code}", HTTP_USER_AGENT=agent).status_code == 302


def per_day(org: Organisation) -> list[tuple[str, int]]:
    rows = ClickDay.objects.filter(organisation=org).order_by("day")
    return [(str(row.day), row.count) for row in rows]


def links_per_day(org: Organisation) -> list[tuple[str, int]]:
    rows = (
        LinkClick.objects.filter(link__organisation=org)
        .values_list("day")
        .annotate(total=Sum("count"))
        .order_by("day")
    )
    return [(str(day), total) for day, total in rows]


@pytest.mark.django_db
def test_clicks_are_counted_per_organisation_and_day(world: World, client: Client) -> None:
    (bread, cake), (oil, tyres) = two_links(world.org, world), two_links(world.other_org, world)
    zone = ZoneInfo(world.org.timezone)
    # 23:30 in Brussels is still the 5th there, though already the 5th's 22:30 in UTC.
    late = datetime(2026, 12, 5, 23, 30, tzinfo=zone)
    for code in [bread, bread, cake]:
        click(client, code, late)
    click(client, bread, late, agent=PREVIEW)  # a link preview: not counted
    click(client, cake, datetime(2026, 12, 6, 9, 0, tzinfo=zone))
    for code in [oil, tyres, tyres]:
        click(client, code, datetime(2026, 12, 6, 10, 0, tzinfo=zone))
    click(client, oil, datetime(2026, 12, 8, 10, 0, tzinfo=zone))
    assert per_day(world.org) == [("2026-12-05", 3), ("2026-12-06", 1)]
    assert per_day(world.other_org) == [("2026-12-06", 3), ("2026-12-08", 1)]
    for org in (world.org, world.other_org):
        assert per_day(org) == links_per_day(org)


@pytest.mark.django_db(transaction=True)
def test_clicks_at_the_same_moment_are_all_counted(world: World) -> None:
    links = [
        ShortLink.objects.get(code=code)
        for org in (world.org, world.other_org)
        for code in two_links(org, world)
    ]
    day = date(2026, 12, 7)
    threads, each = 8, 5
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def clicking(n: int) -> None:
        try:
            start.wait()
            for i in range(each):
                tracking.click_record(link=links[(n + i) % len(links)], day=day)
        except BaseException as error:  # noqa: BLE001 -- reported by the test itself
            failures.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=clicking, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert LinkClick.objects.aggregate(total=Sum("count"))["total"] == threads * each
    assert per_day(world.org) == links_per_day(world.org) == [("2026-12-07", threads * each // 2)]
    assert per_day(world.other_org) == links_per_day(world.other_org)
    assert ClickDay.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_days_from_the_links_clicks(world: World) -> None:
    (bread, cake), (oil, _tyres) = two_links(world.org, world), two_links(world.other_org, world)
    before = [("publishing", "0008_click_link_day_count")]
    MigrationExecutor(connection).migrate(before)
    try:
        # The rows as the previous release wrote them: per link and day only.
        for code, day, count in [
            (bread, date(2026, 11, 30), 4),
            (cake, date(2026, 11, 30), 2),
            (cake, date(2026, 12, 1), 1),
            (oil, date(2026, 12, 1), 7),
        ]:
            LinkClick.objects.create(link=ShortLink.objects.get(code=code), day=day, count=count)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert per_day(world.org) == [("2026-11-30", 6), ("2026-12-01", 1)]
    assert per_day(world.other_org) == [("2026-12-01", 7)]
    # And on from there: a click adds to the filled day.
    tracking.click_record(link=ShortLink.objects.get(code=cake), day=date(2026, 12, 1))
    assert per_day(world.org) == links_per_day(world.org) == [("2026-11-30", 6), ("2026-12-01", 2)]
