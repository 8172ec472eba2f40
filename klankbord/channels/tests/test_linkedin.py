"""Publishing to LinkedIn through the Connector interface, against the fake LinkedIn API."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import time_machine
from django.utils import timezone, translation

from klankbord.channels import services
from klankbord.channels.models import Channel, RateBudgetState
from klankbord.channels.networks.base import (
    AuthError,
    Capability,
    ConnectorError,
    Media,
    OutgoingPost,
    Progress,
    RateLimitError,
    UnknownOutcomeError,
)
from klankbord.channels.networks.linkedin import escape
from klankbord.channels.tests.connected import connect_linkedin
from klankbord.channels.tests.fakes import PNG
from klankbord.channels.tests.fakes.linkedin import FakeLinkedIn, little_text
from klankbord.orgs.models import Membership
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create, post_schedule
from klankbord.test import World

ALL_RESERVED = "Taart (vers) [nu] {echt} <lekker> @bakker #brood *ster* _laag_ ~golf~ a|b c\\d"
POSTS = r"/rest/posts"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def channel(world: World, fake_linkedin: FakeLinkedIn) -> Channel:
    return connect_linkedin(world, fake_linkedin)


def image(alt_text: str, content: bytes = PNG, mime_type: str = "image/png") -> Media:
    return Media(content=content, mime_type=mime_type, alt_text=alt_text)


def post(text: str, **kwargs: Any) -> OutgoingPost:
    return OutgoingPost(text=text, idempotency_key="k", **kwargs)


def test_the_channel_is_the_organisation_page_with_its_followers(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    assert channel.external_id == "urn:li:organization:2414183"
    assert (channel.handle, channel.display_name) == ("bakkerij-vandevelde", "Bakkerij Vandevelde")
    assert channel.profile_url == "https://www.linkedin.com/company/bakkerij-vandevelde/"
    connector = services.connector_for(channel)
    assert connector.profile().followers == 1312
    for capability in ("publish", "media", "mentions", "reply", "metrics"):
        assert connector.can(Capability(capability))


def test_a_member_profile_has_no_follower_count(world: World, fake_linkedin: FakeLinkedIn) -> None:
    channel = connect_linkedin(world, fake_linkedin, profile=True)
    assert channel.external_id == fake_linkedin.person
    assert channel.display_name == "Els Peeters"
    assert services.connector_for(channel).profile().followers is None


def test_the_fake_truncates_at_an_unescaped_reserved_character_like_linkedin() -> None:
    assert little_text("Open (ook zondag)") == "Open "
    assert little_text(escape("Open (ook zondag)")) == "Open \\(ook zondag\\)"
    assert little_text("Met #brood en @[Els](urn:li:person:abc) ja") == (
        "Met #brood en @[Els](urn:li:person:abc) ja"
    )


def test_the_fake_requires_linkedins_version_headers(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    headers = {"Authorization": f"Bearer {channel.secrets['access_token']}"}
    answer = httpx.get(f"{fake_linkedin.base_url}/rest/organizations/2414183", headers=headers)
    assert answer.status_code == 400 and answer.json()["code"] == "VERSION_MISSING"


def test_every_reserved_character_arrives_whole(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    published = services.connector_for(channel).publish(post(ALL_RESERVED))
    assert fake_linkedin.texts() == [ALL_RESERVED]
    assert published.remote_id.startswith("urn:li:share:")
    assert published.url == f"https://www.linkedin.com/feed/update/{published.remote_id}/"


def test_a_hashtag_stays_a_hashtag_and_a_lone_hash_is_escaped(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    text = "Nieuw #brood, nummer # 1 en #_niet"
    published = services.connector_for(channel).publish(post(text))
    assert fake_linkedin.posts[published.remote_id]["commentary"] == (
        "Nieuw #brood, nummer \\# 1 en \\#\\_niet"
    )
    assert fake_linkedin.texts() == [text]


def test_a_link_becomes_an_article_card(channel: Channel, fake_linkedin: FakeLinkedIn) -> None:
    text = "Ons nieuwe seizoensbrood: https://bakkerij.example/brood"
    published = services.connector_for(channel).publish(post(text))
    content = fake_linkedin.posts[published.remote_id]["content"]
    assert content["article"]["source"] == "https://bakkerij.example/brood"
    assert content["article"]["title"]
    assert fake_linkedin.texts() == [text]


def test_one_image_is_uploaded_then_posted_with_its_alt_text(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    progress = Progress()
    published = services.connector_for(channel).publish(
        post("Versgebakken", media=(image("Een croissant"),), progress=progress)
    )
    media = fake_linkedin.posts[published.remote_id]["content"]["media"]
    assert media["altText"] == "Een croissant"
    assert fake_linkedin.images[media["id"]]["content"] == PNG
    assert progress.get("image:0") == media["id"]


def test_several_images_are_one_multi_image_post(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    images = (image("Brood"), image("Taart"), image("Koffie"))
    published = services.connector_for(channel).publish(post("Drie", media=images))
    shown = fake_linkedin.posts[published.remote_id]["content"]["multiImage"]["images"]
    assert [i["altText"] for i in shown] == ["Brood", "Taart", "Koffie"]
    assert fake_linkedin.requests_to("PUT", r"/upload/.+") == 3


def test_a_retry_reuses_the_images_uploaded_before(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    progress = Progress()
    fake_linkedin.throttle(POSTS, "POST")
    connector = services.connector_for(channel)
    with pytest.raises(RateLimitError):
        connector.publish(post("Met foto", media=(image("x"),), progress=progress))
    RateBudgetState.objects.all().delete()
    connector.publish(post("Met foto", media=(image("x"),), progress=progress))
    assert fake_linkedin.requests_to("POST", r"/rest/images") == 1
    assert fake_linkedin.texts() == ["Met foto"]


def test_an_image_still_processing_is_waited_for(
    channel: Channel, fake_linkedin: FakeLinkedIn, settings: Any
) -> None:
    settings.LINKEDIN_STATUS_WAIT_SECONDS = 0
    fake_linkedin.processing_reads = 2
    services.connector_for(channel).publish(post("Even geduld", media=(image("x"),)))
    assert fake_linkedin.requests_to("GET", r"/rest/images/.+") == 3
    assert fake_linkedin.texts() == ["Even geduld"]


def test_an_image_linkedin_cannot_process_is_explained(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    broken = image("x", content=b"not an image at all")
    with pytest.raises(ConnectorError) as refused:
        services.connector_for(channel).publish(post("Kapot", media=(image("y"), broken)))
    assert refused.value.permanent
    assert refused.value.message == "LinkedIn could not process image 2; try another file."
    assert fake_linkedin.posts == {}


def test_an_image_in_a_refused_format_is_refused_before_sending(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    webp = image("x", content=b"RIFF0000WEBPVP8 ", mime_type="image/webp")
    with pytest.raises(ConnectorError) as refused:
        services.connector_for(channel).publish(post("Webp", media=(webp,)))
    assert refused.value.permanent and "JPG, PNG and GIF" in refused.value.message
    assert fake_linkedin.requests_to("POST", r"/rest/images") == 0


def test_an_answer_lost_after_linkedin_accepted_is_found_not_sent_again(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.drop_after_accept = 1
    connector = services.connector_for(channel)
    sent = post(ALL_RESERVED, not_before=timezone.now())
    with pytest.raises(UnknownOutcomeError):
        connector.publish(sent)
    found = connector.find_published(sent)
    (urn,) = fake_linkedin.posts
    assert found is not None and found.remote_id == urn
    assert fake_linkedin.requests_to("POST", POSTS) == 1


def test_a_server_error_is_an_unclear_outcome(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.fail_after_accept = 1
    with pytest.raises(UnknownOutcomeError):
        services.connector_for(channel).publish(post("Vijfhonderd"))


def test_the_look_up_ignores_the_same_words_posted_before_the_attempt(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    connector = services.connector_for(channel)
    connector.publish(post("Zondag open"))
    sent = Progress({"sent": "1"})
    later = timezone.now() + timedelta(hours=1)
    assert connector.find_published(post("Zondag open", not_before=later, progress=sent)) is None
    earlier = post("Zondag  open", not_before=timezone.now(), progress=sent)
    assert connector.find_published(earlier) is not None
    # Nothing was ever sent for this attempt: nothing to look up.
    assert connector.find_published(post("Zondag open", not_before=timezone.now())) is None


def test_a_clear_refusal_needs_no_look_up_at_the_next_try(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin, profile=True)
    fake_linkedin.throttle(POSTS, "POST")
    progress = Progress()
    connector = services.connector_for(channel)
    with pytest.raises(RateLimitError):
        connector.publish(post("Mijn post", progress=progress))
    # A member's posts cannot be read back; after a 429 there is nothing to read back either.
    assert connector.find_published(post("Mijn post", progress=progress)) is None
    assert fake_linkedin.requests_to("GET", POSTS) == 0


def test_the_scheduler_publishes_once_when_the_answer_is_lost(
    world: World, channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    owner = Membership.objects.get(user=world.alice)
    made = post_create(
        organisation=world.org, author=world.alice, text="Eén keer (niet twee)", channels=[channel]
    )
    post_schedule(post=made, at=timezone.now() + timedelta(minutes=1), by=owner)
    fake_linkedin.drop_after_accept = 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        token, ids = scheduler.claim_due()
        assert scheduler.publish(ids[0], token) == PostTarget.Status.PUBLISHED
    target = PostTarget.objects.get(pk=ids[0])
    (urn,) = fake_linkedin.posts
    assert (target.remote_id, target.remote_url) == (
        urn,
        f"https://www.linkedin.com/feed/update/{urn}/",
    )
    assert fake_linkedin.texts() == ["Eén keer (niet twee)"]
    assert fake_linkedin.requests_to("POST", POSTS) == 1


def test_a_throttled_account_waits_until_midnight_utc_for_every_worker(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.throttle(POSTS, "POST")
    with time_machine.travel(datetime(2026, 12, 6, 15, 30, tzinfo=UTC), tick=False):
        with pytest.raises(RateLimitError) as throttled:
            services.connector_for(channel).publish(post("Te veel"))
        assert throttled.value.retry_at == datetime(2026, 12, 7, tzinfo=UTC)
        with pytest.raises(RateLimitError):
            services.connector_for(channel).publish(post("Nog eens"))
    assert fake_linkedin.requests_to("POST", POSTS) == 1
    assert fake_linkedin.posts == {}


def test_an_expired_or_revoked_token_asks_for_a_reconnect(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.revoke(channel.secrets["access_token"])
    with pytest.raises(AuthError) as refused:
        services.connector_for(channel).publish(post("Hallo"))
    assert "revoked" in refused.value.message and "Reconnect LinkedIn" in refused.value.message
    with time_machine.travel(timezone.now() + timedelta(days=61)), pytest.raises(AuthError):
        services.connector_for(channel).publish(post("Hallo"))


def test_a_member_posts_as_themselves(world: World, fake_linkedin: FakeLinkedIn) -> None:
    channel = connect_linkedin(world, fake_linkedin, profile=True)
    services.connector_for(channel).publish(post("Mijn eigen (persoonlijke) post"))
    assert fake_linkedin.texts(fake_linkedin.person) == ["Mijn eigen (persoonlijke) post"]


def test_a_member_post_whose_answer_is_lost_stays_unconfirmed_not_sent_twice(
    world: World, fake_linkedin: FakeLinkedIn
) -> None:
    channel = connect_linkedin(world, fake_linkedin, profile=True)
    owner = Membership.objects.get(user=world.alice)
    made = post_create(
        organisation=world.org, author=world.alice, text="Mijn eigen post", channels=[channel]
    )
    post_schedule(post=made, at=timezone.now() + timedelta(minutes=1), by=owner)
    fake_linkedin.drop_after_accept = 1
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        token, ids = scheduler.claim_due()
        assert scheduler.publish(ids[0], token) == PostTarget.Status.UNCONFIRMED
    assert fake_linkedin.texts() == ["Mijn eigen post"]
    assert fake_linkedin.requests_to("POST", POSTS) == 1


def test_a_token_linkedin_says_has_expired_asks_for_a_reconnect(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    fake_linkedin.tokens[channel.secrets["access_token"]].expires_at = 0
    with pytest.raises(AuthError) as refused:
        services.connector_for(channel).publish(post("Hallo"))
    assert "The token used in the request has expired" in refused.value.message
    assert fake_linkedin.posts == {}


def test_the_fake_throttles_and_refuses_like_linkedin(
    channel: Channel, fake_linkedin: FakeLinkedIn
) -> None:
    headers = {
        "Authorization": f"Bearer {channel.secrets['access_token']}",
        "LinkedIn-Version": "202611",
        "X-Restli-Protocol-Version": "2.0.0",
    }
    url = f"{fake_linkedin.base_url}/rest/organizations/2414183"
    fake_linkedin.throttle()
    throttled = httpx.get(url, headers=headers)
    assert throttled.status_code == 429
    assert not any(name.lower().startswith(("retry", "x-ratelimit")) for name in throttled.headers)
    assert set(throttled.json()) == {"status", "serviceErrorCode", "code", "message"}
    fake_linkedin.revoke(channel.secrets["access_token"])
    revoked = httpx.get(url, headers=headers)
    assert revoked.status_code == 401 and revoked.json()["code"] == "REVOKED_ACCESS_TOKEN"
