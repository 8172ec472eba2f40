import pytest

from klankbord.assistant import prompts
from klankbord.assistant.prompts import Facts, Request, ThreadLine, Voice
from klankbord.assistant.selectors import voice_of
from klankbord.strategy.models import StaffPolicy
from klankbord.test import World

BAKERY = Voice(
    organisation="Bakkerij Alice",
    desired_image="de warme buurtbakker",
    avoid="politiek",
    pillars=[{"name": "Achter de schermen", "examples": "het deeg om 4 uur"}],
    donts=["Prijzen die niet publiek zijn"],
    dos=["offer to take it further by private message."],
)


def system(messages: list[dict]) -> str:
    return messages[0]["content"]


def user(messages: list[dict]) -> str:
    return messages[1]["content"]


@pytest.mark.parametrize(
    ("language", "formal", "wanted", "never"),
    [
        ("nl-BE", False, '"je"', '"u"'),
        ("nl-NL", True, '"u"', '"je"'),
        ("fr-BE", False, '"tu"', '"vous"'),
        ("fr-BE", True, '"vous"', '"tu"'),
    ],
)
def test_it_asks_for_the_plans_form_of_address(
    language: str, formal: bool, wanted: str, never: str
) -> None:
    voice = Voice(organisation="Bakkerij Alice", formal=formal)
    text = system(prompts.post_messages(Request("draft", language, "croissants"), voice))
    assert f"Address the reader as {wanted}" in text
    assert f"never {never}" in text


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("nl-BE", "Dutch as written in Flanders"),
        ("nl-NL", "Dutch as written in the Netherlands"),
        ("fr-BE", "French as written in Belgium"),
        ("en", "English"),
    ],
)
def test_it_names_the_language_and_its_region(language: str, name: str) -> None:
    text = system(prompts.post_messages(Request("draft", language, "brood"), BAKERY))
    assert f"Write in {name}" in text


def test_a_draft_carries_the_plan_the_pillar_and_the_authors_words() -> None:
    messages = prompts.post_messages(
        Request("draft", "nl-BE", "nieuwe zuurdesem", pillar="Achter de schermen"), BAKERY
    )
    assert "de warme buurtbakker" in system(messages)
    assert "Never write about: politiek" in system(messages)
    assert "Never share: Prijzen die niet publiek zijn" in system(messages)
    assert "Always: offer to take it further by private message." in system(messages)
    assert "Content pillar: Achter de schermen. Examples: het deeg om 4 uur" in system(messages)
    assert user(messages).endswith("nieuwe zuurdesem")


def test_it_tells_the_networks_limit() -> None:
    messages = prompts.post_messages(
        Request("variant", "nl-BE", "tekst", network="bluesky"), BAKERY
    )
    assert "at most 300 characters" in system(messages)
    assert "suits Bluesky" in user(messages)


@pytest.mark.parametrize(
    ("kind", "wanted"),
    [("shorter", "shorter"), ("longer", "longer"), ("warmer", "warmer"), ("hashtags", "hashtags")],
)
def test_each_kind_asks_for_its_change(kind: str, wanted: str) -> None:
    assert wanted in user(prompts.post_messages(Request(kind, "nl-BE", "tekst"), BAKERY))


def test_translating_to_french_asks_french_with_tu_or_vous() -> None:
    formal = Voice(organisation="Notaris", formal=True)
    messages = prompts.post_messages(Request("translate_fr", "nl-BE", "Welkom"), formal)
    assert "Translate this post into French as written in Belgium" in user(messages)
    assert 'Address the reader as "vous"' in system(messages)


def test_translating_to_dutch_asks_dutch_with_je_or_u() -> None:
    messages = prompts.post_messages(Request("translate_nl", "fr-BE", "Bienvenue"), BAKERY)
    assert "into Dutch" in user(messages)
    assert 'Address the reader as "je"' in system(messages)


def test_alt_text_sends_the_image_along() -> None:
    messages = prompts.post_messages(
        Request("alt_text", "nl-BE", "Ons brood", image_url="https://x.test/brood.jpg"), BAKERY
    )
    parts = messages[1]["content"]
    assert parts[1] == {"type": "image_url", "image_url": {"url": "https://x.test/brood.jpg"}}


def test_an_answer_carries_the_thread_the_facts_sheet_and_its_rule() -> None:
    messages = prompts.answer_messages(
        voice=BAKERY,
        language="fr-BE",
        thread=[
            ThreadLine("Bakkerij Alice", "Nieuw: spelt brood!", ours=True),
            ThreadLine("Marie", "Combien coûte le pain?"),
        ],
        facts=Facts(opening_hours="di-za 7u-18u", prices="Spelt brood: 4,20 euro"),
        saved_replies=["Dank je, {naam}!"],
    )
    text = system(messages)
    assert prompts.FACTS_RULE in text
    assert "Opening hours: di-za 7u-18u" in text
    assert "Prices: Spelt brood: 4,20 euro" in text
    assert "Dank je, {naam}!" in text
    assert "Write in French as written in Belgium" in text
    assert "Customer (Marie): Combien coûte le pain?" in user(messages)
    assert "Us (Bakkerij Alice): Nieuw: spelt brood!" in user(messages)


def test_an_empty_facts_sheet_is_said_so() -> None:
    messages = prompts.answer_messages(
        voice=BAKERY, language="nl-BE", thread=[ThreadLine("Jan", "Wat kost dat?")], facts=Facts()
    )
    assert "Facts sheet: (empty)" in system(messages)


@pytest.mark.django_db
def test_the_staff_policys_dos_and_donts_come_from_the_organisations_policy(world: World) -> None:
    assert voice_of(world.org, "nl-BE").dos == ()
    StaffPolicy.objects.create(
        organisation=world.org,
        language="nl",
        choices={"photos": "never", "confidential": ["prices"], "confidential_other": "Recepten"},
    )
    voice = voice_of(world.org, "nl-BE")
    assert any("never name or describe recognisable customers" in rule for rule in voice.dos)
    assert any("never ask for names, addresses" in rule for rule in voice.dos)
    assert voice.donts == ["Prijzen, offertes en contracten die niet publiek zijn", "Recepten"]
    # Another organisation's policy is its own.
    assert voice_of(world.other_org, "nl-BE").dos == ()
