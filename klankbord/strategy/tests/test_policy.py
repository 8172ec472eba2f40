"""The staff social media policy: a draft in the plan's tone and the organisation's choices, in
Dutch, French or English, edited by hand and exported."""

import io
import re
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from klankbord.inbox.services import inbox_settings
from klankbord.orgs.models import AuditEvent, Membership, Role
from klankbord.strategy import services
from klankbord.strategy.models import StaffPolicy
from klankbord.strategy.policy import DEFAULT_CHOICES, policy_draft
from klankbord.strategy.policy_texts import TEXTS
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
PAGE = "/o/bakkerij-alice/plan/personeelsbeleid/"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
INFORMAL_NL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jullie)\b", re.IGNORECASE)
FORMAL_NL = re.compile(r"\b(u|uw|uzelf)\b", re.IGNORECASE)
# "un ton aimable" is a tone of voice, not "your".
INFORMAL_FR = re.compile(r"\b(tu|te|toi|ta|tes)\b|(?<!un )\bton\b|\bt'", re.IGNORECASE)
FORMAL_FR = re.compile(r"\b(vous|votre|vos)\b", re.IGNORECASE)


@pytest.fixture
def plan(world: World, alice: Membership) -> dict[str, Any]:
    steps = bakery_plan()
    for key, data in steps.items():
        services.plan_step_save(organisation=world.org, key=key, data=data, by=alice)
    return steps


def draft(world: World, steps: dict[str, Any], language: str, **choices: Any) -> str:
    return policy_draft(
        organisation=world.org, plan_steps=steps, choices=choices, language=language
    )


def with_address(address: str, register: str = "") -> dict[str, Any]:
    steps = bakery_plan()
    steps["positioning"] = {**steps["positioning"], "address": address, "register": register}
    return steps


def test_the_dutch_draft_addresses_staff_as_the_plan_addresses_customers(world: World) -> None:
    informal = draft(world, with_address("je"), "nl")
    formal = draft(world, with_address("u"), "nl")
    assert INFORMAL_NL.search(informal) and not FORMAL_NL.search(informal)
    assert FORMAL_NL.search(formal) and not INFORMAL_NL.search(formal)
    # Without a choice of address the register decides.
    assert not INFORMAL_NL.search(draft(world, with_address("", "formal"), "nl"))


def test_the_french_draft_says_tu_or_vous_as_the_plan_does(world: World) -> None:
    tu = draft(world, with_address("je"), "fr")
    vous = draft(world, with_address("u"), "fr")
    assert INFORMAL_FR.search(tu) and not FORMAL_FR.search(tu)
    assert FORMAL_FR.search(vous) and not INFORMAL_FR.search(vous)


def test_the_draft_says_who_posts_who_answers_and_within_what_time(
    world: World, plan: dict[str, Any]
) -> None:
    assert inbox_settings(world.org).target_minutes == 120
    dutch = draft(world, plan, "nl")
    assert "- **Bob** plaatst de berichten op Facebook en Instagram." in dutch
    assert "**Alice** beantwoordt vragen en reacties namens Bakkerij Alice, binnen 2 uur" in dutch
    assert "stuur die met de link door naar Alice" in dutch
    assert "dans un délai de 2 heures pendant les heures d'ouverture" in draft(world, plan, "fr")
    assert "within 2 hours during opening hours" in draft(world, plan, "en")
    settings = inbox_settings(world.org)
    settings.target_minutes = 90
    settings.save()
    assert "binnen 1 uur en 30 minuten" in draft(world, plan, "nl")
    assert "within 1 hour and 30 minutes" in draft(world, plan, "en")


def test_the_draft_lists_what_the_organisation_calls_confidential(world: World) -> None:
    text = draft(
        world,
        bakery_plan(),
        "nl",
        confidential=["customers", "plans"],
        confidential_other="Recepten\n\n- het deeg van {zondag}",
    )
    assert "- Gegevens van klanten: namen, adressen, bestellingen en vragen" in text
    assert "- Plannen die nog niet bekendgemaakt zijn" in text
    assert "Prijzen, offertes en contracten" not in text
    assert "- Recepten\n- het deeg van {zondag}\n" in text
    nothing = draft(world, bakery_plan(), "nl", confidential=[])
    assert "Wat je op het werk hoort of ziet en niet publiek is" in nothing
    assert "Dat geldt zeker voor" not in nothing


