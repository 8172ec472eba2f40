"""Channels connected to the fake networks as the connect views leave them, for tests anywhere."""

from datetime import UTC, datetime, timedelta

from klankbord.channels.models import Channel
from klankbord.channels.networks import google
from klankbord.channels.networks.base import Account
from klankbord.channels.networks.bluesky import BlueskyConnector
from klankbord.channels.networks.facebook import FacebookConnector
from klankbord.channels.networks.linkedin import LinkedInConnector
from klankbord.channels.networks.mastodon import MastodonConnector, instance_limits
from klankbord.channels.networks.threads import ThreadsConnector
from klankbord.channels.services import channel_connect
from klankbord.channels.tests.fakes.bluesky import HANDLE, FakeBluesky
from klankbord.channels.tests.fakes.facebook import FakeFacebook
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.channels.tests.fakes.linkedin import PROFILE_SCOPES, FakeLinkedIn
from klankbord.channels.tests.fakes.mastodon import FakeMastodon
from klankbord.channels.tests.fakes.threads import FakeThreads
from klankbord.orgs.models import Organisation
from klankbord.test import World


def connect_mastodon(
    world: World, fake: FakeMastodon, organisation: Organisation | None = None
) -> Channel:
    """Connected as the OAuth callback does: the account, its token and the server's limits."""
    account = Account(base_url=fake.base_url, secrets={"access_token": fake.issue_token()})
    connector = MastodonConnector(account, allow_loopback=True)
    return channel_connect(
        organisation=organisation or world.org,
        network="mastodon",
        profile=connector.profile(),
        by=world.alice,
        base_url=fake.base_url,
        secrets=account.secrets,
        settings={"limits": instance_limits(connector.client())},
    )


def connect_bluesky(
    world: World, fake: FakeBluesky, organisation: Organisation | None = None
) -> Channel:
    """Connected with the handle and app password, as the Bluesky form does."""
    profile, secrets = BlueskyConnector.log_in(
        handle=HANDLE, app_password=fake.app_password, pds=fake.base_url, allow_loopback=True
    )
    return channel_connect(
        organisation=organisation or world.org,
        network="bluesky",
        profile=profile,
        by=world.alice,
        base_url=fake.base_url,
        secrets=secrets,
    )


def connect_facebook(
    world: World, fake: FakeFacebook, organisation: Organisation | None = None
) -> Channel:
    """Connected as choosing a Page after Facebook Login does: the Page and its own token."""
    page = fake.first_page()
    account = Account(
        external_id=page["id"],
        base_url=fake.base_url,
        secrets={"access_token": fake.page_token(page["id"])},
    )
    return channel_connect(
        organisation=organisation or world.org,
        network="facebook",
        profile=FacebookConnector(account, allow_loopback=True).profile(),
        by=world.alice,
        base_url=fake.base_url,
        secrets=account.secrets,
    )


def connect_threads(
    world: World, fake: FakeThreads, organisation: Organisation | None = None, *, age: float = 0
) -> Channel:
    """Connected as the Threads callback leaves it: a long-lived token `age` seconds old."""
    token = fake.issue("long", age=age)
    issued = fake.tokens[token]
    secrets = {
        "access_token": token,
        "issued_at": int(issued.issued_at),
        "expires_at": int(issued.expires_at),
    }
    account = Account(external_id=fake.user["id"], base_url=fake.base_url, secrets=secrets)
    return channel_connect(
        organisation=organisation or world.org,
        network="threads",
        profile=ThreadsConnector(account, allow_loopback=True).profile(),
        by=world.alice,
        base_url=fake.base_url,
        secrets=secrets,
        token_expires_at=datetime.fromtimestamp(issued.expires_at, UTC),
    )


def connect_google(
    world: World, fake: FakeGoogle, organisation: Organisation | None = None, *, index: int = 0
) -> Channel:
    """One location connected as choosing it after Google's consent does: both tokens kept."""
    refresh, access = fake.issue()
    app = google.App(fake.client_id, fake.client_secret)
    token = google.Token(access, refresh, datetime.now(UTC) + timedelta(hours=1))
    location = next(
        found
        for found in google.locations_of(access, allow_loopback=True)
        if found.name == fake.location(index).name
    )
    return channel_connect(
        organisation=organisation or world.org,
        network="google",
        profile=google.profile_of(location),
        by=world.alice,
        base_url=google.api_url("v4"),
        secrets=google.secrets_of(app, token),
        settings={"maps_uri": location.maps_uri},
    )


def connect_linkedin(
    world: World,
    fake: FakeLinkedIn,
    organisation: Organisation | None = None,
    *,
    profile: bool = False,
    lifetime: float = 60 * 86400,
) -> Channel:
    """Connected as the LinkedIn callback leaves it: the page (or the member's own profile)."""
    scopes = PROFILE_SCOPES if profile else None
    token = fake.issue(scopes, lifetime=lifetime)
    expires_at = int(fake.tokens[token].expires_at)
    secrets = {"access_token": token, "expires_at": expires_at}
    urn = fake.person if profile else fake.page
    account = Account(external_id=urn, base_url=fake.base_url, secrets=secrets)
    return channel_connect(
        organisation=organisation or world.org,
        network="linkedin",
        profile=LinkedInConnector(account, allow_loopback=True).profile(),
        by=world.alice,
        base_url=fake.base_url,
        secrets=secrets,
        token_expires_at=datetime.fromtimestamp(expires_at, UTC),
    )
