from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from klankbord.orgs.models import AuditEvent, Membership
from klankbord.test import World
from klankbord.understanding import services
from klankbord.understanding.models import Correction


@pytest.fixture
def alice(world: World) -> Membership:
    return Membership.objects.get(user=world.alice, organisation=world.org)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "sentiment", "intents", "message"),
    [
        ("  ", "positive", None, "Geef de tekst"),
        ("x" * 5001, "positive", None, "te lang"),
        ("Lekker", "great", None, "Kies positief, neutraal of negatief"),
        ("Lekker", "", ["buy"], "Kies uit vraag"),
        ("Lekker", "", None, "Verbeter het sentiment"),
    ],
)
def test_a_bad_correction_is_refused_with_a_reason_in_dutch_and_nothing_is_stored(
    alice: Membership, text: str, sentiment: str, intents: Any, message: str, translations: None
) -> None:
    with translation.override("nl-be"), pytest.raises(ValidationError) as refused:
        services.correction_add(alice, text, sentiment=sentiment, intents=intents)
    assert message in " ".join(refused.value.messages)
    assert not Correction.objects.exists()


@pytest.mark.django_db
def test_a_correction_is_kept_for_its_organisation_and_audited(alice: Membership) -> None:
    correction = services.correction_add(
        alice, " Die taart is ziek ", sentiment="positive", intents=["praise", "question"]
    )
    correction.refresh_from_db()
    assert correction.organisation == alice.organisation
    assert correction.text == "Die taart is ziek"
    assert correction.intents == ["question", "praise"]
    assert AuditEvent.objects.filter(
        action="language.correction", organisation=alice.organisation
    ).exists()


@pytest.mark.django_db
def test_retraining_is_asked_for_once_enough_corrections_are_new(
    alice: Membership, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.KLANKBORD_RETRAIN_AFTER = 2
    with mock.patch("klankbord.understanding.tasks.retrain_organisation.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            services.correction_add(alice, "Die taart is ziek", sentiment="positive")
        delay.assert_not_called()
        with django_capture_on_commit_callbacks(execute=True):
            services.correction_add(alice, "Die wafel is ziek", sentiment="positive")
        delay.assert_called_once_with(alice.organisation.pk)


@pytest.mark.django_db
def test_the_safety_net_retrains_only_organisations_with_enough_new_corrections(
    world: World, alice: Membership, settings: Any
) -> None:
    settings.KLANKBORD_RETRAIN_AFTER = 1
    services.correction_add(alice, "Die taart is ziek", sentiment="positive")

    with mock.patch("klankbord.understanding.services.language_corrections.retrain") as fit:
        fit.return_value.to_bytes.return_value = b"heads"
        assert services.retrain_due() == [world.org.pk]
        assert services.retrain_due() == []
    assert fit.call_count == 1
