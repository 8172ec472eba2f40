"""Publishing to an Instagram professional account through containers, against the fake Graph."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    ConnectorError,
    Media,
    OutgoingPost,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.instagram import (
    CONTAINER,
    InstagramConnector,
    instagram_account_of,
)
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.facebook import FakeFacebook, Fault
from klankbord.channels.tests.fakes.instagram import FakeInstagram, connect_instagram, jpeg
from klankbord.lib import http
from klankbord.test import World

pytestmark = pytest.mark.django_db

SQUARE = "https://klankbord.example/i/vierkant.jpg"
PORTRAIT = "https://klankbord.example/i/staand.jpg"
WIDE = "https://klankbord.example/i/panorama.jpg"
PNG_URL = "https://klankbord.example/i/logo.png"
HUGE = "https://klankbord.example/i/groot.jpg"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def fake(fake_facebook: FakeFacebook) -> FakeInstagram:
    fake = FakeInstagram(fake_facebook)
    fake.serve_images(
        {
            SQUARE: jpeg(1080, 1080),
            PORTRAIT: jpeg(1080, 1350),
            WIDE: jpeg(1910, 1000),
            PNG_URL: PNG,
            HUGE: jpeg(1080, 1080, size=9 * 1024 * 1024),
        }
    )
    return fake


@pytest.fixture
def channel(world: World, fake: FakeInstagram) -> Channel:
    return connect_instagram(world, fake)


@pytest.fixture
def connector(channel: Channel) -> InstagramConnector:
    connector = services.connector_for(channel)
    assert isinstance(connector, InstagramConnector)
    connector.sleep = lambda seconds: None
    return connector


def image(url: str = SQUARE, alt_text: str = "Een mand croissants") -> Media:
    return Media(content=b"", mime_type="image/jpeg", alt_text=alt_text, url=url)


def a_post(text: str = "Verse croissants 🥐", *urls: str, key: str = "ig-1") -> OutgoingPost:
    return OutgoingPost(
        text=text,
        idempotency_key=key,
        media=tuple(image(url) for url in urls or (SQUARE,)),
        not_before=timezone.now() - timedelta(minutes=1),
    )


def test_the_channel_is_the_account_with_its_handle_and_followers(
    channel: Channel, connector: InstagramConnector, fake: FakeInstagram
) -> None:
    assert channel.external_id == fake.user_id
    assert channel.handle == "@bakkerijvandevelde"
    assert channel.profile_url == "https://www.instagram.com/bakkerijvandevelde/"
    assert connector.profile().followers == 180
    assert connector.can(Capability.PUBLISH) and connector.can(Capability.MEDIA)
    assert connector.can(Capability.METRICS) and not connector.can(Capability.SEARCH)


def test_the_account_of_a_page_is_found_and_a_page_without_one_has_none(
    fake: FakeInstagram, fake_facebook: FakeFacebook, settings: object
) -> None:
    settings.FACEBOOK_GRAPH_URL = fake_facebook.base_url  # type: ignore[attr-defined]
    found = instagram_account_of(
        fake.page_id, fake_facebook.page_token(fake.page_id), allow_loopback=True
    )
    assert found is not None
    assert (found.ig_user_id, found.username) == (fake.user_id, "bakkerijvandevelde")
    other = next(p for p in fake_facebook.pages.values() if p["id"] != fake.page_id)
    token = fake_facebook.page_token(other["id"])
    assert instagram_account_of(other["id"], token, allow_loopback=True) is None


def test_one_image_goes_out_with_its_caption_and_alt_text(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    post = a_post()
    published = connector.publish(post)
    (media,) = fake.published()
    assert (media["id"], media["caption"], media["media_type"]) == (
        published.remote_id,
        "Verse croissants 🥐",
        "IMAGE",
    )
    assert published.url == media["permalink"]
    container = fake.containers[post.progress.get(CONTAINER)]
    assert container["alt_text"] == "Een mand croissants"
    assert container["status_code"] == "PUBLISHED"


def test_several_images_go_out_as_one_carousel(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    post = a_post("Ons aanbod", SQUARE, PORTRAIT, WIDE)
    published = connector.publish(post)
    (media,) = fake.published()
    assert media["id"] == published.remote_id
    assert media["media_type"] == "CAROUSEL_ALBUM"
    carousel = fake.containers[post.progress.get(CONTAINER)]
    assert len(carousel["children"]) == 3
    assert all(fake.containers[c]["kind"] == "ITEM" for c in carousel["children"])


def test_a_container_still_in_progress_is_continued_by_the_next_attempt(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.polls_in_progress = 7  # longer than one attempt looks
    post = a_post()
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post)
    assert not caught.value.permanent
    assert fake.published() == []
    first = post.progress.get(CONTAINER)
    assert connector.find_published(post) is None  # not out yet
    published = connector.publish(post)
    assert post.progress.get(CONTAINER) == first
    assert len(fake.containers) == 1  # no second container
    assert [m["id"] for m in fake.published()] == [published.remote_id]


def test_a_container_that_fails_is_a_permanent_error_with_instagrams_reason(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.outcome = "ERROR"
    post = a_post()
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post)
    assert caught.value.permanent
    assert "Instagram could not prepare this post" in caught.value.message
    assert "2207026" in caught.value.message
    assert post.progress.get(CONTAINER) == ""
    assert fake.published() == []


def test_an_expired_container_is_forgotten_and_the_next_attempt_makes_a_new_one(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.polls_in_progress = 7
    post = a_post()
    with pytest.raises(ConnectorError):
        connector.publish(post)
    fake.expire(post.progress.get(CONTAINER))
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post)
    assert not caught.value.permanent
    assert post.progress.get(CONTAINER) == ""
    fake.polls_in_progress = 0
    published = connector.publish(post)
    assert len(fake.containers) == 2
    assert [m["id"] for m in fake.published()] == [published.remote_id]


def test_a_lost_answer_to_media_publish_is_found_by_look_up_without_a_second_post(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.drop_after_accept = 1
    post = a_post("Zaterdag open tot 18u")
    with pytest.raises(UnknownOutcomeError):
        connector.publish(post)
    found = connector.find_published(post)
    (media,) = fake.published()
    assert found is not None and found.remote_id == media["id"]
    # Even a blind retry publishes nothing new: the container is PUBLISHED.
    assert connector.publish(post).remote_id == media["id"]
    assert fake.requests_to("POST", rf"/{fake.user_id}/media_publish") == 1


def test_the_same_container_is_refused_a_second_time_by_instagram(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    post = a_post()
    connector.publish(post)
    with pytest.raises(ConnectorError) as caught:
        connector._publish_container(post.progress.get(CONTAINER))
    assert caught.value.permanent
    assert len(fake.published()) == 1


def test_a_post_without_a_saved_container_is_looked_up_by_its_caption(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    connector.publish(a_post("Nieuw: speltbrood"))
    fresh = a_post("Nieuw: speltbrood")
    found = connector.find_published(fresh)
    assert found is not None and found.remote_id == fake.published()[0]["id"]
    assert connector.find_published(a_post("Iets anders")) is None


def test_an_older_post_with_the_same_words_is_another_post(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.add_media("Verse croissants 🥐", at=timezone.now() - timedelta(hours=3))
    assert connector.find_published(a_post("Verse croissants 🥐")) is None


def test_text_alone_cannot_go_to_instagram(connector: InstagramConnector) -> None:
    with pytest.raises(ConnectorError, match="at least one image") as caught:
        connector.publish(OutgoingPost(text="Alleen tekst", idempotency_key="t"))
    assert caught.value.permanent


def test_without_a_public_address_the_user_is_told_to_set_site_url(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    post = OutgoingPost(
        text="x",
        idempotency_key="u",
        media=(Media(content=PNG, mime_type="image/png", alt_text=""),),
    )
    with pytest.raises(ConnectorError, match="SITE_URL") as caught:
        connector.publish(post)
    assert caught.value.permanent
    assert fake.containers == {}


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("a" * 2201, "2200 characters"),
        (" ".join(f"#brood{n}" for n in range(31)), "30 hashtags"),
        (" ".join(f"@klant{n}" for n in range(21)), "20 @-mentions"),
    ],
)
def test_a_caption_over_instagrams_limits_is_refused_before_sending(
    text: str, limit: str, connector: InstagramConnector, fake: FakeInstagram
) -> None:
    requests = len(fake.facebook.server.log)
    with pytest.raises(ConnectorError, match=limit) as caught:
        connector.publish(a_post(text))
    assert caught.value.permanent
    assert len(fake.facebook.server.log) == requests


def test_thirty_hashtags_are_fine(connector: InstagramConnector, fake: FakeInstagram) -> None:
    connector.publish(a_post(" ".join(f"#brood{n}" for n in range(30))))
    assert len(fake.published()) == 1


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (WIDE.replace("panorama", "onbekend"), "could not be fetched"),
        (PNG_URL, "Supported formats are: JPEG"),
        (HUGE, "less than 8 MiB"),
        ("https://klankbord.example/i/smal.jpg", "valid aspect ratio"),
        ("http://klankbord.example/i/vierkant.jpg", "could not be fetched"),
    ],
)
def test_an_image_instagram_cannot_use_is_refused_with_its_reason(
    url: str, reason: str, connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.serve_images({"https://klankbord.example/i/smal.jpg": jpeg(500, 1000), PNG_URL: PNG})
    if url == HUGE:
        fake.serve_images({HUGE: jpeg(1080, 1080, size=9 * 1024 * 1024)})
    with pytest.raises(ConnectorError) as caught:
        connector.publish(a_post("x", url))
    assert caught.value.permanent
    assert "Instagram could not use an image" in caught.value.message
    assert reason in caught.value.message
    assert fake.published() == []


def test_the_publishing_limit_is_read_from_instagram(connector: InstagramConnector) -> None:
    quota = connector.publishing_quota()
    assert (quota.used, quota.total, quota.window) == (0, 50, timedelta(days=1))
    connector.publish(a_post())
    assert connector.publishing_quota().used == 1


def test_a_full_publishing_limit_waits_until_the_oldest_post_leaves_the_window(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    fake.quota_total = 2
    connector.publish(a_post("Eerste", key="a"))
    connector.publish(a_post("Tweede", key="b"))
    with pytest.raises(RateLimitError) as caught:
        connector.publish(a_post("Derde", key="c"))
    assert not caught.value.permanent
    assert caught.value.retry_at > timezone.now() + timedelta(hours=23)
    assert len(fake.published()) == 2


def test_the_limit_error_from_instagram_also_waits(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(
        Fault(
            400,
            {
                "message": "Application request limit reached",
                "code": 9,
                "error_subcode": 2207042,
            },
            path=rf"/{fake.user_id}/media_publish",
        )
    )
    with pytest.raises(RateLimitError) as caught:
        connector.publish(a_post())
    assert caught.value.retry_at > timezone.now() + timedelta(minutes=30)
    assert fake.published() == []


def test_an_expired_token_needs_a_reconnect(
    channel: Channel, connector: InstagramConnector, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.break_token(channel.secrets["access_token"], 463)
    with pytest.raises(AuthError) as caught:
        connector.publish(a_post())
    assert caught.value.permanent


def test_throttling_by_instagrams_use_case_code_waits(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(
        Fault(400, {"message": "(#80002) There have been too many calls", "code": 80002})
    )
    with pytest.raises(RateLimitError) as caught:
        connector.publish(a_post())
    assert caught.value.retry_at > timezone.now() + timedelta(minutes=10)
    requests = len(fake_facebook.server.log)
    with pytest.raises(RateLimitError):
        connector.publish(a_post())
    assert len(fake_facebook.server.log) == requests  # every worker waits
    assert fake.published() == []


def test_a_usage_header_near_the_limit_pauses_the_account(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.app_usage = {"call_count": 95, "total_cputime": 10, "total_time": 10}
    connector.profile()
    requests = len(fake_facebook.server.log)
    with pytest.raises(RateLimitError) as caught:
        connector.publish(a_post())
    assert caught.value.retry_at > http.now_utc() + timedelta(minutes=5)
    assert len(fake_facebook.server.log) == requests
    assert fake.published() == []


def test_spam_suspicion_is_not_mistaken_for_throttling(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(
        Fault(
            400,
            {
                "message": "Action is blocked",
                "code": 4,
                "error_subcode": 2207051,
                "error_user_msg": "We restrict certain activity to protect our community.",
            },
            path=rf"/{fake.user_id}/media_publish",
        )
    )
    with pytest.raises(ConnectorError) as caught:
        connector.publish(a_post())
    assert caught.value.permanent and not isinstance(caught.value, RateLimitError)
    assert "restrict certain activity" in caught.value.message


def test_graphs_usual_refusals_name_instagram(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(
        Fault(
            400,
            {"message": "(#100) Invalid parameter", "code": 100},
            path=rf"/{fake.user_id}/media",
        )
    )
    with pytest.raises(ConnectorError) as caught:
        connector.publish(a_post())
    assert caught.value.permanent
    assert caught.value.message == "Instagram refused this: (#100) Invalid parameter"


def test_a_container_expiring_just_before_media_publish_is_made_again_next_time(
    connector: InstagramConnector, fake: FakeInstagram, fake_facebook: FakeFacebook
) -> None:
    fake_facebook.faults.append(
        Fault(
            400,
            {
                "message": "The media you are trying to access has expired. Please try to "
                "upload again.",
                "code": -2,
                "error_subcode": 2207020,
            },
            path=rf"/{fake.user_id}/media_publish",
        )
    )
    post = a_post()
    with pytest.raises(ConnectorError) as caught:
        connector.publish(post)
    assert not caught.value.permanent
    assert post.progress.get(CONTAINER) == ""
    connector.publish(post)
    assert len(fake.containers) == 2 and len(fake.published()) == 1


def test_an_answer_from_the_accounts_own_username_is_recognised_without_an_id(
    connector: InstagramConnector,
) -> None:
    assert connector._ours({"username": "bakkerijvandevelde"})
    assert not connector._ours({"username": "jan.peeters"})
    assert not connector._ours({})


def test_a_look_up_that_cannot_read_back_to_the_attempt_is_no_answer(
    connector: InstagramConnector, fake: FakeInstagram
) -> None:
    for number in range(501):
        fake.add_media(f"Post {number}")
    with pytest.raises(ConnectorError, match="Too many posts"):
        connector.find_published(a_post("Nog niet gezien"))
