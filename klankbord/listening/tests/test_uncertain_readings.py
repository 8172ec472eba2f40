"""How sure Klankbord is of a reading is stored with the mention and shown where it is listed."""

from dataclasses import dataclass
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client

from klankbord.listening import pipeline
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.test import World

pytestmark = pytest.mark.django_db
UNSURE = "Klankbord is not sure of this reading — correct it if it is wrong."


def reading(**extra: object) -> SimpleNamespace:
    fields = {"language": "nl", "sentiment": "neutral", "sentiment_score": 0.1,
              "intents": ["question"], "places": [], **extra}  # fmt: skip
    return SimpleNamespace(**fields)


def arrive(world: World, found: SimpleNamespace) -> Mention:
    feed = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker*")
    item = pipeline.Item(network="rss", remote_id="1", text="Is die bakker nu open of niet?")
    with mock.patch.object(pipeline, "read", return_value=[found]):
        [mention] = pipeline.run(feed, [item]).stored
    mention.refresh_from_db()
    return mention


def test_it_stores_how_sure_the_reading_is(world: World) -> None:
    mention = arrive(world, reading(confidence=0.41, uncertain=True))
    assert mention.reading_confidence == 0.41
    assert mention.uncertain is True


def test_a_reading_that_says_nothing_of_its_confidence_is_stored_as_sure(world: World) -> None:
    mention = arrive(world, reading())
    assert (mention.reading_confidence, mention.uncertain) == (1.0, False)


@dataclass(frozen=True)
class Scored(pipeline.Reading):
    """A reading with how sure the models are of it."""

    confidence: float = 1.0
    uncertain: bool = False


def test_the_stars_of_a_review_make_its_reading_sure() -> None:
    unsure = Scored("nl", "positive", 0.2, [], confidence=0.45, uncertain=True)
    assert pipeline.rated(unsure, 1).uncertain is False
    assert pipeline.rated(unsure, 1).confidence == 1.0
    assert pipeline.rated(unsure, 3).uncertain is True  # three stars decide nothing


def test_the_monitor_shows_an_uncertain_reading_as_such(world: World, alice_client: Client) -> None:
    mention = arrive(world, reading(confidence=0.41, uncertain=True))
    monitor = Monitor.objects.get()
    url = f"/o/bakkerij-alice/luisteren/monitors/{monitor.pk}/"

    page = alice_client.get(url).content.decode()
    assert "data-uncertain" in page and "unsure" in page and UNSURE in page

    Mention.objects.filter(pk=mention.pk).update(uncertain=False, reading_confidence=0.9)
    page = alice_client.get(url).content.decode()
    assert "nu open of niet?" in page and "data-uncertain" not in page
