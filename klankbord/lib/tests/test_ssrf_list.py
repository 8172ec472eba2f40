"""Every address on the SSRF list (data/ssrf_urls.txt) is refused by every input that takes a URL,
typed directly or reached through a redirect, and nothing ever connects to the listener."""

from collections.abc import Callable

import pytest

from klankbord.channels.forms import BlueskyForm, FeedForm, MastodonForm
from klankbord.channels.networks import mastodon
from klankbord.channels.networks.base import ConnectorError
from klankbord.channels.networks.bluesky import PUBLIC_PDS, BlueskyConnector
from klankbord.channels.networks.rss import FeedConnector
from klankbord.channels.services import allow_loopback
from klankbord.channels.views import mastodon_app
from klankbord.inbox import handoff
from klankbord.inbox.forms import InboxSettingsForm
from klankbord.inbox.models import InboxSettings, Item
from klankbord.lib import http
from klankbord.lib.tests.ssrf import Fakes, redirect_target_is_sendable, ssrf_urls
from klankbord.listening.alerts import post_webhook
from klankbord.listening.forms import WebhookForm
from klankbord.listening.models import URGENT_BY_DEFAULT, Mention, Source, Webhook
from klankbord.publishing.links import LinkPreviewError, fetch_preview, first_link
from klankbord.test import World

pytestmark = pytest.mark.django_db
REDIRECTS = [301, 302, 303, 307, 308]

# Each input as its view handles it: the text of the error the user sees, or "" when accepted.
Input = Callable[[str, World], str]


def feed_address(url: str, world: World) -> str:
    form = FeedForm({"url": url})
    if not form.is_valid():
        return str(form.errors["url"])
    try:
        FeedConnector.locate(form.cleaned_data["url"], allow_loopback=allow_loopback())
    except ConnectorError as error:
        return error.message
    return ""


def mastodon_server(url: str, world: World) -> str:
    form = MastodonForm({"instance": url})
    if not form.is_valid():
        return str(form.errors["instance"])
    try:
        mastodon_app(mastodon.normalise_instance(form.cleaned_data["instance"]))
    except ConnectorError as error:
        return error.message
    return ""


def bluesky_server(url: str, world: World) -> str:
    form = BlueskyForm({"handle": "bakkerij.bsky.social", "app_password": "abcd", "pds": url})
    if not form.is_valid():
        return str(form.errors["pds"])
    try:
        BlueskyConnector.log_in(
            handle=form.cleaned_data["handle"],
            app_password=form.cleaned_data["app_password"],
            pds=(form.cleaned_data["pds"] or PUBLIC_PDS).rstrip("/"),
            allow_loopback=allow_loopback(),
        )
    except ConnectorError as error:
        return error.message
    return ""


def mention_webhook(url: str, world: World) -> str:
    form = WebhookForm({"url": url, "urgencies": URGENT_BY_DEFAULT})
    return str(form.errors.get("url", ""))


def lead_webhook(url: str, world: World) -> str:
    data = {"target_minutes": "120", "holiday_region": "BE-VLG", "lead_webhook_url": url}
    form = InboxSettingsForm(data, instance=InboxSettings(organisation=world.org))
    return str(form.errors.get("lead_webhook_url", ""))


def link_preview(url: str, world: World) -> str:
    link = first_link(f"Kijk eens: {url}")
    if not link:
        return "no link"
    try:
        fetch_preview(link, allow_loopback=allow_loopback())
    except LinkPreviewError as error:
        return str(error)
    return ""


INPUTS: dict[str, Input] = {
    "feed": feed_address,
    "mastodon": mastodon_server,
    "bluesky": bluesky_server,
    "mention webhook": mention_webhook,
    "lead webhook": lead_webhook,
    "link preview": link_preview,
}
# These fetch with GET and so follow redirects; the others POST, and never follow one.
FETCHING = ["feed", "link preview"]


def refusals(urls: list[str], world: World, given: Input) -> list[str]:
    """The URLs an input accepted: each must be refused with a message instead."""
    return [url[:200] for url in urls if not given(url, world)]


