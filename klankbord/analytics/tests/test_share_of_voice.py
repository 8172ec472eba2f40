"""Share of voice: the business's mentions against each competitor's, per period."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from klankbord.analytics import export, report
from klankbord.analytics.tests.figures import channel, mention
from klankbord.analytics.voice import share_of_voice
from klankbord.core.tests.conftest import translations
from klankbord.lib import pdf
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.models import Organisation, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
__all__ = ["translations"]
URL = "/o/bakkerij-alice/meten/"
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
START, END = date(2026, 2, 9), date(2026, 3, 10)  # the last 30 days in Brussels


def monitor(org: Organisation, name: str, kind: str, *sources: Source) -> Monitor:
    found = Monitor.objects.create(organisation=org, name=name, kind=kind, query=name)
    found.sources.set(sources)
    return found


def said(
    org: Organisation, at: datetime, *monitors: Monitor, sentiment: str = "neutral"
) -> Mention:
    found = mention(org, at, sentiment)
    found.monitors.add(*monitors)
    return found


def source(org: Organisation, name: str, network: str = "mastodon") -> Source:
    return Source.objects.create(
        organisation=org, kind=Source.Kind.SEARCH, channel=channel(org, network), name=name
    )


def page(client: Client, query: str = "") -> str:
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        response = client.get(URL + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    shown = response.content.decode()
    start = shown.index('id="share-of-voice"')
    return shown[start : shown.index("</section>", start)]


def test_it_counts_each_side_once_and_shares_add_up(world: World) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    product = monitor(world.org, "Pistolets", Monitor.Kind.PRODUCT)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    quiet = monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    monitor(world.org, "bakker Leuven", Monitor.Kind.TRADE)
    day = NOW - timedelta(days=3)
    said(world.org, day, brand, product, sentiment="positive")  # both own monitors: once
    said(world.org, day, brand, sentiment="positive")
    said(world.org, day, rival, sentiment="negative")
    said(world.org, day, brand, rival, sentiment="negative")  # names both: once on each side
    with time_machine.travel(NOW, tick=False):
        found = share_of_voice(world.org, START, END)
    assert found.own is not None
    assert (found.own.mentions, found.own.share) == (3, 60.0)
    assert found.own.sentiments == {"positive": 2, "neutral": 0, "negative": 1}
    assert found.own.net_sentiment == 33  # (2 - 1) / 3
    assert [(s.label, s.mentions, s.share) for s in found.competitors] == [
        ("Bakkerij Bert", 2, 40.0),
        ("Broodhuis", 0, 0.0),
    ]
    assert found.competitors[0].net_sentiment == -100
    assert found.competitors[1].net_sentiment is None
    assert found.total == 5
    assert quiet.pk and product.pk


def test_the_previous_period_gives_the_change(world: World) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    for days in (1, 2, 3, 4):
        said(world.org, NOW - timedelta(days=days), brand)
    said(world.org, NOW - timedelta(days=1), rival)
    for days in (35, 40):  # the 30 days before
        said(world.org, NOW - timedelta(days=days), brand, rival)
    found = share_of_voice(world.org, START, END)
    assert found.own is not None
    assert (found.own.previous, found.own.change) == (2, 100)
    assert (found.own.share, found.own.previous_share, found.own.share_change) == (80.0, 50.0, 30.0)
    assert (found.competitors[0].previous, found.competitors[0].change) == (2, -50)


def test_period_ends_are_local_days_in_the_organisations_time_zone(world: World) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    # 9 February 00:30 in Brussels is 8 February 23:30 UTC: in the period.
    said(world.org, datetime(2026, 2, 8, 23, 30, tzinfo=UTC), brand)
    # 8 February 23:59 in Brussels: the period before.
    said(world.org, datetime(2026, 2, 8, 22, 59, tzinfo=UTC), brand)
    # 10 March 23:30 in Brussels is 22:30 UTC: still in; 11 March 00:10 (23:10 UTC) is not.
    said(world.org, datetime(2026, 3, 10, 22, 30, tzinfo=UTC), brand)
    said(world.org, datetime(2026, 3, 10, 23, 10, tzinfo=UTC), brand)
    found = share_of_voice(world.org, START, END)
    assert found.own is not None
    assert (found.own.mentions, found.own.previous) == (2, 1)
    weekly = found.weekly(found.own)
    assert found.weeks[0] == date(2026, 2, 9) and weekly[0] == 1  # a Monday
    assert found.weeks[-1] == date(2026, 3, 9) and weekly[-1] == 1
    assert sum(weekly) == 2


def test_only_the_organisations_own_mentions_count(world: World) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    theirs = monitor(world.other_org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    said(world.other_org, NOW - timedelta(days=1), theirs)
    # A link across organisations must never count, even if one slipped into the table.
    said(world.other_org, NOW - timedelta(days=1), rival)
    said(world.org, NOW - timedelta(days=1), brand)
    with translation.override("en"):
        found = share_of_voice(world.org, START, END)
    assert found.total == 1
    assert [side.label for side in found.sides] == ["Your business", "Bakkerij Bert"]
    assert found.competitors[0].mentions == 0


def test_without_a_competitor_there_is_no_share_and_no_division(world: World) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    said(world.org, NOW - timedelta(days=1), brand)
    found = share_of_voice(world.org, START, END)
    assert not found.comparable and found.competitors == []
    assert found.own is not None and found.own.share == 100.0


def test_sources_are_listed_and_a_difference_is_flagged(world: World) -> None:
    local = source(world.org, "#leuven")
    everywhere = Source.objects.create(
        organisation=world.org, kind=Source.Kind.FEED, name="Het Nieuwsblad"
    )
    Source.objects.create(organisation=world.other_org, kind=Source.Kind.FEED, name="Garage news")
    monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND, local)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    with translation.override("en"):
        found = share_of_voice(world.org, START, END)
    assert found.own is not None
    assert [(w.name, w.network) for w in found.own.sources] == [("#leuven", "Mastodon")]
    bert = found.competitors[0]
    assert bert.all_sources
    read = {(w.name, w.network) for w in bert.sources}
    assert {("#leuven", "Mastodon"), ("Het Nieuwsblad", "RSS/Atom feed")} <= read
    assert all(name != "Garage news" for name, _network in read)
    assert not found.like_for_like
    rival.sources.set([local])
    assert share_of_voice(world.org, START, END).like_for_like
    # Ticking every source is the same as ticking none.
    for found_monitor in Monitor.objects.filter(organisation=world.org):
        found_monitor.sources.set(Source.objects.filter(organisation=world.org))
    assert share_of_voice(world.org, START, END).like_for_like
    rival.sources.clear()
    assert share_of_voice(world.org, START, END).like_for_like
    assert everywhere.pk


# --- on the Measure page ------------------------------------------------------------------------


def test_measure_shows_the_comparison_as_a_table_and_a_chart(
    world: World, alice_client: Client
) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij <Bert>", Monitor.Kind.COMPETITOR)
    monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    said(world.org, NOW - timedelta(days=2), brand, sentiment="positive")
    said(world.org, NOW - timedelta(days=2), brand)
    said(world.org, NOW - timedelta(days=9), brand)
    said(world.org, NOW - timedelta(days=2), rival, sentiment="negative")
    shown = page(alice_client)
    assert 'id="share-of-voice-table"' in shown
    assert "75.0 %" in shown and "25.0 %" in shown
    assert f'id="share-of-voice-competitor-{rival.pk}"' in shown
    assert "Bakkerij &lt;Bert&gt;" in shown and "Bakkerij <Bert>" not in shown
    quiet = shown[shown.index("Broodhuis") :]
    assert "0.0 %" in quiet[: quiet.index("</tr>")]  # a competitor nobody mentioned: 0 %, shown
    assert "+33" in shown and "-100" in shown  # net sentiment
    assert 'id="chart-share_of_voice"' in shown and "Show as table" in shown
    assert 'id="share-of-voice-unequal"' not in shown  # all monitors read every source
    assert 'href="/o/bakkerij-alice/meten/tabel/share-of-voice.csv?dagen=30"' in shown
    assert 'href="/o/bakkerij-alice/luisteren/monitors/nieuw/?soort=competitor"' in shown


def test_measure_explains_how_to_add_a_competitor(world: World, alice_client: Client) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    said(world.org, NOW - timedelta(days=2), brand)
    shown = page(alice_client)
    assert 'id="share-of-voice-empty"' in shown
    assert "Then add a monitor of the type “Competitor”" in shown
    assert 'href="/o/bakkerij-alice/luisteren/monitors/nieuw/?soort=competitor"' in shown
    assert 'id="share-of-voice-table"' not in shown


def test_a_client_viewer_is_not_sent_to_the_monitor_editor(world: World) -> None:
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    shown = page(client)
    assert 'id="share-of-voice-empty"' in shown
    assert "/monitors/nieuw/" not in shown
    assert "can add monitors" in shown


def test_the_monitor_form_offers_competitor_with_an_explanation(alice_client: Client) -> None:
    with translation.override("en"):
        url = "/o/bakkerij-alice/luisteren/monitors/nieuw/?soort=competitor"
        shown = alice_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'type="radio" name="kind" value="competitor"' in shown
    checked = shown[shown.index('value="competitor"') :]
    assert checked[: checked.index(">")].endswith("checked")
    assert "share of voice" in shown


def test_an_unknown_type_in_the_address_is_ignored(alice_client: Client) -> None:
    url = "/o/bakkerij-alice/luisteren/monitors/nieuw/?soort=<script>"
    shown = alice_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<script>" not in shown.split("</head>", 1)[1].replace("<script src", "")
    assert 'value="brand" required id="id_kind_0" checked' in shown


def test_the_comparison_downloads_with_a_neutralised_name(
    world: World, alice_client: Client
) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, '=HYPERLINK("https://evil.example")', Monitor.Kind.COMPETITOR)
    said(world.org, NOW - timedelta(days=2), brand, rival, sentiment="negative")
    said(world.org, NOW - timedelta(days=2), brand)
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        url = "/o/bakkerij-alice/meten/tabel/share-of-voice.csv?dagen=30"
        response = alice_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Who", "Monitors", "Mentions", "Mentions in the period before",
                           "Share of voice (%)"]  # fmt: skip
    own = ["Your business", "Bakkerij Alice", "2", "0", "66.7", "0", "1", "1", "-50"]
    assert rows[1][:9] == own  # 0 positive, 1 neutral, 1 negative: net -50
    assert rows[2][0] == "'" + rival.name and rows[2][2:5] == ["1", "0", "33.3"]
    assert rows[2][9].startswith("Every source: ")


def test_it_takes_five_queries_however_many_monitors_and_mentions(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND, source(world.org, "#leuven"))
    product = monitor(world.org, "Pistolets", Monitor.Kind.PRODUCT)
    rivals = [monitor(world.org, f"Bakker {n}", Monitor.Kind.COMPETITOR) for n in range(4)]
    for days in range(40):
        said(world.org, NOW - timedelta(days=days), brand, product, *rivals[: days % 4 + 1])
    # The monitors, their sources, every source (one reads all), own mentions, competitors'.
    with django_assert_max_num_queries(5):
        found = share_of_voice(world.org, START, END)
    assert found.own is not None and found.own.mentions == 30
    # Days 0-29 ago: 8 of them 0 mod 4, 8 are 1, 7 are 2 and 7 are 3.
    assert [side.mentions for side in found.competitors] == [30, 22, 14, 7]


# --- a paused monitor ---------------------------------------------------------------------------


def test_a_side_knows_its_paused_monitors_without_another_query(
    world: World, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    product = monitor(world.org, "Pistolets", Monitor.Kind.PRODUCT)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    Monitor.objects.filter(pk__in=[product.pk, rival.pk]).update(active=False)
    with django_assert_max_num_queries(5), translation.override("en"):
        found = share_of_voice(world.org, START, END)
        assert found.own is not None
        assert found.own.paused == ["Pistolets"]
        assert found.own.paused_text == "paused: Pistolets"  # the brand still listens
        bert, quiet = found.competitors
        assert (bert.paused, bert.paused_text) == (["Bakkerij Bert"], "paused")
        assert (quiet.paused, quiet.paused_text) == ([], "")
    assert found.any_paused and brand.pk
    Monitor.objects.filter(organisation=world.org).update(active=True)
    assert not share_of_voice(world.org, START, END).any_paused


def test_measure_marks_a_paused_competitor_and_says_why_it_matters(
    world: World, alice_client: Client
) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    quiet = monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    said(world.org, NOW - timedelta(days=2), brand, rival)
    Monitor.objects.filter(pk=rival.pk).update(active=False)
    shown = page(alice_client)
    paused = shown[shown.index(f'id="share-of-voice-competitor-{rival.pk}"') :]
    assert "(paused)" in paused[: paused.index("</th>")]  # in words, not only a colour
    active = shown[shown.index(f'id="share-of-voice-competitor-{quiet.pk}"') :]
    assert "paused" not in active[: active.index("</tr>")]
    own = shown[shown.index('id="share-of-voice-own"') :]
    assert "paused" not in own[: own.index("</tr>")]
    notice = shown[shown.index('id="share-of-voice-paused"') :]
    notice = notice[: notice.index("</div>")]
    assert "a paused monitor finds no new mentions" in notice and 'role="note"' in shown
    assert 'href="/o/bakkerij-alice/luisteren/"' in notice  # to the monitors, for an editor
    Monitor.objects.filter(pk=rival.pk).update(active=True)
    shown = page(alice_client)
    assert 'id="share-of-voice-paused"' not in shown and "(paused)" not in shown


def test_a_client_viewer_sees_the_notice_without_the_link(world: World) -> None:
    monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    Monitor.objects.filter(pk=rival.pk).update(active=False)
    client = Client()
    client.force_login(world.member(Role.CLIENT))
    shown = page(client)
    notice = shown[shown.index('id="share-of-voice-paused"') :]
    assert "/luisteren/" not in notice[: notice.index("</div>")]


def test_the_notice_and_the_mark_are_in_dutch_and_french(
    world: World, alice_client: Client, translations: None
) -> None:
    monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    Monitor.objects.filter(pk=rival.pk).update(active=False)
    for language, mark, words in [
        ("nl-be", "(gepauzeerd)", "Niet elke monitor luistert:"),
        ("fr-be", "(en pause)", "Tous les moniteurs n'écoutent pas :"),
    ]:
        world.alice.language = language
        world.alice.save(update_fields=["language"])
        with translation.override(language), time_machine.travel(NOW, tick=False):
            shown = alice_client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert mark in shown and words in shown


def test_the_download_names_the_paused_monitors(world: World, alice_client: Client) -> None:
    brand = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, '=HYPERLINK("https://evil.example")', Monitor.Kind.COMPETITOR)
    monitor(world.org, "Broodhuis", Monitor.Kind.COMPETITOR)
    said(world.org, NOW - timedelta(days=2), brand, rival)
    Monitor.objects.filter(pk=rival.pk).update(active=False)
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        url = "/o/bakkerij-alice/meten/tabel/share-of-voice.csv?dagen=30"
        response = alice_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][10] == "Paused monitors"
    assert rows[1][10] == ""  # your business: every monitor listens
    assert rows[2][10] == "'" + rival.name  # neutralised like the name
    assert rows[3][0] == "Broodhuis" and rows[3][10] == ""


def test_the_report_marks_the_paused_side_and_notes_it(world: World) -> None:
    monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(world.org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    Monitor.objects.filter(pk=rival.pk).update(active=False)
    with translation.override("en"), time_machine.travel(NOW, tick=False):
        found = share_of_voice(world.org, START, END)
        blocks = export._voice_blocks(found)
        line = "; ".join(report._voice_side(side) for side in found.sides)  # the mail's line
    table = next(block for block in blocks if isinstance(block, pdf.Table))
    assert [row[0] for row in table.rows] == [
        "Your business",
        "Bakkerij Bert (competitor) (paused)",
    ]
    notes = [block.text for block in blocks if isinstance(block, pdf.Note)]
    assert any(note.startswith("Not every monitor is listening:") for note in notes)
    assert "Bakkerij Bert (paused) — (0 mentions)" in line
