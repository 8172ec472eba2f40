"""Views and saves: stored as a network gives them, missing (never 0) when it does not, and
shown so on the Measure page, in the PDF and in the mail."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone, translation

from klankbord.accounts.models import User
from klankbord.analytics import collect
from klankbord.analytics.models import PostResult
from klankbord.analytics.results import Tally, results_summary
from klankbord.analytics.tests.counted import counted_post, counts_of, published
from klankbord.analytics.tests.test_measure_page import NOW, what_works
from klankbord.analytics.tests.test_report import (
    FIRST_AT_SEVEN,
    IN_APRIL,
    PDF,
    a_month_of_work,
    client_at,
    get_at,
    send_at,
    text_of,
)
from klankbord.analytics.texts import MISSING
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import Connector, Metrics
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.orgs.models import Organisation
from klankbord.test import World

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)
URL = "/o/bakkerij-alice/meten/"
DASH = f'<span class="missing" title="Not given by the network">{MISSING}</span>'


@pytest.fixture(autouse=True)
def organisations_started_last_year(world: World) -> None:
    # The monthly report of March 2026 exists only for an organisation that was there then.
    Organisation.objects.update(created_at=datetime(2025, 6, 15, 9, 0, tzinfo=UTC))
    world.org.refresh_from_db()


# --- storing -------------------------------------------------------------------------------------


class Answers:
    """What the network says at each check, in turn, in place of the fake's own counts."""

    def __init__(self, *answers: Metrics) -> None:
        self.answers = list(answers)

    def __call__(self, connector: Connector, remote_ids: list[str]) -> dict[str, Metrics]:
        answer = self.answers.pop(0)
        return dict.fromkeys(remote_ids, answer)


@pytest.fixture
def mastodon(world: World, fake_mastodon: FakeMastodon) -> Iterator[Channel]:
    with translation.override("en"):
        yield connect_mastodon(world, fake_mastodon)


def checked(channel: Channel, monkeypatch: pytest.MonkeyPatch, *answers: Metrics) -> PostResult:
    """A post checked once per answer, an hour and then six hours after publishing."""
    start = timezone.now()
    target = published(channel, "Verse pistolets", start)
    monkeypatch.setattr(collect, "read_counts", Answers(*answers))
    for moment in (HOUR, 6 * HOUR)[: len(answers)]:
        assert collect.run(start + moment) == 1
    return PostResult.objects.get(target=target)


