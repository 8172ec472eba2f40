"""Time suggested from what Klankbord saw: posts written and answers sent become suggestions per
day; once recorded or dismissed, they never come back, so no work is counted twice."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from klankbord.publishing.models import Post
from klankbord.test import World
from klankbord.timekeeping.models import CoveredWork, ReturnSettings, TimeEntry
from klankbord.timekeeping.selectors import suggestions
from klankbord.timekeeping.tests.helpers import membership, sent_reply

URL = "/o/bakkerij-alice/tijd/"
SUGGEST = URL + "voorstel/"
NOW = datetime(2026, 3, 12, 16, 0, tzinfo=UTC)
# 23:30 UTC on 9 March is 00:30 on 10 March in Brussels.
LATE = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)


def written(world: World, author: object, at: datetime) -> Post:
    with time_machine.travel(at, tick=False):
        return Post.objects.create(organisation=world.org, author=author, text="Verse pistolets")


@pytest.fixture
def bobs_work(world: World) -> dict[str, list[int]]:
    posts = [
        written(world, world.bob, LATE).pk,
        written(world, world.bob, LATE + timedelta(hours=9)).pk,
    ]
    posts.append(written(world, world.bob, datetime(2026, 3, 11, 9, tzinfo=UTC)).pk)
    written(world, world.alice, LATE)  # Alice's, not Bob's
    gone = written(world, world.bob, LATE)
    Post.objects.filter(pk=gone.pk).update(deleted_at=NOW)
    replies = [sent_reply(world.org, world.bob, LATE + timedelta(hours=h)).pk for h in (1, 2, 3)]
    sent_reply(world.org, world.bob, LATE, status="failed")
    sent_reply(world.other_org, world.bob, LATE)
    return {"posts": posts, "replies": replies}


def bob_client(world: World) -> Client:
    client = Client()
    client.force_login(world.bob)
    return client


def shown(world: World) -> list[tuple[str, date, int, int]]:
    found = suggestions(membership(world, world.bob), date(2026, 3, 1), date(2026, 3, 12))
    return [(s.kind, s.day, s.count, s.minutes) for s in found]


def test_posts_written_and_answers_sent_become_suggestions_per_local_day(
    world: World, bobs_work: dict[str, list[int]]
) -> None:
    assert shown(world) == [
        ("post", date(2026, 3, 11), 1, 20),
        ("reply", date(2026, 3, 10), 3, 15),
        ("post", date(2026, 3, 10), 2, 40),
    ]


def test_the_minutes_per_item_are_the_organisations_own(
    world: World, bobs_work: dict[str, list[int]]
) -> None:
    ReturnSettings.objects.create(organisation=world.org, minutes_per_post=45, minutes_per_reply=2)
    assert ("post", date(2026, 3, 10), 2, 90) in shown(world)
    assert ("reply", date(2026, 3, 10), 3, 6) in shown(world)


@time_machine.travel(NOW, tick=False)
def test_an_accepted_suggestion_is_recorded_as_edited_and_not_suggested_again(
    world: World, bobs_work: dict[str, list[int]]
) -> None:
    client = bob_client(world)
    ids = ",".join(str(pk) for pk in bobs_work["posts"][:2])
    data = {"kind": "post", "ids": ids, "activity": "writing", "minutes": "1:05", "note": "Actie",
            "decision": "accept"}  # fmt: skip
    assert client.post(SUGGEST, data).status_code == 302
    entry = TimeEntry.objects.get()
    assert (entry.member, entry.minutes, entry.day) == (world.bob, 65, date(2026, 3, 10))
    assert (entry.source, entry.note) == (TimeEntry.Source.SUGGESTED, "Actie")
    assert ("post", date(2026, 3, 10), 2, 40) not in shown(world)
    # The same suggestion posted again (a second tab, a double click) records nothing.
    page = client.post(SUGGEST, data, follow=True).content.decode()
    assert "This suggestion was already recorded or dismissed." in page
    assert TimeEntry.objects.count() == 1
    # A post written later that day is suggested on its own.
    later = written(world, world.bob, datetime(2026, 3, 10, 15, tzinfo=UTC))
    assert ("post", date(2026, 3, 10), 1, 20) in shown(world)
    assert CoveredWork.objects.filter(object_id=later.pk).count() == 0


@time_machine.travel(NOW, tick=False)
def test_a_dismissed_suggestion_does_not_come_back_and_records_nothing(
    world: World, bobs_work: dict[str, list[int]]
) -> None:
    ids = ",".join(str(pk) for pk in bobs_work["replies"])
    data = {"kind": "reply", "ids": ids, "activity": "answering", "decision": "dismiss"}
    page = bob_client(world).post(SUGGEST, data, follow=True).content.decode()
    assert "Suggestion dismissed" in page
    assert not TimeEntry.objects.exists()
    assert [s[0] for s in shown(world)] == ["post", "post"]


@time_machine.travel(NOW, tick=False)
def test_someone_elses_posts_cannot_be_claimed(world: World) -> None:
    alices = written(world, world.alice, LATE)
    data = {"kind": "post", "ids": str(alices.pk), "activity": "writing", "minutes": "30",
            "decision": "accept"}  # fmt: skip
    page = bob_client(world).post(SUGGEST, data, follow=True).content.decode()
    assert "This suggestion was already recorded or dismissed." in page
    assert not TimeEntry.objects.exists() and not CoveredWork.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_time_page_lists_the_suggestions_with_editable_minutes(
    world: World, bobs_work: dict[str, list[int]]
) -> None:
    page = bob_client(world).get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 answers sent" in page and "2 posts written" in page
    assert 'name="minutes" value="40"' in page and 'name="minutes" value="15"' in page
    ids = ",".join(str(pk) for pk in bobs_work["replies"])
    assert f'name="ids" value="{ids}"' in page
