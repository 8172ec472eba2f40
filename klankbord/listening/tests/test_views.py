import io
import json

import pytest
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.core.tests.workers import worker_at_hand
from klankbord.listening import pipeline
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.models import AuditEvent
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/luisteren/"


@pytest.fixture
def heard(world: World) -> Monitor:
    monitor = Monitor.objects.create(organisation=world.org, name="Bakkerij", query="bakker*")
    feed = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    texts = ["Slechte bakker, koud brood en onvriendelijk", "Wie kent een goede bakker in Leuven?"]
    items = [pipeline.Item(network="rss", remote_id=str(n), text=t) for n, t in enumerate(texts)]
    pipeline.run(feed, items)
    return monitor


def test_the_listen_page_shows_monitors_and_latest_mentions(
    alice_client: Client, heard: Monitor
) -> None:
    page = alice_client.get(BASE).content.decode()
    assert "Bakkerij" in page and "Wie kent een goede bakker in Leuven?" in page


def test_a_monitor_is_created_and_audited(alice_client: Client, world: World) -> None:
    response = alice_client.post(
        BASE + "monitors/nieuw/",
        {"name": "Leads", "kind": "trade", "query": 'boekhoud* OR "btw aangifte"'},
    )
    monitor = Monitor.objects.get(organisation=world.org)
    assert response.status_code == 302 and monitor.query == 'boekhoud* OR "btw aangifte"'
    assert AuditEvent.objects.filter(action="listening.monitor_created").exists()


def test_a_bad_query_is_explained_and_nothing_is_saved(alice_client: Client) -> None:
    response = alice_client.post(
        BASE + "monitors/nieuw/", {"name": "X", "kind": "brand", "query": "(bakker OR brood"}
    )
    assert response.status_code == 422
    assert "Parenthesis not closed" in response.content.decode()
    assert not Monitor.objects.exists()


def test_the_preview_shows_stored_matches_and_points_at_errors(
    alice_client: Client, heard: Monitor
) -> None:
    found = alice_client.post(
        BASE + "monitors/voorbeeld/", {"query": "bakker NOT slechte"}
    ).content.decode()
    assert "1 stored mention matches" in found and "Wie kent een goede <mark>bakker</mark>" in found

    wrong = alice_client.post(
        BASE + "monitors/voorbeeld/", {"query": "bakker AND"}
    ).content.decode()
    assert 'role="alert"' in wrong and "<mark>" in wrong


def test_the_monitor_page_filters_by_sentiment_and_intent(
    alice_client: Client, heard: Monitor
) -> None:
    url = f"{BASE}monitors/{heard.pk}/"
    negative = alice_client.get(url, {"sentiment": "negative"}).content.decode()
    assert "Slechte <mark>bakker" in negative and "Wie kent" not in negative
    leads = alice_client.get(url, {"intent": "lead"}).content.decode()
    assert "Wie kent" in leads and "Slechte" not in leads
    searched = alice_client.get(url, {"q": "koud", "since": "not-a-date"}).content.decode()
    assert "Slechte <mark>bakker" in searched


def test_sources_page_adds_a_search_and_imports_a_file(alice_client: Client, world: World) -> None:
    channel = Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="1", handle="alice@m.test"
    )
    response = alice_client.post(
        BASE + "bronnen/", {"action": "search", "channel": channel.pk, "term": "#leuven"}
    )
    assert response.status_code == 302
    assert Source.objects.filter(kind=Source.Kind.SEARCH, term="#leuven").exists()

    upload = io.BytesIO((json.dumps({"text": "Mentie uit een export"}) + "\n{kapot\n").encode())
    upload.name = "export.jsonl"
    with worker_at_hand():
        sent = alice_client.post(BASE + "bronnen/", {"action": "import", "file": upload})
    assert Mention.objects.filter(text="Mentie uit een export").exists()
    assert (
        "Line 2:" in alice_client.get(sent["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_another_organisations_monitor_is_not_found(charlie_client: Client, heard: Monitor) -> None:
    assert (
        charlie_client.get(f"/o/garage-charlie/luisteren/monitors/{heard.pk}/").status_code == 404
    )


def test_the_trend_counts_each_day_and_sentiment(world: World, heard: Monitor) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from klankbord.listening import selectors

    Mention.objects.filter(remote_id="0").update(published_at=timezone.now() - timedelta(days=2))
    found = selectors.mentions_of(world.org, selectors.MentionFilters(monitor=heard))
    days = selectors.trend(found)

    assert len(days) == 30 and sum(day["total"] for day in days) == 2
    assert days[-1]["total"] == 1 and days[-3]["negative"] == 1


def test_the_monitors_words_are_marked_and_nothing_else_gets_in() -> None:
    from klankbord.listening.templatetags.listening_tags import highlight

    marked = highlight(
        "<script>x</script> Bakkerij & bakker, geen bakkers", ("bakker", "bakkerij*")
    )
    assert marked == (
        "&lt;script&gt;x&lt;/script&gt; <mark>Bakkerij</mark> &amp; <mark>bakker</mark>, "
        "geen bakkers"
    )
    assert highlight("a < b", ()) == "a &lt; b"


def test_the_monitor_page_marks_its_query_words(alice_client: Client, heard: Monitor) -> None:
    page = alice_client.get(f"{BASE}monitors/{heard.pk}/").content.decode()
    assert "<mark>bakker</mark>" in page


def test_the_trend_puts_a_late_evening_mention_on_the_local_day(
    world: World, heard: Monitor
) -> None:
    from datetime import UTC, date, datetime

    import time_machine

    from klankbord.listening import selectors

    # 23:30 UTC on 20 November is 00:30 on 21 November in Brussels.
    Mention.objects.filter(remote_id="0").update(
        published_at=datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    )
    Mention.objects.filter(remote_id="1").update(
        published_at=datetime(2026, 11, 20, 22, 30, tzinfo=UTC)
    )
    with time_machine.travel(datetime(2026, 11, 23, 12, 0, tzinfo=UTC), tick=False):
        found = selectors.mentions_of(world.org, selectors.MentionFilters(monitor=heard))
        days = {day["day"]: day["total"] for day in selectors.trend(found)}
    assert days[date(2026, 11, 21)] == 1 and days[date(2026, 11, 20)] == 1