def test_views_and_saves_are_stored_as_the_network_gives_them(
    mastodon: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = checked(mastodon, monkeypatch, Metrics(likes=3, views=1200, saves=2))
    assert (result.views, result.saves) == (1200, 2)


def test_a_count_never_given_stays_missing_and_is_not_zero(
    mastodon: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = checked(mastodon, monkeypatch, Metrics(likes=3))
    assert (result.views, result.saves) == (None, None)
    assert PostResult.objects.filter(views__isnull=True, saves__isnull=True).count() == 1


def test_a_count_withheld_later_keeps_the_last_known_one(
    mastodon: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = checked(
        mastodon,
        monkeypatch,
        Metrics(likes=3, views=500, saves=4),
        Metrics(likes=5, views=None, saves=None),
    )
    assert (result.likes, result.views, result.saves, result.checks) == (5, 500, 4, 2)


def test_zero_views_are_stored_as_zero(mastodon: Channel, monkeypatch: pytest.MonkeyPatch) -> None:
    result = checked(mastodon, monkeypatch, Metrics(likes=0, views=0, saves=0))
    assert (result.views, result.saves) == (0, 0)


def test_saves_count_as_reactions_and_views_do_not(
    mastodon: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = checked(mastodon, monkeypatch, Metrics(likes=3, shares=1, views=900, saves=2))
    assert counts_of(result) == (3, 1, 0, 0, 6)


def test_a_row_without_saves_keeps_its_reactions(
    mastodon: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rows from before saves were read have NULL saves: their reactions do not change.
    result = checked(mastodon, monkeypatch, Metrics(likes=4, replies=2, quotes=1))
    assert counts_of(result) == (4, 0, 2, 1, 7)


def test_a_post_gone_on_the_network_with_views_still_counts(world: World) -> None:
    counted_post(world.org, NOW - timedelta(days=1), views=80, gone=True)
    counted_post(world.org, NOW - timedelta(days=1), gone=True)  # lost before any count
    assert PostResult.objects.counted().count() == 1


# --- adding up ---------------------------------------------------------------------------------


def test_views_add_up_over_the_posts_that_have_them(world: World) -> None:
    for views in (1200, 0, None):
        counted_post(world.org, NOW - timedelta(days=1), likes=1, views=views)
    with translation.override("en"):
        found = results_summary(world.org, NOW.date() - timedelta(days=5), NOW.date())
    assert found.views == Tally(total=1200, given=2, posts=3)
    assert found.views.partial
    assert found.saves == Tally(total=0, given=0, posts=3)
    # Equal reactions at the same moment: in the order they were made.
    assert [post.views for post in found.top] == [1200, 0, None]


# --- the Measure page --------------------------------------------------------------------------


def test_measure_shows_views_a_dash_for_missing_ones_and_0_for_none_seen(
    world: World, alice_client: Client
) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=9, views=12345, text="Veel gezien")
    counted_post(world.org, NOW - timedelta(days=2), likes=5, views=0, text="Niet gezien")
    counted_post(world.org, NOW - timedelta(days=3), likes=2, text="Niet gegeven")
    section = what_works(alice_client)
    card = section[section.index('id="what-works-views"') :]
    assert '<p class="figure">12,345</p>' in card
    assert "views of 2 of 3 posts" in card
    top = section[section.index('id="what-works-top"') :]
    rows = top.split("<tr>")[2:]  # after the head: the best first
    assert "Veel gezien" in rows[0] and '<td data-label="Views">12,345</td>' in rows[0]
    assert "Niet gezien" in rows[1] and '<td data-label="Views">0</td>' in rows[1]
    assert "Niet gegeven" in rows[2] and f'<td data-label="Views">{DASH}</td>' in rows[2]
    assert f"A dash ({MISSING}) means the network did not give this count" in section
    assert 'id="what-works-saves"' not in section and "<th>Saves</th>" not in section


def test_without_any_views_the_card_says_so_instead_of_0(
    world: World, alice_client: Client
) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=3)
    card = what_works(alice_client)
    card = card[card.index('id="what-works-views"') :]
    assert f'<p class="figure">{DASH}</p>' in card
    assert "No network gave views for these posts." in card


def test_saves_show_where_a_post_has_them(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=3, views=400, saves=6)
    counted_post(world.org, NOW - timedelta(days=2), likes=2)
    section = what_works(alice_client)
    card = section[section.index('id="what-works-saves"') :]
    assert '<p class="figure">6</p>' in card and "saves of 1 of 2 posts" in card
    assert "<th>Saves</th>" in section
    assert '<td data-label="Saves">6</td>' in section
    assert f'<td data-label="Saves">{DASH}</td>' in section
    assert '<p class="figure">11</p>' in section  # reactions: 3 + 6 saves + 2


@pytest.mark.parametrize(
    ("language", "shown", "reactions"),
    [("nl-be", "12.345", "6.789"), ("fr-be", "12\xa0345", "6\xa0789"), ("en", "12,345", "6,789")],
)
def test_views_and_reactions_are_written_in_the_readers_language(
    world: World, alice_client: Client, language: str, shown: str, reactions: str
) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=6789, views=12345)
    User.objects.filter(pk=world.alice.pk).update(language=language)
    with time_machine.travel(NOW, tick=False):
        html = alice_client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f'<td data-label="{_views_label(language)}">{shown}</td>' in html
    assert f'<p class="figure">{reactions}</p>' in html


def _views_label(language: str) -> str:
    with translation.override(language):
        return translation.gettext("Views")


# --- the monthly report ------------------------------------------------------------------------


def views_in_march(org: Organisation) -> None:
    """A month of work on Instagram, one post of which got views."""
    a_month_of_work(org)
    result = PostResult.objects.get(target__text="Nieuw: spelt zuurdesem")
    PostResult.objects.filter(pk=result.pk).update(views=2500)


def test_the_pdf_shows_views_and_which_posts_they_cover(world: World) -> None:
    views_in_march(world.org)
    text = text_of(get_at(client_at(IN_APRIL, world.alice), PDF.format("2026-03")).content)
    assert "Views 2,500 (views of 1 of 4 posts)" in text
    assert "Reactions Views" in text  # the best posts' table has a views column
    assert "Nieuw: spelt zuurdesem" in text and "40 2,500" in text
    assert f"25 {MISSING}" in text  # "Onze bakker om vier uur": views not given
    assert f"A dash ({MISSING}) means the network did not give this count" in text


def test_the_pdf_without_views_shows_a_dash_not_0(world: World) -> None:
    a_month_of_work(world.org)
    text = text_of(get_at(client_at(IN_APRIL, world.alice), PDF.format("2026-03")).content)
    assert f"Views {MISSING}" in text and "Views 0" not in text


def test_the_mail_shows_views_and_which_posts_they_cover(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    views_in_march(world.org)
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "2,500 views of 1 of 4 posts" in message.body
    assert "40 reactions, 2,500 views" in message.body
    assert "25 reactions, " not in message.body  # no views given: nothing said, not 0
    assert isinstance(message, EmailMultiAlternatives)
    html, _mime = message.alternatives[0]
    assert isinstance(html, str)
    assert "2,500 views of 1 of 4 posts" in html


def test_the_post_page_shows_views_and_saves_only_where_given(
    world: World, alice_client: Client
) -> None:
    seen = counted_post(world.org, timezone.now() - timedelta(days=2), likes=4, views=310, saves=2)
    unseen = counted_post(world.org, timezone.now() - timedelta(days=2), likes=1)
    page = alice_client.get(f"/o/{world.org.slug}/publiceren/{seen.target.post_id}/").text
    assert "Views 310" in page and "Saves 2" in page
    other = alice_client.get(f"/o/{world.org.slug}/publiceren/{unseen.target.post_id}/").text
    assert "Views" not in other and "Likes 1" in other
