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