def test_each_choice_gives_its_own_paragraph(world: World) -> None:
    steps = bakery_plan()
    assert "Vermeld op je eigen profielen niet" in draft(world, steps, "nl", employer="no")
    assert "eigen mening" in draft(world, steps, "nl", employer="disclaimer")
    assert "Like en deel de berichten" in draft(world, steps, "nl", sharing="not")
    assert "Maak op het werk geen foto's" in draft(world, steps, "nl", photos="never")
    assert "ook niet even tussendoor" in draft(world, steps, "nl", private_use="not")
    assert "Views are my own" in draft(world, steps, "en", employer="disclaimer")


def every_draft(world: World, steps: dict[str, Any]) -> list[tuple[str, str]]:
    """Every language and tone, with every option of every choice at least once."""
    options = {
        "employer": ["yes", "disclaimer", "no"],
        "sharing": ["encouraged", "allowed", "not"],
        "photos": ["consent", "never", "never"],
        "private_use": ["breaks", "limited", "not"],
        "confidential": [[], ["prices"], list(DEFAULT_CHOICES["confidential"])],
    }
    drafts = []
    for language in ("nl", "fr", "en"):
        for address in ("je", "u"):
            steps["positioning"]["address"] = address
            for index in range(3):
                chosen = {key: values[index] for key, values in options.items()}
                drafts.append((language, draft(world, steps, language, **chosen)))
    return drafts


def test_every_placeholder_is_filled(world: World) -> None:
    empty: dict[str, Any] = {"positioning": {}}
    for steps in (bakery_plan(), empty):
        for _language, text in every_draft(world, steps):
            assert not PLACEHOLDER.search(text), text
            assert text.startswith("# ")


def test_without_a_plan_the_draft_speaks_of_the_person_appointed(world: World) -> None:
    text = draft(world, {}, "nl")
    assert "Alleen wie daarvoor aangeduid is, plaatst berichten op de kanalen van" in text
    assert "stuur de vraag door naar je leidinggevende" in text
    assert "Onderwerpen die we vermijden" not in text
    assert "la personne désignée pour cela" in draft(world, {}, "fr")


def fragments(texts: dict[str, str]) -> set[str]:
    """The template's wording between placeholders and marks, at least three words long."""
    found = set()
    for text in texts.values():
        for piece in re.split(r"\{[a-z_]+\}|\*\*|\n|^#+ |^- |[:?!.;«»“”]", text):
            if len(piece.split()) >= 3:
                found.add(piece.strip())
    return found


def test_no_draft_holds_a_sentence_of_another_language(world: World) -> None:
    by_language = {
        language: fragments(tones["informal"]) | fragments(tones["formal"])
        for language, tones in TEXTS.items()
    }
    for language, text in every_draft(world, bakery_plan()):
        for other, pieces in by_language.items():
            if other != language:
                leaked = [piece for piece in pieces if piece in text]
                assert not leaked, (language, other, leaked)


def test_french_elides_de_before_a_vowel(world: World) -> None:
    world.org.name = "Atelier Jan"
    world.org.save()
    text = draft(world, bakery_plan(), "fr")
    assert "la charte de l'équipe d'Atelier Jan" in text
    assert "de Atelier" not in text


def test_the_dutch_draft_names_the_avg_in_the_netherlands(world: World) -> None:
    assert "## Privacy (GDPR)" in draft(world, bakery_plan(), "nl")
    world.org.timezone = "Europe/Amsterdam"
    world.org.save()
    assert "## Privacy (AVG)" in draft(world, bakery_plan(), "nl")


# --- the page ----------------------------------------------------------------------------------

CHOICES = {
    "employer": "disclaimer",
    "sharing": "encouraged",
    "confidential": ["customers", "figures"],
    "confidential_other": "Recepten",
    "photos": "consent",
    "private_use": "breaks",
    "contact": "Alice (alice@bakkerij.test)",
    "action": "generate",
}


