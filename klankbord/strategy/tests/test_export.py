"""The plan as a PDF: every step in words, the health check's fixes, and an empty plan too."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from klankbord.orgs.models import Role
from klankbord.strategy.services import plan_step_save
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/plan/pdf/"


def text_of(pdf: bytes) -> str:
    # Lines break anywhere in a long sentence, so compare words.
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def save_plan(world: World, steps: dict) -> None:
    alice = world.org.memberships.get(user=world.alice)
    for key, data in steps.items():
        plan_step_save(organisation=world.org, key=key, data=data, by=alice)


def test_the_pdf_holds_every_step_in_words(world: World, alice_client: Client) -> None:
    save_plan(world, bakery_plan())
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="socialemediaplan-bakkerij-alice-'
    )
    text = text_of(response.content)
    for expected in [
        "1. Goals and self-check",
        "Brand awareness: more people know you",  # a goal's label, not its key
        "Gezinnen in Leuven",
        "In our town or region",
        "De beste zuurdesem van Leuven",
        "“je” (informal you)",
        "Instagram",
        "Achter de schermen",
        "Behind the scenes",
        "Daglicht, eigen mensen",
        "di en do 12:00",
        "Alice",
        "Canva",
        "reacties van klanten",
        "per quarter",
        "8. Measuring (KPIs)",
        "Budget per month",
        "€ 808.33",  # 4 h at € 40 for 4.33 weeks + € 100 ads + € 15 tools
        "Warning after",
        "Health check",
        "8 of 8 in order.",
    ]:
        assert expected in text, expected
    assert "behind_the_scenes" not in text
    assert "awareness" not in text.replace("Brand awareness", "")


def test_each_failing_check_brings_its_fix(world: World, alice_client: Client) -> None:
    steps = bakery_plan()
    steps["rhythm"]["who_answers"] = ""
    steps["kpis"] = {"kpis": []}
    save_plan(world, steps)
    text = text_of(alice_client.get(URL).content)
    assert "To fix: Someone answers." in text
    assert "Name who answers questions and comments, so no customer waits." in text
    assert "Add a KPI with an indicator, a target and a period" in text
    assert "5 of 8 in order." in text
    assert "In order: A goal" in text
    assert "This step is not filled in yet." in text


def test_an_empty_plan_exports_with_every_step_still_to_do(
    world: World, alice_client: Client
) -> None:
    text = text_of(alice_client.get(URL).content)
    assert text.count("This step is not filled in yet.") == 8
    assert "Social media plan" in text and "Bakkerij" in text


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.CLIENT])
def test_every_member_may_download_it(world: World, role: str) -> None:
    client = Client()
    client.force_login(world.member(role))
    assert client.get(URL).status_code == 200


def test_hostile_answers_stay_text(world: World, alice_client: Client) -> None:
    steps = bakery_plan()
    steps["positioning"]["avoid"] = "<b>Politiek</b> & <script>x</script>"
    save_plan(world, steps)
    assert "<b>Politiek</b> & <script>x</script>" in text_of(alice_client.get(URL).content)