def test_the_list_holds_every_kind_of_address(fakes: Fakes) -> None:
    urls = ssrf_urls(fakes.listener.port)
    assert len(urls) >= 90
    port = fakes.listener.port
    for expected in [
        f"http://0x7f000001:{port}/", f"http://017700000001:{port}/", f"http://[::1]:{port}/",
        "http://[::a9fe:a9fe]/latest/meta-data/", "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/", f"gopher://127.0.0.1:{port}/_GET%20/",
        f"http://example.com\\@127.0.0.1:{port}/", f"http://127。0。0。1:{port}/",
    ]:  # fmt: skip
        assert expected in urls


def test_the_guard_refuses_every_address_on_the_list(fakes: Fakes) -> None:
    accepted = []
    for url in ssrf_urls(fakes.listener.port):
        try:
            http.check_url(url)
        except http.HttpError:
            continue
        accepted.append(url[:200])
    assert accepted == []


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_seam_never_connects_to_an_address_on_the_list(fakes: Fakes, method: str) -> None:
    reached = []
    for url in ssrf_urls(fakes.listener.port):
        try:
            http.request(method, url, user_url=True, sleep=lambda _seconds: None)
        except http.HttpError:
            continue
        reached.append(url[:200])
    assert reached == []
    fakes.assert_nothing_was_reached()


@pytest.mark.parametrize("status", REDIRECTS)
def test_the_seam_follows_no_redirect_into_the_network(fakes: Fakes, status: int) -> None:
    for target in filter(redirect_target_is_sendable, ssrf_urls(fakes.listener.port)):
        url = fakes.redirect_to(target, status=status)
        with pytest.raises(http.HttpError):
            http.request("GET", url, user_url=True, sleep=lambda _seconds: None)
    fakes.assert_nothing_was_reached()


@pytest.mark.parametrize("name", INPUTS)
def test_every_input_refuses_every_address_on_the_list(
    fakes: Fakes, world: World, name: str
) -> None:
    assert refusals(ssrf_urls(fakes.listener.port), world, INPUTS[name]) == []
    fakes.assert_nothing_was_reached()


@pytest.mark.parametrize("name", FETCHING)
def test_an_input_that_fetches_follows_no_redirect_into_the_network(
    fakes: Fakes, world: World, name: str
) -> None:
    accepted = []
    for target in filter(redirect_target_is_sendable, ssrf_urls(fakes.listener.port)):
        if not INPUTS[name](fakes.redirect_to(target), world):
            accepted.append(target)
    assert accepted == []
    fakes.assert_nothing_was_reached()


@pytest.mark.parametrize("name", sorted(set(INPUTS) - set(FETCHING)))
@pytest.mark.parametrize("status", REDIRECTS)
def test_an_input_that_posts_follows_no_redirect(
    fakes: Fakes, world: World, name: str, status: int
) -> None:
    # The public-looking server is a fine address to give; its redirect goes nowhere.
    INPUTS[name](
        fakes.redirect_to(f"http://127.0.0.1:{fakes.listener.port}/", status=status), world
    )
    fakes.assert_nothing_was_reached()


def test_a_feed_a_page_links_to_is_refused_when_it_points_inside(
    fakes: Fakes, world: World
) -> None:
    accepted = []
    for target in filter(redirect_target_is_sendable, ssrf_urls(fakes.listener.port)):
        if not feed_address(fakes.redirect_to(target, page=True), world):
            accepted.append(target)
    assert accepted == []
    fakes.assert_nothing_was_reached()


def test_webhooks_stored_before_never_post_inside_the_network(fakes: Fakes, world: World) -> None:
    source = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    mention = Mention.objects.create(
        organisation=world.org, source=source, network="rss", remote_id="1", key="k1", text="Hoi"
    )
    item = Item.objects.create(organisation=world.org, mention=mention, is_lead=True)
    urls = ssrf_urls(fakes.listener.port)
    for url in [*urls, fakes.redirect_to(f"http://127.0.0.1:{fakes.listener.port}/")]:
        post_webhook(Webhook(organisation=world.org, url=url), [mention])
        assert handoff._post_lead(url, item) == 0
    fakes.assert_nothing_was_reached()
