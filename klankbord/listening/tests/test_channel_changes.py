"""Sources follow the channels: connecting, disconnecting and deleting need no page visit."""

import pytest

from klankbord.channels.models import Channel
from klankbord.listening.models import Source
from klankbord.orgs.models import Organisation
from klankbord.test import World

pytestmark = pytest.mark.django_db


def connect(world: World, network: str = "mastodon") -> Channel:
    return Channel.objects.create(
        organisation=world.org, network=network, external_id=f"{network}-1", handle="@alice@x.test"
    )


def test_connecting_an_account_starts_its_mentions_and_replies_sources(world: World) -> None:
    channel = connect(world)
    kinds = set(Source.objects.filter(channel=channel, active=True).values_list("kind", flat=True))
    assert kinds == {Source.Kind.MENTIONS, Source.Kind.COMMENTS}


def test_disconnecting_and_reconnecting_switch_the_sources_off_and_on(world: World) -> None:
    channel = connect(world)
    channel.status = Channel.Status.DISCONNECTED
    channel.save()
    assert not Source.objects.filter(channel=channel, active=True).exists()
    channel.status = Channel.Status.CONNECTED
    channel.save()
    assert Source.objects.filter(channel=channel, active=True).count() == 2


def test_an_organisation_with_channels_can_be_deleted(world: World) -> None:
    connect(world)
    Organisation.objects.filter(pk=world.org.pk).delete()
    assert not Source.objects.exists()
    assert not Channel.objects.exists()


def test_a_deleted_post_does_not_stop_the_replies_to_the_others(world: World) -> None:
    from datetime import UTC, datetime
    from unittest import mock

    from django.utils import timezone

    from klankbord.channels.networks.base import ConnectorError
    from klankbord.channels.networks.base import Mention as NetworkMention
    from klankbord.channels.networks.mastodon import MastodonConnector
    from klankbord.listening import sources
    from klankbord.listening.models import Mention
    from klankbord.publishing.models import PostTarget
    from klankbord.publishing.services import post_create

    channel = connect(world)
    comments = Source.objects.get(channel=channel, kind=Source.Kind.COMMENTS)
    for remote_id in ("gone", "here"):
        post = post_create(organisation=world.org, author=world.alice, text=remote_id,
                           channels=[channel])  # fmt: skip
        post.targets.update(
            status=PostTarget.Status.PUBLISHED, remote_id=remote_id, published_at=timezone.now()
        )
    reply = NetworkMention(
        remote_id="r1", url="", author_handle="@an", author_name="An",
        text="Hoe laat zijn jullie open?", created_at=datetime.now(UTC), in_reply_to="here",
    )  # fmt: skip

    def replies(remote_id: str) -> list[NetworkMention]:
        if remote_id == "gone":
            raise ConnectorError("Record not found", permanent=True)
        return [reply]

    with mock.patch.object(MastodonConnector, "replies", side_effect=replies):
        sources.poll(comments.pk)

    comments.refresh_from_db()
    assert Mention.objects.get().remote_id == "r1"
    assert comments.failures == 0
