"""Collecting post results: counts read from the fake networks on loopback, on a schedule."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from pytest_httpserver import HTTPServer

from klankbord.analytics import collect
from klankbord.analytics.models import PostResult
from klankbord.analytics.tasks import collect_results
from klankbord.analytics.tests.counted import counts_of, published
from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_bluesky, connect_mastodon
from klankbord.channels.tests.fakes.bluesky import FakeBluesky
from klankbord.channels.tests.fakes.mastodon import FakeMastodon, Fault
from klankbord.lib import http
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create
from klankbord.test import World

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def one_try(monkeypatch: pytest.MonkeyPatch) -> None:
    """An outage without the seam's retries and their waits."""
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))


@pytest.fixture
def mastodon(world: World, fake_mastodon: FakeMastodon) -> Channel:
    return connect_mastodon(world, fake_mastodon)


@pytest.fixture
def bluesky(world: World, fake_bluesky: FakeBluesky) -> Channel:
    return connect_bluesky(world, fake_bluesky)


def set_mastodon_counts(fake: FakeMastodon, target: PostTarget, *counts: int) -> None:
    likes, shares, replies, quotes = counts
    fake.statuses[target.remote_id].update(
        favourites_count=likes, reblogs_count=shares, replies_count=replies, quotes_count=quotes
    )


def set_bluesky_counts(fake: FakeBluesky, target: PostTarget, *counts: int) -> None:
    names = ("likeCount", "repostCount", "replyCount", "quoteCount")
    fake.counts[target.remote_id] = dict(zip(names, counts, strict=True))


def result_of(target: PostTarget) -> PostResult:
    return PostResult.objects.get(target=target)


