"""insert_all stores what bulk_create would, with primary keys set, in one pass."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from klankbord.lib.bulk import insert_all
from klankbord.listening.models import Mention, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db


def mention(world: World, n: int, **extra: object) -> Mention:
    fields: dict = {
        "organisation": world.org,
        "network": "rss",
        "remote_id": f"id-{n}",
        "key": f"key-{n}",
        "text": f"Bericht {n} over brood",
        "published_at": datetime(2026, 11, 20, 9, n % 60, tzinfo=UTC),
        "intents": ["question"] if n % 2 else [],
        "places": [{"name": "Leuven"}],
        "simhash": -(2**63) + n,
        **extra,
    }
    return Mention(**fields)


def test_rows_are_stored_with_every_value_and_get_their_keys(world: World) -> None:
    source = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    mentions = [mention(world, n, source=source) for n in range(1200)]
    insert_all(mentions)
    assert all(m.pk is not None and not m._state.adding for m in mentions)
    stored = Mention.objects.get(pk=mentions[7].pk)
    assert stored.key == "key-7"
    assert stored.source == source
    assert stored.published_at == datetime(2026, 11, 20, 9, 7, tzinfo=UTC)
    assert stored.intents == ["question"]
    assert stored.places == [{"name": "Leuven"}]
    assert stored.simhash == -(2**63) + 7
    assert Mention.objects.filter(organisation=world.org).count() == 1200


def test_nothing_to_insert_is_fine(world: World) -> None:
    insert_all([])
    assert not Mention.objects.exists()


def test_a_broken_constraint_raises_and_stores_nothing_of_the_statement(world: World) -> None:
    insert_all([mention(world, 1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_all([mention(world, 2), mention(world, 1)])
    assert list(Mention.objects.values_list("key", flat=True)) == ["key-1"]