def test_an_editor_generates_a_draft_and_everyone_reads_it(
    world: World, plan: dict[str, Any], alice_client: Client
) -> None:
    bob = Client()
    bob.force_login(world.bob)  # an editor
    response = bob.post(f"{PAGE}?taal=fr", CHOICES)
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?taal=fr"
    policy = StaffPolicy.objects.get(organisation=world.org)
    assert policy.language == "fr"
    assert policy.choices["confidential"] == ["customers", "figures"]
    assert policy.choices["contact"] == "Alice (alice@bakkerij.test)"
    assert policy.text.startswith("# Réseaux sociaux")
    assert "Demande d'abord à Alice (alice@bakkerij.test)." in policy.text
    assert policy.generated_at == policy.updated_at and policy.updated_by == world.bob
    assert AuditEvent.objects.filter(action="plan.staff_policy_generated", target="fr").exists()
    page = alice_client.get(f"{PAGE}?taal=fr").content.decode()
    assert "<h2>Réseaux sociaux" in page and "<strong>Bob</strong>" in page
    # The other languages start from the same choices.
    dutch = alice_client.get(f"{PAGE}?taal=nl").content.decode()
    assert 'value="Alice (alice@bakkerij.test)"' in dutch
    assert "No policy in this language yet" in dutch


def test_a_hand_edit_is_kept_until_a_new_draft_is_confirmed(
    world: World, plan: dict[str, Any], alice_client: Client
) -> None:
    alice_client.post(PAGE + "?taal=nl", CHOICES)
    edited = "# Onze afspraken\r\n\r\nWees **vriendelijk**.\r\n"
    response = alice_client.post(PAGE + "?taal=nl", {"action": "save", "text": edited})
    assert response.status_code == 302
    policy = StaffPolicy.objects.get()
    assert policy.text == "# Onze afspraken\n\nWees **vriendelijk**.\n"
    assert policy.updated_at > policy.generated_at
    assert AuditEvent.objects.filter(action="plan.staff_policy_edited").count() == 1
    page = alice_client.get(PAGE + "?taal=nl").content.decode()
    assert "Changed by hand since the last draft." in page
    assert "Replace the edited text with a new draft" in page

    response = alice_client.post(PAGE + "?taal=nl", CHOICES)
    assert response.status_code == 422
    assert "Tick the box to replace those changes with a new draft." in response.content.decode()
    assert StaffPolicy.objects.get().text.startswith("# Onze afspraken")

    response = alice_client.post(PAGE + "?taal=nl", {**CHOICES, "replace": "on"})
    assert response.status_code == 302
    assert StaffPolicy.objects.get().text.startswith("# Sociale media: afspraken")


def test_saving_the_text_unchanged_is_not_an_edit(
    world: World, plan: dict[str, Any], alice_client: Client
) -> None:
    alice_client.post(PAGE + "?taal=en", CHOICES)
    text = StaffPolicy.objects.get().text
    alice_client.post(PAGE + "?taal=en", {"action": "save", "text": text})
    assert alice_client.post(PAGE + "?taal=en", CHOICES).status_code == 302


def test_a_policy_can_be_written_without_a_draft(world: World, alice_client: Client) -> None:
    response = alice_client.post(PAGE + "?taal=nl", {"action": "save", "text": "Geen gsm."})
    assert response.status_code == 302
    policy = StaffPolicy.objects.get()
    assert (policy.text, policy.generated_at) == ("Geen gsm.", None)
    # Generating now would replace it, so it asks first.
    assert alice_client.post(PAGE + "?taal=nl", CHOICES).status_code == 422


