"""Facebook Page results in Measure: post counts and followers, from the fake Graph API."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.analytics import collect
from klankbord.analytics.audience import count_audiences
from klankbord.analytics.models import AudienceCount, PostResult
from klankbord.analytics.tests.counted import counts_of, published
from klankbord.channels.models import Channel
from klankbord.channels.networks import facebook
from klankbord.channels.networks.base import AuthError, NotFound
from klankbord.channels.services import connector_for
from klankbord.channels.tests.connected import connect_facebook
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.publishing.models import PostTarget
from klankbord.test import World

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def page(world: World, fake_facebook: FakeFacebook) -> Channel:
    return connect_facebook(world, fake_facebook)


def test_reactions_comments_and_shares_of_a_page_post_come_into_its_result(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Verse croissants vanaf 7 uur!", start)
    fake_facebook.react(target.remote_id, reactions=5, shares=2)
    fake_facebook.add_comment(target.remote_id, "Lekker!")
    reply = fake_facebook.add_comment(target.remote_id, "Top", name="Ann")
    fake_facebook.add_comment(target.remote_id, "Dank je", parent=reply["id"])

    assert collect.run(start + HOUR) == 1

    # Reactions are likes, top-level comments are replies; Facebook has no quotes.
    assert counts_of(PostResult.objects.get(target=target)) == (5, 2, 2, 0, 9)
    result = PostResult.objects.get(target=target)
    assert (result.checks, result.next_check_at) == (1, start + 6 * HOUR)


def test_a_post_nobody_shared_counts_no_shares(page: Channel, fake_facebook: FakeFacebook) -> None:
    # Graph leaves `shares` out until someone shares the post.
    target = published(page, "Nog niemand deelde dit", timezone.now())
    fake_facebook.react(target.remote_id, reactions=1)
    metrics = connector_for(page).metrics([target.remote_id])[target.remote_id]
    assert (metrics.likes, metrics.shares, metrics.replies) == (1, None, 0)


def test_a_count_facebook_withholds_keeps_the_last_one_and_is_not_stored_as_zero(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Brood van de week", start)
    fake_facebook.react(target.remote_id, reactions=4, shares=1)
    assert collect.run(start + HOUR) == 1

    fake_facebook.withhold(target.remote_id, "reactions", "shares")
    fake_facebook.add_comment(target.remote_id, "Mooi")
    assert collect.run(start + 6 * HOUR) == 1

    assert counts_of(PostResult.objects.get(target=target)) == (4, 1, 1, 0, 6)
    assert PostResult.objects.get(target=target).checks == 2


def test_a_post_deleted_on_facebook_is_gone_and_keeps_its_counts(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    kept, deleted = published(page, "Blijft", start), published(page, "Oeps", start)
    fake_facebook.react(deleted.remote_id, reactions=3)
    assert collect.run(start + HOUR) == 2

    fake_facebook.delete_post(deleted.remote_id)
    with pytest.raises(NotFound):
        connector_for(page).metrics([deleted.remote_id])
    fake_facebook.react(kept.remote_id, reactions=2)
    assert collect.run(start + 6 * HOUR) == 1

    assert counts_of(PostResult.objects.get(target=kept))[0] == 2
    gone = PostResult.objects.get(target=deleted)
    assert gone.gone and gone.next_check_at is None and gone.error == ""
    assert counts_of(PostResult.objects.get(target=deleted)) == (3, 0, 0, 0, 3)


def test_throttling_only_moves_the_next_check(page: Channel, fake_facebook: FakeFacebook) -> None:
    now = timezone.now()
    target = published(page, "Te snel gevraagd", now - 2 * HOUR)
    fake_facebook.react(target.remote_id, reactions=3)
    fake_facebook.throttle(32)

    assert collect.run(now) == 0

    result = PostResult.objects.get(target=target)
    assert result.next_check_at is not None and result.next_check_at > now + 10 * timedelta(
        minutes=1
    )
    assert (result.checks, result.checked_at, result.likes) == (0, None, 0)
    assert (result.gone, result.error, result.lease_until) == (False, "", None)
    page.refresh_from_db()
    assert page.status == Channel.Status.CONNECTED


def test_page_followers_are_counted_once_a_day(page: Channel, fake_facebook: FakeFacebook) -> None:
    page_data = fake_facebook.pages[page.external_id]
    page_data["followers_count"] = 512
    evening = datetime(2026, 3, 9, 20, 0, tzinfo=UTC)
    with time_machine.travel(evening, tick=False):
        assert count_audiences() == 1
        page_data["followers_count"] = 513
        assert count_audiences() == 0  # counted today already
    with time_machine.travel(evening + 24 * HOUR, tick=False):
        assert count_audiences() == 1
    counts = [
        (c.day, c.followers) for c in AudienceCount.objects.filter(channel=page).order_by("day")
    ]
    assert counts == [(date(2026, 3, 9), 512), (date(2026, 3, 10), 513)]


# --- views: Page post insights ------------------------------------------------------------------


def views_of(target: PostTarget) -> int | None:
    return PostResult.objects.get(target=target).views


def test_the_views_of_a_page_post_come_from_its_insights(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Zondag open van 8 tot 12", start)
    fake_facebook.react(target.remote_id, reactions=3)
    fake_facebook.set_views(target.remote_id, 1234)

    assert collect.run(start + HOUR) == 1

    result = PostResult.objects.get(target=target)
    assert (result.views, result.saves) == (1234, None)  # Facebook gives no saves
    assert result.engagement == 3  # a view is not a reaction
    asked = [r for r, _answer in fake_facebook.server.log if r.path.endswith("/insights")]
    assert [(r.args["metric"], r.args["period"]) for r in asked] == [
        ("post_media_view", "lifetime")
    ]


def test_not_enough_viewers_is_no_views_and_keeps_the_last_known_views(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Nieuwe taart van de maand", start)
    fake_facebook.react(target.remote_id, reactions=2)
    fake_facebook.set_views(target.remote_id, None)  # "(#10) Not enough viewers ..."
    assert collect.run(start + HOUR) == 1
    result = PostResult.objects.get(target=target)
    # Missing, not zero; the check itself counts and the Page keeps working.
    assert (result.views, result.likes, result.checks, result.error) == (None, 2, 1, "")
    page.refresh_from_db()
    assert page.status == Channel.Status.CONNECTED

    fake_facebook.set_views(target.remote_id, 40)
    assert collect.run(start + 6 * HOUR) == 1
    assert views_of(target) == 40

    fake_facebook.set_views(target.remote_id, None)
    assert collect.run(start + 24 * HOUR) == 1
    assert views_of(target) == 40
    assert PostResult.objects.get(target=target).checks == 3


def test_zero_views_are_stored_as_zero(page: Channel, fake_facebook: FakeFacebook) -> None:
    target = published(page, "Nog niemand zag dit", timezone.now())
    fake_facebook.set_views(target.remote_id, 0)
    assert connector_for(page).metrics([target.remote_id])[target.remote_id].views == 0


def test_a_metric_graph_does_not_have_gives_no_views_and_the_other_counts(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    target = published(page, "Brood en banket", timezone.now())
    fake_facebook.react(target.remote_id, reactions=5)
    error = {"message": "(#100) The value must be a valid insights metric", "code": 100}
    fake_facebook.faults.append(Fault(400, error, path=r"/\d+_\d+/insights"))
    metrics = connector_for(page).metrics([target.remote_id])[target.remote_id]
    assert (metrics.likes, metrics.views) == (5, None)


def test_an_empty_insights_answer_gives_no_views() -> None:
    # A Page with too few followers gets an empty list instead of an error.
    assert facebook.insight_value({"data": []}, "post_media_view") is None
    answer = {"data": [{"name": "post_media_view", "period": "lifetime", "values": [{}]}]}
    assert facebook.insight_value(answer, "post_media_view") is None
    answer["data"][0]["values"] = [{"value": 7}]
    assert facebook.insight_value(answer, "post_media_view") == 7


def test_a_page_token_without_read_insights_still_gets_its_reactions(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Zonder inzichten", start)
    fake_facebook.react(target.remote_id, reactions=4)
    fake_facebook.set_views(target.remote_id, 99)
    fake_facebook.tokens[fake_facebook.page_token(page.external_id)].scopes.remove("read_insights")

    assert collect.run(start + HOUR) == 1

    result = PostResult.objects.get(target=target)
    assert (result.likes, result.views) == (4, None)
    page.refresh_from_db()
    assert page.status == Channel.Status.CONNECTED


def test_a_page_connected_before_views_were_read_keeps_working_without_them(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    start = timezone.now()
    target = published(page, "Van voor de weergaven", start)
    fake_facebook.react(target.remote_id, reactions=6)
    error = {"message": "(#200) Application does not have permission for this action", "code": 200}
    fake_facebook.faults.append(Fault(403, error, path=r"/\d+_\d+/insights"))

    assert collect.run(start + HOUR) == 1

    result = PostResult.objects.get(target=target)
    assert (result.likes, result.views, result.error) == (6, None, "")
    page.refresh_from_db()
    assert page.status == Channel.Status.CONNECTED


def test_a_permission_refused_on_the_post_itself_is_still_an_auth_error(
    page: Channel, fake_facebook: FakeFacebook
) -> None:
    target = published(page, "Geen toegang", timezone.now())
    error = {"message": "(#10) Application does not have permission for this action", "code": 10}
    fake_facebook.faults.append(Fault(403, error, path=r"/\d+_\d+"))
    with pytest.raises(AuthError):
        connector_for(page).metrics([target.remote_id])


@pytest.mark.parametrize(
    ("code", "message", "withheld"),
    [
        (10, "Not enough viewers for the media to show insights", True),
        (10, "Requires read_insights permission to access insights", True),
        (100, "The value must be a valid insights metric", True),
        (10, "Application does not have permission for this action", False),
        (100, "Unsupported get request", False),
        (200, "Not enough viewers", False),
    ],
)
def test_which_graph_errors_keep_a_count_back(code: int, message: str, withheld: bool) -> None:
    assert facebook.withholds(code, message) is withheld


def test_read_insights_is_asked_for_but_not_needed_to_connect(
    fake_facebook: FakeFacebook, settings: Any
) -> None:
    settings.FACEBOOK_GRAPH_URL = fake_facebook.base_url
    assert "read_insights" in facebook.SCOPES
    assert "read_insights" not in facebook.REQUIRED_SCOPES
    app = facebook.App(fake_facebook.app_id, fake_facebook.app_secret)
    assert "read_insights" in facebook.dialog_url(app, "https://kb.example/cb", "s")
    fake_facebook.granted = [s for s in fake_facebook.granted if s != "read_insights"]
    token = fake_facebook.page_token(fake_facebook.first_page()["id"])
    fake_facebook.tokens[token].scopes = list(fake_facebook.granted)
    assert facebook.missing_scopes(app, token, allow_loopback=True) == set()
