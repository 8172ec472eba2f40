"""Tracked links: short links per post and channel, UTM parameters, and clicks without visitor
data, robots, link previews and HEAD requests left out."""

from datetime import datetime
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from klankbord.channels.models import Channel
from klankbord.publishing import scheduler, tracking
from klankbord.publishing.models import LinkClick, Post, ShortLink
from klankbord.publishing.services import post_create
from klankbord.test import World

pytestmark = pytest.mark.django_db

SITE = "https://kb.klankbord.eu"
BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
)
PREVIEWS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot/1.0",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0 A",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "http.rb/5.1.1 (Mastodon/4.3.0; +https://mastodon.social/)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "SomeCrawler/3.0",
    "python-requests/2.32",
    "",
]


@pytest.fixture(autouse=True)
def site(settings: object) -> None:
    settings.SITE_URL = SITE  # type: ignore[attr-defined]


@pytest.fixture
def mastodon(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="m1", handle="@bakker@social.be"
    )


@pytest.fixture
def bluesky(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="bluesky", external_id="b1", handle="bakker.bsky.social"
    )


def tracked_post(world: World, text: str, *channels: Channel, pillar: str = "") -> Post:
    post = post_create(
        organisation=world.org, author=world.alice, text=text, channels=channels, track_clicks=True
    )
    if pillar:
        Post.objects.filter(pk=post.pk).update(pillar=pillar)
        post.refresh_from_db()
    return post


def sent_text(post: Post, channel: Channel) -> str:
    return scheduler.outgoing(post.targets.get(channel=channel)).text


def code_of(short: str) -> str:
    assert short.startswith(SITE + "/r/")
    return short.removeprefix(SITE + "/r/")


def test_each_link_goes_out_as_a_short_link_per_channel(
    world: World, mastodon: Channel, bluesky: Channel
) -> None:
    text = "Nieuw: https://bakkerij.be/brood?soort=spelt. Ook https://bakkerij.be/taart!"
    post = tracked_post(world, text, mastodon, bluesky)
    on_mastodon, on_bluesky = sent_text(post, mastodon), sent_text(post, bluesky)
    assert "bakkerij.be" not in on_mastodon and "bakkerij.be" not in on_bluesky
    assert on_mastodon.startswith("Nieuw: " + SITE + "/r/") and on_mastodon.endswith("!")
    links = ShortLink.objects.order_by("pk")
    assert links.count() == 4  # two links on two channels
    assert len({link.code for link in links}) == 4
    # The same text goes out on a retry: the codes are kept.
    assert sent_text(post, mastodon) == on_mastodon


def test_a_post_without_tracking_goes_out_as_written(world: World, mastodon: Channel) -> None:
    post = post_create(
        organisation=world.org,
        author=world.alice,
        text="Zie https://bakkerij.be",
        channels=[mastodon],
    )
    assert sent_text(post, mastodon) == "Zie https://bakkerij.be"
    assert not ShortLink.objects.exists()


def test_utm_parameters_are_added_after_the_links_own(world: World, mastodon: Channel) -> None:
    post = tracked_post(
        world, "https://bakkerij.be/brood?soort=spelt#prijs", mastodon, pillar="Tips"
    )
    sent_text(post, mastodon)
    link = ShortLink.objects.get()
    assert link.url == "https://bakkerij.be/brood?soort=spelt#prijs"
    parts = urlsplit(link.destination)
    assert parts.fragment == "prijs"
    assert parse_qsl(parts.query) == [
        ("soort", "spelt"),
        ("utm_source", "mastodon"),
        ("utm_medium", "social"),
        ("utm_campaign", "Tips"),
    ]
    assert post.pillar == "Tips"


def test_the_campaign_is_klankbord_without_a_pillar(world: World, bluesky: Channel) -> None:
    sent_text(tracked_post(world, "https://bakkerij.be", bluesky), bluesky)
    assert ShortLink.objects.get().destination == (
        "https://bakkerij.be?utm_source=bluesky&utm_medium=social&utm_campaign=klankbord"
    )


def test_utm_parameters_the_author_chose_are_not_added_twice(
    world: World, mastodon: Channel
) -> None:
    chosen = "https://bakkerij.be/?UTM_source=nieuwsbrief&x=1"
    sent_text(tracked_post(world, chosen, mastodon), mastodon)
    assert ShortLink.objects.get().destination == chosen


