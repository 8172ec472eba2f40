"""What must be right before a post may be scheduled: length per network, images, alt text."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from klankbord.channels.models import Channel
from klankbord.channels.networks import connector_class
from klankbord.channels.networks.base import Quota
from klankbord.channels.services import publishing_quota
from klankbord.publishing import counting
from klankbord.publishing.media_rules import ImageInfo, ImageProblem, check_images
from klankbord.publishing.models import Post, PostImage
from klankbord.publishing.public_images import has_public_address
from klankbord.publishing.tracking import counted_text

# Networks we do not publish to, shown in the composer for text people copy elsewhere.
ALSO_COUNTED = {
    "x": "X",
    "linkedin": "LinkedIn",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "threads": "Threads",
}
MASTODON_MENTION = re.compile(r"(?<![\w@])@(\w+)@([\w.-]+\.\w+)")
SHORT_MENTION = re.compile(r"(?<![\w@])@(\w{1,30})(?![\w@.])")


@dataclass(frozen=True)
class ChannelCheck:
    channel: Channel
    text: str
    count: counting.TextCount
    image_problems: list[ImageProblem]
    mention_hints: list[str]
    quota: Quota | None = None

    @property
    def ok(self) -> bool:
        return self.count.ok and not self.image_problems


def instance_limit(channel: Channel, name: str) -> int | None:
    """The server's own figure where the network lets each server choose (Mastodon)."""
    limits = channel.settings.get("limits", {}) if channel.settings else {}
    value = limits.get(name)
    return int(value) if value else None


def count_for(
    channel: Channel, text: str, *, private: bool = False, reply: bool = False
) -> counting.TextCount:
    limit = instance_limit(channel, "max_characters")
    if reply:
        limit = connector_class(channel.network).reply_limit or limit
    if private:
        limit = connector_class(channel.network).private_limit or limit
    return counting.count(
        text,
        channel.network,
        limit=limit,
        link_length=instance_limit(channel, "characters_reserved_per_url"),
    )


def image_info(image: PostImage) -> ImageInfo:
    return ImageInfo(
        width=image.width,
        height=image.height,
        size_bytes=image.size_bytes,
        mime_type=image.mime_type,
    )


def images_for(channel: Channel, images: list[PostImage]) -> list[ImageProblem]:
    cls = connector_class(channel.network)
    if not images and cls.needs_media:
        message = _("%(network)s publishes no text without an image.") % {"network": cls.label}
        return [ImageProblem(index=None, message=message, hint=_("Add at least one image."))]
    if not images:
        return []
    if cls.fetches_media and not has_public_address():
        message = _(
            "%(network)s downloads images from this Klankbord's public address, and it has none."
        ) % {"network": cls.label}
        hint = _("The administrator sets SITE_URL to its public https:// address.")
        return [ImageProblem(index=None, message=message, hint=hint)]
    if cls.max_images == 0:
        message = _("%(network)s cannot publish images.") % {"network": cls.label}
        return [ImageProblem(index=None, message=message, hint="")]
    return check_images(channel.network, [image_info(image) for image in images])


def check_channel(
    channel: Channel, text: str, images: list[PostImage], *, with_quota: bool = False
) -> ChannelCheck:
    """With `with_quota`, also what is left of the network's posting limit (asks the network)."""
    return ChannelCheck(
        channel=channel,
        text=text,
        count=count_for(channel, text),
        image_problems=images_for(channel, images),
        mention_hints=mention_hints(channel.network, text),
        quota=publishing_quota(channel) if with_quota else None,
    )


def mention_hints(network: str, text: str) -> list[str]:
    """Mentions written the way another network expects them reach nobody."""
    if network == "bluesky" and MASTODON_MENTION.search(text):
        return [_("On Bluesky a mention looks like @name.bsky.social; @name@server is Mastodon.")]
    if network == "mastodon" and SHORT_MENTION.search(text):
        return [_("On Mastodon, write @name@server for someone on another server.")]
    return []


def missing_alt_text(images: list[PostImage]) -> list[int]:
    """Numbers (from 1) of the images that have no description and no explicit opt-out."""
    return [number for number, image in enumerate(images, start=1) if not image.described]


def blocking_problems(post: Post) -> list[str]:
    images = list(post.images.all())
    problems = [
        _("Image %(number)s has no alt text. Describe it, or tick “publish without alt text”.")
        % {"number": number}
        for number in missing_alt_text(images)
    ]
    for target in post.targets.select_related("channel"):
        # Tracked links go out as short links: those count, not the long ones.
        text = counted_text(target.text) if post.track_clicks else target.text
        check = check_channel(target.channel, text, images)
        name = target.channel.handle
        if not check.count.ok:
            problems.append(f"{name}: " + " ".join(str(reason) for reason in check.count.reasons))
        for problem in check.image_problems:
            problems.append(f"{name}: {problem.message} {problem.hint}".strip())
    return problems
