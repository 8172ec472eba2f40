"""The Measure page: the plan's KPI targets, rhythm, response time and cost, for every member."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from klankbord.analytics.models import AudienceCount
from klankbord.analytics.tests.counted import counted_post, published_without_result
from klankbord.analytics.tests.figures import channel, item, kpi, plan_with_kpis, published
from klankbord.orgs.models import Role
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.test_steps import rows, save
from klankbord.test import World

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/meten/"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def page(client: Client) -> str:
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_plan_the_page_points_to_the_plan(alice_client: Client) -> None:
    shown = page(alice_client)
    assert 'id="measure-no-plan"' in shown
    assert 'href="/o/bakkerij-alice/plan/"' in shown


def test_kpi_targets_reach_measure(world: World, alice_client: Client) -> None:
    save(alice_client, 1, {"goals": ["leads"], "primary": "leads"})
    data = rows("kpis", {"goal": "leads", "indicator": "contactaanvragen", "target": "4",
                         "period": "month", "metric": "leads"})  # fmt: skip
    assert save(alice_client, 8, data).status_code == 302
    assert Plan.objects.get(organisation=world.org).kpis["kpis"][0]["metric"] == "leads"
    item(world.org, NOW - timedelta(days=2), is_lead=True)
    item(world.other_org, NOW - timedelta(days=2), is_lead=True)
    shown = page(alice_client)
    assert "contactaanvragen" in shown
    assert "Leads from social media" in shown
    assert '<progress max="100" value="25"' in shown  # 1 of 4
    assert "Behind" in shown  # 1 lead after 10 of 31 days is under 4 * 10/31


def test_an_unknown_metric_is_refused_with_a_clear_message(alice_client: Client) -> None:
    data = rows("kpis", {"goal": "leads", "indicator": "x", "target": "4", "period": "month",
                         "metric": "followers"})  # fmt: skip
    response = save(alice_client, 8, data)
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()


def test_the_page_shows_rhythm_response_and_cost(world: World, alice_client: Client) -> None:
    plan_with_kpis(world.org, kpi("", target=500))
    for days in range(1, 28, 7):
        published(world.org, NOW - timedelta(days=days), network="instagram")
    item(world.org, NOW - timedelta(days=1), answered_after=timedelta(hours=1), is_lead=True)
    shown = page(alice_client)
    assert 'id="measure-rhythm"' in shown
    assert "Instagram" in shown and "Facebook" in shown
    assert "you enter it at the review" in shown
    assert "Target: answer within 120 working minutes." in shown
    assert "1 of 1 answered messages were answered in time" in shown
    # € 808.33 a month; 10 of 31 days gone: € 260.75 for 2 posts (in March) and 1 lead.
    assert "€ 808.33 a month" in shown and "€ 260.75" in shown
    assert "€ 130.38 per post" in shown and "€ 260.75 per lead" in shown


def test_the_page_escapes_what_the_plan_says(world: World, alice_client: Client) -> None:
    row = kpi("", target=1)
    row["indicator"] = "<script>alert(1)</script>"
    plan_with_kpis(world.org, row)
    shown = page(alice_client)
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;" in shown


def test_it_stays_a_handful_of_queries(
    world: World, alice_client: Client, django_assert_max_num_queries
) -> None:
    plan_with_kpis(world.org, *[kpi(key) for key in ("posts_published", "leads", "mentions")])
    page(alice_client)  # warm: the inbox settings row is made on first use
    # About eight for the session, the layout and the plan; one per KPI; eight for the rest;
    # five for what works (the period, the one before, what waits, whether a channel exists,
    # the followers); one for the first month with a report (the first post or message); one
    # for the Google Business Profile locations; two for the answers per channel; four for the
    # charts (followers, reactions, messages, posts published); one for the monitors of the
    # share of voice (none here: their sources and mentions are not read); five for time and
    # return (the values, the minutes, the ad spend, the clicks, the leads), one for the
    # header's timer and three to keep the figures (read what was kept, write them anew).
    with django_assert_max_num_queries(45):
        page(alice_client)


def test_kept_figures_are_shown_with_a_few_queries(
    world: World, alice_client: Client, settings: Any, django_assert_max_num_queries
) -> None:
    settings.FIGURES_MAX_AGE_SECONDS = 600
    plan_with_kpis(world.org, *[kpi(key) for key in ("posts_published", "leads", "mentions")])
    page(alice_client)
    # About eight for the session, the layout and the header's timer; the plan, the kept
    # figures, the first month with a report and the session's save: none counts anything.
    with django_assert_max_num_queries(13):
        page(alice_client)


def test_every_member_reads_it_and_outsiders_get_404(world: World, charlie_client: Client) -> None:
    plan_with_kpis(world.org, kpi("posts_published"))
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    assert "KPIs this period" in page(client)
    assert charlie_client.get(URL).status_code == 404


def test_the_dashboard_card_counts_kpi_statuses(world: World, alice_client: Client) -> None:
    plan = plan_with_kpis(world.org, kpi("posts_published", target=1), kpi("", target=3))
    Plan.objects.filter(pk=plan.pk).update(next_review_on=date(2026, 6, 1))
    published(world.org, NOW - timedelta(days=1), network="mastodon")
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        shown = alice_client.get("/o/bakkerij-alice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="measure-card"' in shown
    assert "1 KPI achieved" in shown and "1 KPI to enter at the review" in shown
    assert "Next evaluation: 1 June 2026" in shown


# --- what works ---------------------------------------------------------------------------------


def what_works(client: Client, query: str = "") -> str:
    shown = page_at(client, URL + query)
    start = shown.index('id="what-works"')
    return shown[start : shown.index("</section>", start)]


def page_at(client: Client, url: str) -> str:
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_what_works_shows_without_a_plan_above_the_plan_prompt(
    world: World, alice_client: Client
) -> None:
    for days in (1, 2, 3):
        counted_post(world.org, NOW - timedelta(days=days), pillar="Tips", likes=4, shares=2)
    shown = page(alice_client)
    assert shown.index('id="what-works"') < shown.index('id="measure-no-plan"')
    section = what_works(alice_client)
    assert 'id="what-works-channels"' in section and "Mastodon @bakkerij-alice" in section
    assert 'id="what-works-pillars"' in section and "Tips" in section
    assert 'id="what-works-formats"' in section and "Text only" in section
    assert '<p class="figure">3</p>' in section and '<p class="figure">18</p>' in section
    assert '<p class="figure">6.0</p>' in section  # reactions per post
    assert '<rect width="100" height="1"/>' in section  # the best group's bar is full


def test_with_a_plan_what_works_comes_before_the_kpis(world: World, alice_client: Client) -> None:
    plan_with_kpis(world.org, kpi("posts_published"))
    counted_post(world.org, NOW - timedelta(days=1), likes=1)
    shown = page(alice_client)
    assert shown.index('id="what-works"') < shown.index('id="kpis"')
    assert 'id="measure-no-plan"' not in shown


def test_the_period_can_be_30_90_or_365_days(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=1)
    counted_post(world.org, NOW - timedelta(days=60), likes=10)
    assert '<p class="figure">1</p>' in what_works(alice_client)
    section = what_works(alice_client, "?dagen=90")
    assert '<p class="figure">11</p>' in section  # both posts' reactions
    assert '<option value="90" selected>Last 90 days</option>' in section


@pytest.mark.parametrize("days", ["7", "abc", "-30", "30.0", ""])
def test_a_period_not_offered_quietly_shows_30_days(
    world: World, alice_client: Client, days: str
) -> None:
    counted_post(world.org, NOW - timedelta(days=60), likes=10)
    section = what_works(alice_client, f"?dagen={days}")
    assert '<option value="30" selected>Last 30 days</option>' in section
    assert "Nothing was published in the last 30 days." in section


def test_the_change_against_the_period_before(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=6)
    counted_post(world.org, NOW - timedelta(days=2), likes=6)
    counted_post(world.org, NOW - timedelta(days=40), likes=4)  # in the 30 days before
    section = what_works(alice_client)
    assert "+100 % against the 30 days before (1)." in section  # posts
    assert "+200 % against the 30 days before (4)." in section  # reactions


def test_without_channels_it_says_to_connect_one(world: World, alice_client: Client) -> None:
    section = what_works(alice_client)
    assert "No channel is connected yet" in section
    assert 'href="/o/bakkerij-alice/instellingen/kanalen/"' in section


def test_a_client_viewer_is_not_sent_to_pages_they_cannot_use(world: World) -> None:
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    section = what_works(client)
    assert "An owner or manager of your organisation can connect one." in section
    assert "/instellingen/kanalen/" not in section
    channel(world.org, "mastodon")
    assert "Nothing was published" in (section := what_works(client))
    assert "/publiceren/nieuw/" not in section


def test_nothing_published_points_to_the_composer(world: World, alice_client: Client) -> None:
    channel(world.org, "mastodon")
    section = what_works(alice_client)
    assert "Nothing was published in the last 30 days." in section
    assert 'href="/o/bakkerij-alice/publiceren/nieuw/"' in section


def test_published_without_results_yet_says_when_they_arrive(
    world: World, alice_client: Client
) -> None:
    published_without_result(world.org, NOW - timedelta(minutes=20))
    section = what_works(alice_client)
    assert (
        "1 post went out in this period. Its results arrive about an hour after publishing."
        in section
    )
    counted_post(world.org, NOW - timedelta(days=2), likes=3)
    assert "1 more post is waiting for its results" in what_works(alice_client)


def test_small_groups_are_greyed_and_not_compared(world: World, alice_client: Client) -> None:
    for days in (1, 2, 3):
        counted_post(world.org, NOW - timedelta(days=days), pillar="Tips", likes=2)
    counted_post(world.org, NOW - timedelta(days=4), pillar="Aanbod", likes=90)
    section = what_works(alice_client)
    pillars = section[section.index('id="what-works-pillars"') :]
    pillars = pillars[: pillars.index("</table>")]
    assert pillars.index("Tips") < pillars.index("Aanbod")
    assert pillars.count('class="too-few"') == 1
    assert "Aanbod<br><small>too few posts to compare</small>" in pillars


def test_the_best_moments_are_in_words_and_the_top_three_stand_out(
    world: World, alice_client: Client
) -> None:
    # NOW is Tuesday 10 March, 13:00 in Brussels.
    moments = {0: 9, 1: 7, 2: 5, 3: 3}  # days back (from Tuesday afternoon): likes
    for back, likes in moments.items():
        for week in range(3):
            counted_post(world.org, NOW - timedelta(days=back, weeks=week, hours=1), likes=likes)
    section = what_works(alice_client)
    listed = section[section.index('id="what-works-moments"') :]
    assert listed.count('<li class="best">') == 3
    assert listed.index("Tuesday afternoon") < listed.index("Monday afternoon")
    assert (
        '<li class="best"><strong>Tuesday afternoon</strong>: 9.0 reactions per post (3 posts)'
        in listed
    )
    assert "<li>Saturday afternoon: 3.0 reactions per post (3 posts)</li>" in listed


def test_too_few_posts_for_any_moment(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=1), likes=3)
    assert 'id="what-works-no-moments"' in what_works(alice_client)


def test_the_best_posts_link_to_klankbord_and_to_the_network(
    world: World, alice_client: Client
) -> None:
    best = counted_post(world.org, NOW - timedelta(days=1), likes=12, shares=3, text="Desem!",
                        remote_url="https://social.example/@bakker/99")  # fmt: skip
    section = what_works(alice_client)
    top = section[section.index('id="what-works-top"') :]
    assert f'href="/o/bakkerij-alice/publiceren/{best.target.post_id}/">Desem!</a>' in top
    assert 'href="https://social.example/@bakker/99"' in top
    assert (
        '<td data-label="Likes">12</td><td data-label="Shares">3</td>'
        '<td data-label="Replies">0</td><td data-label="Quotes">0</td>'
        '<td data-label="Reactions"><strong>15</strong></td>'
    ) in top


def test_what_works_escapes_pillars_and_texts(world: World, alice_client: Client) -> None:
    counted_post(world.org, NOW - timedelta(days=1), pillar="<b>x</b>", text="<script>1</script>",
                 likes=1)  # fmt: skip
    section = what_works(alice_client)
    assert "<script>1</script>" not in section and "<b>x</b>" not in section
    assert "&lt;b&gt;x&lt;/b&gt;" in section


def test_a_client_viewer_sees_what_works_and_outsiders_get_404(
    world: World, charlie_client: Client
) -> None:
    counted_post(world.org, NOW - timedelta(days=1), pillar="Tips", likes=5)
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    assert "Tips" in what_works(client)
    assert charlie_client.get(URL).status_code == 404
    counted_post(world.other_org, NOW - timedelta(days=1), pillar="Geheim", likes=5)
    assert "Geheim" not in what_works(client)


def test_followers_per_channel_and_their_growth_in_the_period(
    world: World, alice_client: Client
) -> None:
    mastodon, bluesky = channel(world.org, "mastodon"), channel(world.org, "bluesky")
    for found, day, followers in [
        (mastodon, date(2026, 2, 1), 100),  # before the last 30 days
        (mastodon, date(2026, 3, 9), 125),
        (bluesky, date(2026, 3, 10), 40),  # connected today: nothing to compare yet
    ]:
        AudienceCount.objects.create(
            organisation=world.org, channel=found, day=day, followers=followers
        )
    AudienceCount.objects.create(
        organisation=world.other_org, channel=channel(world.other_org, "mastodon"),
        day=date(2026, 3, 9), followers=9999,
    )  # fmt: skip
    section = what_works(alice_client)
    table = section[section.index('id="what-works-audience"') :]
    assert "<td>125</td>" in table and "<td>+25</td>" in table
    assert "<td>40</td>" in table and "counted from today on" in table
    assert "9999" not in section