def test_counts_are_stored_and_checked_again_on_the_schedule_until_a_month_has_passed(
    mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    start = timezone.now()
    target = published(mastodon, "Verse croissants vanaf 7 uur!", start)

    assert collect.run(start + timedelta(minutes=30)) == 0
    result = result_of(target)
    assert result.organisation == mastodon.organisation
    assert (result.next_check_at, result.checks, result.published_at) == (start + HOUR, 0, start)

    set_mastodon_counts(fake_mastodon, target, 4, 2, 1, 1)
    assert collect.run(start + HOUR) == 1
    result.refresh_from_db()
    assert counts_of(result) == (4, 2, 1, 1, 8)
    assert (result.checks, result.checked_at, result.lease_until) == (1, start + HOUR, None)
    assert result.next_check_at == start + 6 * HOUR

    moments = [6 * HOUR, DAY, 3 * DAY, 7 * DAY, 30 * DAY]
    for checked, moment in enumerate(moments, start=2):
        set_mastodon_counts(fake_mastodon, target, 4 + checked, 2, 1, 1)
        assert collect.run(start + moment) == 1
        result.refresh_from_db()
        assert (result.checks, result.likes) == (checked, 4 + checked)
        following = moments[checked - 1] if checked - 1 < len(moments) else None
        assert result.next_check_at == (start + following if following else None)

    assert collect.run(start + 40 * DAY) == 0
    assert result_of(target).checks == 6


def test_an_older_post_is_checked_at_once_and_next_at_the_schedule_moment_after_now(
    mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    now = timezone.now()
    target = published(mastodon, "Onze nieuwe taart", now - 2 * DAY)
    set_mastodon_counts(fake_mastodon, target, 3, 0, 0, 0)

    assert collect.run(now) == 1

    result = result_of(target)
    assert (result.likes, result.checks) == (3, 1)
    assert result.next_check_at == now - 2 * DAY + 3 * DAY


def test_posts_older_than_a_month_are_not_opened(mastodon: Channel) -> None:
    now = timezone.now()
    published(mastodon, "Van vorig seizoen", now - 31 * DAY)
    assert collect.run(now) == 0
    assert not PostResult.objects.exists()


def test_a_post_deleted_on_mastodon_is_gone_while_the_others_get_their_counts(
    mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    start = timezone.now()
    first, deleted, last = (published(mastodon, f"Post {n}", start) for n in range(3))
    for target in (first, deleted, last):
        set_mastodon_counts(fake_mastodon, target, 2, 1, 0, 0)
    assert collect.run(start + HOUR) == 3

    fake_mastodon.delete_status(deleted.remote_id)
    set_mastodon_counts(fake_mastodon, first, 5, 1, 0, 0)
    set_mastodon_counts(fake_mastodon, last, 7, 1, 0, 0)
    assert collect.run(start + 6 * HOUR) == 2

    assert counts_of(result_of(first))[0] == 5 and counts_of(result_of(last))[0] == 7
    gone = result_of(deleted)
    assert gone.gone and gone.next_check_at is None and gone.lease_until is None
    assert (counts_of(gone), gone.checks) == ((2, 1, 0, 0, 3), 1)
    assert collect.run(start + 30 * DAY) == 2


def test_a_post_deleted_on_bluesky_is_gone_while_the_others_get_their_counts(
    bluesky: Channel, fake_bluesky: FakeBluesky
) -> None:
    start = timezone.now()
    kept, deleted = published(bluesky, "Broodjes!", start), published(bluesky, "Oeps", start)
    set_bluesky_counts(fake_bluesky, kept, 6, 2, 1, 1)
    set_bluesky_counts(fake_bluesky, deleted, 1, 0, 0, 0)
    assert collect.run(start + HOUR) == 2
    assert counts_of(result_of(kept)) == (6, 2, 1, 1, 10)

    fake_bluesky.delete_post(deleted.remote_id)
    set_bluesky_counts(fake_bluesky, kept, 9, 2, 1, 1)
    assert collect.run(start + 6 * HOUR) == 1

    assert counts_of(result_of(kept)) == (9, 2, 1, 1, 13)
    gone = result_of(deleted)
    assert gone.gone and gone.next_check_at is None and counts_of(gone) == (1, 0, 0, 0, 1)


def test_a_rate_limit_postpones_the_channel_without_counting_a_check(
    mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    now = timezone.now()
    targets = [published(mastodon, f"Post {n}", now - 2 * HOUR) for n in range(2)]
    for target in targets:
        set_mastodon_counts(fake_mastodon, target, 3, 0, 0, 0)
    fake_mastodon.faults.append(Fault(429, {"error": "Too many requests"}, {"Retry-After": "120"}))

    assert collect.run(now) == 0

    results = [result_of(target) for target in targets]
    retry_at = results[0].next_check_at
    assert retry_at is not None and timedelta(seconds=100) < retry_at - now < timedelta(seconds=140)
    for result in results:
        assert (result.next_check_at, result.checks, result.checked_at) == (retry_at, 0, None)
        assert (result.likes, result.lease_until, result.gone, result.error) == (0, None, False, "")

    assert collect.run(retry_at) == 2
    assert [result_of(target).likes for target in targets] == [3, 3]


def test_a_network_outage_is_retried_in_a_quarter_of_an_hour(
    mastodon: Channel, fake_mastodon: FakeMastodon, one_try: None
) -> None:
    now = timezone.now()
    target = published(mastodon, "Vandaag gesloten", now - 2 * HOUR)
    set_mastodon_counts(fake_mastodon, target, 1, 1, 1, 0)
    fake_mastodon.faults.append(Fault(503, {"error": "Service Unavailable"}))

    assert collect.run(now) == 0

    result = result_of(target)
    assert result.next_check_at == now + timedelta(minutes=15)
    assert "503" in result.error and result.checks == 0 and not result.gone
    assert collect.run(now + timedelta(minutes=15)) == 1
    result.refresh_from_db()
    assert (result.engagement, result.checks, result.error) == (3, 1, "")


def test_a_disconnected_or_broken_channel_waits_an_hour_without_asking_the_network(
    mastodon: Channel, fake_mastodon: FakeMastodon, httpserver: HTTPServer
) -> None:
    now = timezone.now()
    target = published(mastodon, "Nieuwe openingsuren", now - 2 * HOUR)
    asked = len(httpserver.log)

    for status in (Channel.Status.DISCONNECTED, Channel.Status.BROKEN):
        Channel.objects.filter(pk=mastodon.pk).update(status=status)
        assert collect.run(now) == 0
        result = result_of(target)
        assert (result.next_check_at, result.checks, result.lease_until) == (now + HOUR, 0, None)
        assert collect.run(now + timedelta(minutes=30)) == 0

    assert len(httpserver.log) == asked
    Channel.objects.filter(pk=mastodon.pk).update(status=Channel.Status.CONNECTED)
    assert collect.run(now + HOUR) == 1


def test_credentials_that_no_longer_work_mark_the_channel_broken(
    bluesky: Channel, fake_bluesky: FakeBluesky
) -> None:
    now = timezone.now()
    target = published(bluesky, "Taart van de week", now - 2 * HOUR)
    # The session is lost and no app password is left to start a new one.
    Channel.objects.filter(pk=bluesky.pk).update(secrets={})

    assert collect.run(now) == 0

    bluesky.refresh_from_db()
    assert bluesky.status == Channel.Status.BROKEN and "Reconnect" in bluesky.status_reason
    result = result_of(target)
    assert result.next_check_at == now + HOUR and result.checks == 0
    assert "Reconnect" in result.error


def test_a_channel_that_stays_disconnected_is_given_up_a_week_after_the_last_check(
    mastodon: Channel,
) -> None:
    start = timezone.now()
    target = published(mastodon, "Kerstbrood bestellen", start)
    collect.open_results(start)
    Channel.objects.filter(pk=mastodon.pk).update(status=Channel.Status.DISCONNECTED)

    collect.run(start + 36 * DAY)
    assert result_of(target).next_check_at == start + 36 * DAY + HOUR
    collect.run(start + 37 * DAY)
    assert result_of(target).next_check_at is None


def test_results_of_two_organisations_are_kept_apart(
    world: World, mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    now = timezone.now()
    garage = connect_mastodon(world, fake_mastodon, world.other_org)
    ours = published(mastodon, "Bakkerij", now - 2 * HOUR)
    theirs = published(garage, "Garage", now - 2 * HOUR)
    set_mastodon_counts(fake_mastodon, ours, 10, 0, 0, 0)
    set_mastodon_counts(fake_mastodon, theirs, 1, 0, 0, 0)

    assert collect.run(now) == 2

    assert (result_of(ours).organisation, result_of(ours).likes) == (world.org, 10)
    assert (result_of(theirs).organisation, result_of(theirs).likes) == (world.other_org, 1)
    assert PostResult.objects.filter(organisation=world.other_org).count() == 1


def test_a_post_on_a_channel_that_cannot_count_is_never_opened(world: World) -> None:
    feed = Channel.objects.create(
        organisation=world.org, network="rss", external_id="https://bakkerij.test/feed",
        handle="bakkerij.test",
    )  # fmt: skip
    post = post_create(organisation=world.org, author=world.alice, text="Blog", channels=[feed])
    post.targets.update(
        status=PostTarget.Status.PUBLISHED, remote_id="item-1", published_at=timezone.now()
    )

    assert collect.open_results(timezone.now() + HOUR) == 0
    assert collect.run(timezone.now() + HOUR) == 0
    assert not PostResult.objects.exists()


def test_a_claimed_result_is_not_claimed_twice(mastodon: Channel) -> None:
    now = timezone.now()
    target = published(mastodon, "Zaterdag markt", now - 2 * HOUR)
    collect.open_results(now)
    result_id = result_of(target).pk

    assert collect.claim_due(now) == [result_id]
    assert collect.claim_due(now) == []
    assert collect.run(now) == 0  # another round finds it taken
    assert collect.claim_due(now + collect.LEASE * 2) == [result_id]


def test_a_result_another_worker_claimed_after_the_select_is_left_to_it(
    mastodon: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = timezone.now()
    target = published(mastodon, "Zaterdag markt", now - 2 * HOUR)
    collect.open_results(now)
    selected = collect.due_ids

    def another_worker_claims_in_between(now: datetime, limit: int) -> list[int]:
        found = selected(now, limit)
        PostResult.objects.filter(pk__in=found).update(lease_until=now + collect.LEASE)
        return found

    monkeypatch.setattr(collect, "due_ids", another_worker_claims_in_between)
    assert collect.claim_due(now) == []
    assert result_of(target).checks == 0


def test_the_background_task_runs_a_round(mastodon: Channel, fake_mastodon: FakeMastodon) -> None:
    target = published(mastodon, "Open op zondag", timezone.now() - 2 * HOUR)
    set_mastodon_counts(fake_mastodon, target, 2, 2, 0, 0)

    collect_results()

    result = result_of(target)
    assert (result.engagement, result.checks) == (4, 1)


def test_the_command_checks_the_due_posts_and_says_how_many(
    mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    for n in range(2):
        published(mastodon, f"Post {n}", timezone.now() - 2 * HOUR)
    out = StringIO()

    call_command("collectresults", stdout=out)
    assert out.getvalue() == "2 posts checked.\n"

    call_command("collectresults", stdout=out)
    assert out.getvalue().endswith("0 posts checked.\n")


def test_a_refusal_for_the_whole_account_does_not_mark_posts_gone(
    mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    now = timezone.now()
    targets = [published(mastodon, f"Post {n}", now - 2 * HOUR) for n in range(2)]
    for target in targets:
        set_mastodon_counts(fake_mastodon, target, 3, 0, 0, 0)
    for _n in range(3):  # the list, then each post alone
        fake_mastodon.faults.append(Fault(403, {"error": "This action is outside the scopes"}))

    assert collect.run(now) == 0

    for target in targets:
        result = result_of(target)
        assert not result.gone and result.next_check_at == now + timedelta(minutes=15)
        assert "outside the scopes" in result.error