def test_a_javascript_target_is_refused_when_the_link_is_made(
    world: World, mastodon: Channel
) -> None:
    post = tracked_post(world, "Geen link", mastodon)
    target = post.targets.get()
    for crafted in [
        "javascript:alert(1)",
        "JaVaScRiPt://bakkerij.be/%0aalert(1)",
        "data:text/html,x",
    ]:
        with pytest.raises(ValidationError):
            tracking.short_link_for(target=target, url=crafted)
    assert not ShortLink.objects.exists()
    # Nor can one be stored past the service: the database refuses it too.
    with pytest.raises(IntegrityError):
        ShortLink.objects.create(
            organisation=world.org, target=target, code="abc", url="x", destination="javascript:x"
        )


def test_a_code_leads_to_its_stored_target_and_nowhere_else(
    world: World, mastodon: Channel, client: Client
) -> None:
    sent_text(tracked_post(world, "https://bakkerij.be/brood", mastodon), mastodon)
    link = ShortLink.objects.get()
    path = reverse("short_link", args=[link.code])
    for query in ["", "?next=https://evil.example", "?url=javascript:alert(1)"]:
        response = client.get(path + query, HTTP_USER_AGENT=BROWSER)
        assert response.status_code == 302
        assert response["Location"] == link.destination
        assert response["Cache-Control"] == "no-store"
    assert client.get(path + "/https://evil.example").status_code == 404


