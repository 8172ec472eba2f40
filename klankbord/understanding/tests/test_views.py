from typing import Any
from unittest import mock

import pytest
from django.test import Client

from klankbord.orgs.models import Role
from klankbord.test import World
from klankbord.understanding.models import Correction

URL = "/o/bakkerij-alice/instellingen/taal/"


@pytest.fixture
def bob_client(world: World) -> Client:
    client = Client()
    client.force_login(world.bob)
    return client


@pytest.mark.django_db
def test_trying_a_post_shows_how_it_is_read_in_dutch(
    world: World, alice_client: Client, translations: None
) -> None:
    world.alice.language = "nl-be"
    world.alice.save(update_fields=["language"])
    response = alice_client.post(URL, {"text": "Iemand een goede loodgieter omgeving Gent?"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hoe Klankbord het leest" in page
    assert "Lead" in page and "Gent" in page
    assert 'name="sentiment"' in page  # the correction form, filled in with the reading


@pytest.mark.django_db
def test_an_empty_try_says_what_is_missing(alice_client: Client, translations: None) -> None:
    response = alice_client.post(URL, {"text": ""})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


@pytest.mark.django_db
def test_a_correction_is_saved_and_listed(bob_client: Client, world: World) -> None:
    response = bob_client.post(
        URL + "correctie/",
        {"text": "Die taart is ziek", "sentiment": "positive", "intents": ["praise"]},
        follow=True,
    )

    correction = Correction.objects.get()
    assert (correction.organisation, correction.created_by) == (world.org, world.bob)
    assert correction.intents == ["praise"]
    assert "Die taart is ziek" in response.content.decode()


@pytest.mark.django_db
def test_a_correction_without_sentiment_is_refused(bob_client: Client, translations: None) -> None:
    response = bob_client.post(URL + "correctie/", {"text": "Die taart is ziek"}, follow=True)
    assert "Choose a sentiment" in response.content.decode()
    assert not Correction.objects.exists()


@pytest.mark.django_db
def test_an_editor_removes_only_their_own_corrections(
    bob_client: Client, alice_client: Client, world: World
) -> None:
    alices = Correction.objects.create(
        organisation=world.org, text="a", sentiment="positive", created_by=world.alice
    )
    bobs = Correction.objects.create(
        organisation=world.org, text="b", sentiment="positive", created_by=world.bob
    )

    assert bob_client.post(f"{URL}correctie/{alices.pk}/verwijderen/").status_code == 403
    assert bob_client.post(f"{URL}correctie/{bobs.pk}/verwijderen/").status_code == 302
    assert alice_client.post(f"{URL}correctie/{alices.pk}/verwijderen/").status_code == 302
    assert not Correction.objects.exists()


@pytest.mark.django_db
def test_a_manager_may_ask_for_a_retrain_and_an_editor_may_not(
    world: World, bob_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    manager = Client()
    manager.force_login(world.member(Role.MANAGER))
    with mock.patch("klankbord.understanding.tasks.retrain_organisation.delay") as delay:
        assert bob_client.post(URL + "hertrainen/").status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            assert manager.post(URL + "hertrainen/").status_code == 302
    delay.assert_called_once_with(world.org.pk)
