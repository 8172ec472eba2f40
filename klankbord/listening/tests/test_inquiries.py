"""A question about buying, sent to the business itself, is a lead; elsewhere a question."""

import pytest

from klankbord.language.understand import Reading
from klankbord.listening.inquiries import as_inquiry, is_purchase_inquiry


def reading(*intents: str) -> Reading:
    return Reading(
        language="nl", sentiment="neutral", sentiment_score=0.0, intents=list(intents), places=[]
    )


@pytest.mark.parametrize(
    "text",
    [
        "Hebben jullie morgen nog een taart voor 12 personen?",
        "kan ik zaterdag 2 broden komen halen",
        "Wat kost een knipbeurt bij jullie?",
        "Is er vrijdagavond nog plaats voor 4?",
        "Vous avez encore des croissants demain ?",
        "Do you deliver to Leuven?",
    ],
)
def test_it_knows_a_question_about_buying(text: str) -> None:
    assert is_purchase_inquiry(text)


@pytest.mark.parametrize(
    "text", ["Waar kan ik parkeren?", "Hoe laat gaan jullie open op zondag?", "Is dit nog actueel?"]
)
def test_it_leaves_other_questions_alone(text: str) -> None:
    assert not is_purchase_inquiry(text)


def test_a_buying_question_in_a_private_message_becomes_a_lead() -> None:
    text = "Hebben jullie morgen nog een taart voor 12 personen?"
    assert as_inquiry(reading("question"), "message", text).intents == ["question", "lead"]


def test_the_same_words_in_a_public_post_stay_a_question() -> None:
    text = "Hebben jullie morgen nog een taart voor 12 personen?"
    assert as_inquiry(reading("question"), "comment", text).intents == ["question"]


def test_a_private_message_without_a_question_is_not_made_a_lead() -> None:
    text = "Bedankt voor de taart, ze was heerlijk"
    assert as_inquiry(reading("praise"), "message", text).intents == ["praise"]
