"""Published posts with the counts a network gave them, as the results collector leaves them."""

from datetime import datetime, timedelta

from klankbord.analytics.models import PostResult
from klankbord.analytics.tests.figures import channel
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import OutgoingPost
from klankbord.channels.services import connector_for
from klankbord.orgs.models import Organisation
from klankbord.publishing.models import Post, PostImage, PostTarget
from klankbord.publishing.services import post_create


def counted_post(
    org: Organisation,
    at: datetime,
    *,
    network: str = "mastodon",
    pillar: str = "",
    likes: int = 0,
    shares: int = 0,
    replies: int = 0,
    quotes: int = 0,
    views: int | None = None,
    saves: int | None = None,
    text: str = "Verse pistolets",
    image: bool = False,
    link_preview: dict[str, str] | None = None,
    remote_url: str = "https://social.example/@bakker/1",
    checked: bool = True,
    gone: bool = False,
) -> PostResult:
    post = Post.objects.create(
        organisation=org, text=text, pillar=pillar, link_preview=link_preview or {}
    )
    target = PostTarget.objects.create(
        post=post, channel=channel(org, network), text=text, status=PostTarget.Status.PUBLISHED,
        published_at=at, remote_url=remote_url,
    )  # fmt: skip
    if image:
        PostImage.objects.create(
            organisation=org, post=post, filename="brood.jpg", content=b"jpeg",
            mime_type="image/jpeg", width=1080, height=1080, size_bytes=4,
        )  # fmt: skip
    return PostResult.objects.create(
        organisation=org, target=target, likes=likes, shares=shares, replies=replies,
        quotes=quotes, views=views, saves=saves, published_at=at,
        engagement=likes + shares + replies + quotes + (saves or 0),
        checked_at=at + timedelta(hours=1) if checked else None, gone=gone,
    )  # fmt: skip


def published_without_result(org: Organisation, at: datetime) -> PostTarget:
    post = Post.objects.create(organisation=org, text="Net verschenen")
    return PostTarget.objects.create(
        post=post, channel=channel(org, "mastodon"), text=post.text,
        status=PostTarget.Status.PUBLISHED, published_at=at,
    )  # fmt: skip


def published(channel: Channel, text: str, at: datetime) -> PostTarget:
    """A post that went out on the (fake) network at `at`, as the scheduler leaves it."""
    post = post_create(
        organisation=channel.organisation, author=channel.organisation.memberships.first().user,
        text=text, channels=[channel],
    )  # fmt: skip
    target = post.targets.get()
    sent = connector_for(channel).publish(
        OutgoingPost(text=text, idempotency_key=target.idempotency_key)
    )
    PostTarget.objects.filter(pk=target.pk).update(
        status=PostTarget.Status.PUBLISHED, remote_id=sent.remote_id, published_at=at
    )
    target.refresh_from_db()
    return target


def counts_of(result: PostResult) -> tuple[int, int, int, int, int]:
    return (result.likes, result.shares, result.replies, result.quotes, result.engagement)
