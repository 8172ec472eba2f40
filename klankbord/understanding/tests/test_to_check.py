"""Readings Klankbord is not sure of are offered for checking first, to their own organisation."""

from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.listening.models import Mention
from klankbord.orgs.models import Organisation
from klankbord.test import World
from klankbord.understanding import selectors, views
from klankbord.understanding.models import Correction

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/instellingen/taal/"
UNSURE = "Klankbord is not sure of this reading — correct it if it is wrong."


def mention(org: Organisation, text: str, confidence: float, **extra: object) -> Mention:
    fields = {"published_at": timezone.now() - timedelta(days=1), "uncertain": True, **extra}
    return Mention.objects.create(
        organisation=org, network="rss", remote_id=text, key=text[:40], text=text,
        reading_confidence=confidence, **fields,
    )  # fmt: skip


def test_the_least_sure_recent_readings_come_first(world: World) -> None:
    fairly = mention(world.org, "Tja, het brood was anders", 0.55)
    least = mention(world.org, "Die taart is ziek", 0.36)
    mention(world.org, "Lekker brood!", 0.97, uncertain=False)
    mention(world.org, "Vorige maand", 0.3, published_at=timezone.now() - timedelta(days=31))
    mention(world.org, "Een privébericht", 0.3, kind="message")  # read in the logged inbox

    assert list(selectors.to_check(world.org)) == [least, fairly]


def test_the_language_page_lists_them_with_their_correction_controls(
    world: World, alice_client: Client
) -> None:
    fairly = mention(world.org, "Tja, het brood was anders", 0.55)
    least = mention(world.org, "Die taart is ziek", 0.36)

    page = alice_client.get(URL).content.decode()
    assert page.index("Die taart is ziek") < page.index("Tja, het brood was anders")
    assert f"{URL}nakijken/{least.pk}/" in page and f"{URL}nakijken/{fairly.pk}/" in page
    assert f'id="check-{least.pk}-sentiment"' in page  # one form each, fields of its own
    assert UNSURE in page


def test_twenty_are_shown_at_a_time(world: World, alice_client: Client) -> None:
    for n in range(views.TO_CHECK_SHOWN + 3):
        mention(world.org, f"Bericht nummer {n}", 0.3 + n / 100)
    page = alice_client.get(URL).content.decode()
    assert page.count('class="form check-form"') == views.TO_CHECK_SHOWN
    assert "20 of 23 shown." in page


def test_charlie_never_sees_nor_checks_another_organisations_readings(
    world: World, charlie_client: Client
) -> None:
    alices = mention(world.org, "Die taart is ziek", 0.36)
    charlies = mention(world.other_org, "Mijn auto maakt een raar geluid", 0.5)

    page = charlie_client.get("/o/garage-charlie/instellingen/taal/").content.decode()
    assert "Mijn auto maakt een raar geluid" in page
    assert "Die taart is ziek" not in page
    assert list(selectors.to_check(world.other_org)) == [charlies]
    own_slug = f"/o/garage-charlie/instellingen/taal/nakijken/{alices.pk}/"
    for url in (f"{URL}nakijken/{alices.pk}/", own_slug):
        assert charlie_client.post(url, {"sentiment": "positive"}).status_code == 404
    alices.refresh_from_db()
    assert alices.uncertain and not Correction.objects.filter(organisation=world.org).exists()


def test_a_checked_reading_teaches_and_leaves_the_list(world: World, alice_client: Client) -> None:
    checked = mention(world.org, "Die taart is ziek", 0.36, title="Verjaardag")
    other = mention(world.org, "Tja, het brood was anders", 0.55)

    response = alice_client.post(
        f"{URL}nakijken/{checked.pk}/", {"sentiment": "positive", "intents": ["praise"]}
    )

    assert response.status_code == 302 and response["Location"].endswith("#to-check")
    correction = Correction.objects.get(organisation=world.org)
    assert (correction.text, correction.sentiment, correction.intents) == (
        "Verjaardag\nDie taart is ziek", "positive", ["praise"],
    )  # fmt: skip
    assert correction.source == "check" and correction.created_by == world.alice
    checked.refresh_from_db()
    assert (checked.sentiment, checked.intents) == ("positive", ["praise"])
    assert not checked.uncertain
    assert list(selectors.to_check(world.org)) == [other]


def test_a_check_without_sentiment_changes_nothing(world: World, alice_client: Client) -> None:
    checked = mention(world.org, "Die taart is ziek", 0.36)
    alice_client.post(f"{URL}nakijken/{checked.pk}/", {"intents": ["praise"]})
    checked.refresh_from_db()
    assert checked.uncertain and not Correction.objects.exists()


def test_reading_a_post_says_when_klankbord_is_not_sure(alice_client: Client) -> None:
    unsure = SimpleNamespace(language="nl", sentiment="neutral", sentiment_score=0.0, intents=[],
                             places=[], confidence=0.4, uncertain=True)  # fmt: skip
    with mock.patch.object(views.services, "read", return_value=[unsure]):
        page = alice_client.post(URL, {"text": "Tja"}).content.decode()
    assert 'data-field="uncertain"' in page and UNSURE in page

    sure = SimpleNamespace(**{**vars(unsure), "confidence": 0.95, "uncertain": False})
    with mock.patch.object(views.services, "read", return_value=[sure]):
        page = alice_client.post(URL, {"text": "Tja"}).content.decode()
    assert 'data-field="uncertain"' not in page