def test_an_unknown_code_is_not_found(client: Client, world: World) -> None:
    response = client.get(reverse("short_link", args=["onbekend"]), HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 404
    assert not LinkClick.objects.exists()


def test_clicks_are_counted_per_channel_and_day_without_visitor_data(
    world: World, mastodon: Channel, bluesky: Channel, client: Client
) -> None:
    post = tracked_post(world, "https://bakkerij.be", mastodon, bluesky)
    on_mastodon = code_of(sent_text(post, mastodon))
    on_bluesky = code_of(sent_text(post, bluesky))
    zone = ZoneInfo(world.org.timezone)
    # 23:30 in Brussels is still the 5th there, though already past midnight in UTC+0's 22:30.
    with time_machine.travel(datetime(2026, 12, 5, 23, 30, tzinfo=zone), tick=False):
        for _i in range(3):
            client.get(f"/r/{on_mastodon}", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.9")
        client.get(f"/r/{on_bluesky}", HTTP_USER_AGENT=BROWSER)
    with time_machine.travel(datetime(2026, 12, 6, 9, 0, tzinfo=zone), tick=False):
        client.get(f"/r/{on_mastodon}", HTTP_USER_AGENT=BROWSER)
    rows = LinkClick.objects.order_by("link__target__channel__network", "day")
    assert [(r.link.target.channel.network, str(r.day), r.count) for r in rows] == [
        ("bluesky", "2026-12-05", 1),
        ("mastodon", "2026-12-05", 3),
        ("mastodon", "2026-12-06", 1),
    ]
    # Only a link, a day and a count are kept: nothing about who clicked.
    assert {field.name for field in LinkClick._meta.get_fields()} == {"id", "link", "day", "count"}
    targets = {t.channel_id: t.pk for t in post.targets.all()}
    assert tracking.clicks_per_target(list(targets.values())) == {
        targets[mastodon.pk]: 4,
        targets[bluesky.pk]: 1,
    }


@pytest.mark.parametrize("agent", PREVIEWS)
def test_link_previews_and_robots_are_not_counted(
    world: World, mastodon: Channel, client: Client, agent: str
) -> None:
    sent_text(tracked_post(world, "https://bakkerij.be", mastodon), mastodon)
    link = ShortLink.objects.get()
    response = client.get(f"/r/{link.code}", HTTP_USER_AGENT=agent)
    assert response.status_code == 302 and response["Location"] == link.destination
    assert not LinkClick.objects.exists()


def test_head_requests_and_prefetches_are_not_counted(
    world: World, mastodon: Channel, client: Client
) -> None:
    sent_text(tracked_post(world, "https://bakkerij.be", mastodon), mastodon)
    link = ShortLink.objects.get()
    assert client.head(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 302
    client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER, HTTP_SEC_PURPOSE="prefetch")
    assert not LinkClick.objects.exists()
    assert client.post(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 405
    client.get(f"/r/{link.code}", HTTP_USER_AGENT=BROWSER)
    assert LinkClick.objects.get().count == 1


def test_the_counter_counts_the_short_link_not_the_long_one(
    world: World, bluesky: Channel, alice_client: Client
) -> None:
    long_link = "https://bakkerij.be/" + "brood/" * 60
    text = f"Lees {long_link}"
    url = reverse("compose_count", args=[world.org.slug])
    plain = alice_client.post(url, {"text": text, "channels": [bluesky.pk]}).content.decode()
    assert f"{len(text)} / 300" in plain  # Bluesky counts a link in full: too long
    tracked = alice_client.post(
        url, {"text": text, "channels": [bluesky.pk], "track_clicks": "on"}
    ).content.decode()
    short = len(f"Lees {SITE}/r/") + tracking.CODE_LENGTH
    assert f"{short} / 300" in tracked


def test_mastodon_counts_every_link_as_23_tracked_or_not(world: World, mastodon: Channel) -> None:
    post = tracked_post(world, "Lees https://bakkerij.be/" + "x" * 200, mastodon)
    assert tracking.counted_text(post.text).startswith(f"Lees {SITE}/r/")
    from klankbord.publishing.checks import count_for

    assert count_for(mastodon, tracking.counted_text(post.text)).used == len("Lees ") + 23


def test_the_composer_saves_the_choice_and_warns_without_a_public_address(
    world: World, mastodon: Channel, alice_client: Client, settings: object
) -> None:
    compose = reverse("compose", args=[world.org.slug])
    page = alice_client.get(compose).content.decode()
    assert 'name="track_clicks"' in page and 'id="track-clicks-local"' not in page
    settings.SITE_URL = "http://localhost:8000"  # type: ignore[attr-defined]
    assert 'id="track-clicks-local"' in alice_client.get(compose).content.decode()
    data = {"text": "https://bakkerij.be", "channels": [mastodon.pk], "action": "draft"}
    alice_client.post(compose, {**data, "track_clicks": "on"})
    assert Post.objects.get().track_clicks


@pytest.mark.parametrize(
    ("site_url", "public"),
    [
        ("https://klankbord.bakkerij.be", True),
        ("http://9.9.9.9", True),
        ("http://localhost:8000", False),
        ("http://127.0.0.1:8000", False),
        ("http://192.168.1.20", False),
        ("http://klankbord.local", False),
        ("http://testserver", False),
    ],
)
def test_it_knows_whether_the_address_is_public(
    settings: object, site_url: str, public: bool
) -> None:
    settings.SITE_URL = site_url  # type: ignore[attr-defined]
    assert tracking.site_is_public() is public


def test_the_post_page_shows_the_clicks_per_channel(
    world: World, mastodon: Channel, alice_client: Client, client: Client
) -> None:
    post = tracked_post(world, "https://bakkerij.be", mastodon)
    code = code_of(sent_text(post, mastodon))
    client.get(f"/r/{code}", HTTP_USER_AGENT=BROWSER)
    client.get(f"/r/{code}", HTTP_USER_AGENT=BROWSER)
    page = alice_client.get(reverse("post_detail", args=[world.org.slug, post.pk])).content
    assert "2 clicks on its links" in page.decode()


def test_a_google_buttons_link_is_tracked_too(world: World) -> None:
    google = Channel.objects.create(
        organisation=world.org, network="google", external_id="g1", handle="Bakkerij Alice"
    )
    post = post_create(
        organisation=world.org,
        author=world.alice,
        text="Bestel je taart",
        channels=[google],
        network_options={"google": {"action": "ORDER", "url": "https://bakkerij.be/bestel"}},
        track_clicks=True,
    )
    options = scheduler.outgoing(post.targets.get()).options
    assert options["url"] == f"{SITE}/r/{ShortLink.objects.get().code}"
    assert ShortLink.objects.get().destination == (
        "https://bakkerij.be/bestel?utm_source=google&utm_medium=social&utm_campaign=klankbord"
    )


def test_a_link_too_long_to_keep_goes_out_as_written(world: World, mastodon: Channel) -> None:
    text = "https://bakkerij.be/?q=" + "x" * tracking.MAX_LINK_CHARS
    assert sent_text(tracked_post(world, text, mastodon), mastodon) == text
    assert not ShortLink.objects.exists()


def test_a_post_too_long_with_its_long_link_may_go_out_with_the_short_one(
    world: World, bluesky: Channel
) -> None:
    from klankbord.publishing.checks import blocking_problems

    text = "Lees https://bakkerij.be/" + "brood/" * 60
    post = tracked_post(world, text, bluesky)
    assert blocking_problems(post) == []
    Post.objects.filter(pk=post.pk).update(track_clicks=False)
    post.refresh_from_db()
    assert f"({len(text)} " in blocking_problems(post)[0]  # of 300: too long