def test_the_text_is_shown_escaped(world: World, alice_client: Client) -> None:
    hostile = "# Titel\n\n<script>alert(1)</script> & **<b>vet</b>**\n\n- <img src=x onerror=y>"
    alice_client.post(PAGE + "?taal=nl", {"action": "save", "text": hostile})
    for path in (PAGE + "?taal=nl", PAGE + "nl/afdrukken/"):
        page = alice_client.get(path).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page and "<b>vet" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <strong>&lt;b&gt;vet" in page
        assert "<li>&lt;img src=x onerror=y&gt;</li>" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"action": "save", "text": "  \r\n "},
            "The policy is empty: write it, or generate a draft.",
        ),
        ({"action": "save", "text": "x" * 30_001}, "The policy is too long: keep it under 30000"),
        ({**CHOICES, "employer": ""}, "Choose one of the options."),
        ({**CHOICES, "sharing": "always"}, "Select a valid choice."),
        ({**CHOICES, "confidential": ["secrets"]}, "Select a valid choice."),
        ({**CHOICES, "contact": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_input_gets_a_clear_message(
    world: World, alice_client: Client, data: dict[str, Any], message: str
) -> None:
    response = alice_client.post(PAGE + "?taal=nl", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not StaffPolicy.objects.exists()


def test_an_unknown_language_is_not_found(world: World, alice_client: Client) -> None:
    assert alice_client.get(PAGE + "?taal=de").status_code == 404
    assert alice_client.post(PAGE + "?taal=de", CHOICES).status_code == 404
    for path in ("de.md", "de.pdf", "de/afdrukken/", "nl.md"):  # nl: nothing written yet
        assert alice_client.get(PAGE + path).status_code == 404, path


# --- exports -----------------------------------------------------------------------------------


def test_the_policy_downloads_as_markdown_pdf_and_a_page_to_print(
    world: World, plan: dict[str, Any], alice_client: Client
) -> None:
    alice_client.post(PAGE + "?taal=nl", CHOICES)
    text = StaffPolicy.objects.get().text

    markdown = alice_client.get(PAGE + "nl.md")
    assert markdown["Content-Type"] == "text/markdown; charset=utf-8"
    disposition = markdown["Content-Disposition"]
    assert disposition == 'attachment; filename="sociale-media-afspraken-bakkerij-alice.md"'
    assert markdown.content.decode() == text

    pdf = alice_client.get(PAGE + "nl.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert "sociale-media-afspraken-bakkerij-alice.pdf" in pdf["Content-Disposition"]
    reader = PdfReader(io.BytesIO(pdf.content))
    extracted = " ".join(page.extract_text() for page in reader.pages)
    assert reader.metadata is not None
    assert reader.metadata.title == "Sociale media: afspraken voor het team van Bakkerij Alice"
    for expected in ("Wat vertrouwelijk blijft", "Pesterijen en bedreigingen", "Recepten"):
        assert expected in extracted
    assert "**" not in extracted and "## " not in extracted

    page = alice_client.get(PAGE + "nl/afdrukken/").content.decode()
    assert '<html lang="nl">' in page
    assert "<h1>Sociale media: afspraken voor het team van Bakkerij Alice</h1>" in page
    assert "<h2>Wat vertrouwelijk blijft</h2>" in page


# --- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.CLIENT])
def test_contributors_and_clients_read_and_download_but_do_not_change(
    world: World, alice: Membership, role: str
) -> None:
    services.staff_policy_generate(
        organisation=world.org, language="nl", choices=DEFAULT_CHOICES, by=alice
    )
    text = StaffPolicy.objects.get().text
    client = Client()
    client.force_login(world.member(role))
    page = client.get(PAGE + "?taal=nl")
    assert page.status_code == 200
    assert "Zeggen dat je bij Bakkerij Alice werkt" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    for path in ("nl.md", "nl.pdf", "nl/afdrukken/"):
        assert client.get(PAGE + path).status_code == 200
    assert client.post(PAGE + "?taal=nl", CHOICES).status_code == 403
    assert client.post(PAGE + "?taal=nl", {"action": "save", "text": "Niets"}).status_code == 403
    assert StaffPolicy.objects.get().text == text


def test_charlie_reaches_nothing_of_alices_policy(
    world: World, alice: Membership, charlie_client: Client
) -> None:
    services.staff_policy_generate(
        organisation=world.org, language="nl", choices=DEFAULT_CHOICES, by=alice
    )
    for path in ("?taal=nl", "nl.md", "nl.pdf", "nl/afdrukken/"):
        assert charlie_client.get(PAGE + path).status_code == 404, path
    assert (
        charlie_client.post(PAGE + "?taal=nl", {"action": "save", "text": "x"}).status_code == 404
    )
    # Nor through his own organisation's address.
    assert charlie_client.get("/o/garage-charlie/plan/personeelsbeleid/nl.md").status_code == 404
