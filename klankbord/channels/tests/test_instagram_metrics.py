"""What an Instagram post got: likes and comments, and views, saves and shares from insights."""

import pytest

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import AuthError, Metrics, NotFound
from klankbord.channels.networks.instagram import InstagramConnector
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram
from klankbord.test import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    return FakeInstagram(fake_facebook)


@pytest.fixture
def channel(world: World, fake: FakeInstagram) -> Channel:
    return connect_instagram(world, fake)


@pytest.fixture
def connector(channel: Channel) -> InstagramConnector:
    connector = services.connector_for(channel)
    assert isinstance(connector, InstagramConnector)
    return connector


def test_counts_and_insights_of_a_post_that_was_seen(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Verse croissants")
    fake.like(media["id"], 12)
    fake.add_comment(media["id"], "Lekker!")
    fake.add_comment(media["id"], "Mmm")
    fake.view(media["id"], views=340, reach=280, saved=7, shares=3)
    assert connector.metrics([media["id"]]) == {
        media["id"]: Metrics(likes=12, replies=2, shares=3, quotes=None, views=340, saves=7)
    }


def test_a_post_too_few_people_saw_has_no_insights_yet_rather_than_zero(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Nieuw vandaag")
    fake.like(media["id"], 2)
    metrics = connector.metrics([media["id"]])[media["id"]]
    assert (metrics.likes, metrics.replies) == (2, 0)
    assert (metrics.views, metrics.saves, metrics.shares) == (None, None, None)


def test_a_metric_instagram_leaves_out_is_unknown(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    media = fake.add_media("Brood")
    fake.view(media["id"], views=50, saved=None, shares=0)
    metrics = connector.metrics([media["id"]])[media["id"]]
    assert (metrics.views, metrics.saves, metrics.shares) == (50, None, 0)


def test_the_metric_names_asked_for_are_the_current_ones(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    # The fake refuses impressions and plays as Graph does since v22.
    media = fake.add_media("Brood")
    fake.view(media["id"], views=5)
    connector.metrics([media["id"]])
    (request,) = [r for r, _answer in fake.facebook.server.log if r.path.endswith("/insights")]
    assert request.args["metric"].split(",") == ["views", "reach", "saved", "shares"]


def test_a_deleted_post_is_not_found(connector: InstagramConnector) -> None:
    with pytest.raises(NotFound):
        connector.metrics(["17999999999999999"])


def test_a_lost_insights_permission_still_asks_for_a_reconnect(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    media = fake.add_media("Brood")
    fake_facebook.faults.append(
        Fault(
            403,
            {"message": "(#10) Application does not have permission for this action", "code": 10},
            path=rf"/{media['id']}/insights",
        )
    )
    with pytest.raises(AuthError):
        connector.metrics([media["id"]])


def test_the_profile_is_the_accounts_username_name_picture_and_followers(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    profile = connector.profile()
    assert (profile.external_id, profile.handle, profile.display_name) == (
        fake.user_id,
        "@bakkerijvandevelde",
        "Bakkerij Vandevelde",
    )
    assert profile.avatar_url == fake.user["profile_picture_url"]
    assert profile.followers == 180


def test_a_post_from_before_the_account_turned_professional_has_no_insights(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    media = fake.add_media("Van vroeger")
    fake.like(media["id"], 4)
    fake_facebook.faults.append(
        Fault(
            400,
            {
                "message": "Invalid parameter",
                "code": 100,
                "error_subcode": 2108006,
                "error_user_title": "Media Posted Before Business Account Conversion",
            },
            path=rf"/{media['id']}/insights",
        )
    )
    metrics = connector.metrics([media["id"]])[media["id"]]
    assert (metrics.likes, metrics.views, metrics.saves) == (4, None, None)
