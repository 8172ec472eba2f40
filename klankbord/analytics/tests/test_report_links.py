"""A read-only report address: the figures of a period for anyone with the address, in the
language chosen for it, until it is revoked; made, stopped and opened in the audit log."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from klankbord.analytics.models import ReportLink
from klankbord.analytics.report_links import link_token
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import item, mention
from klankbord.orgs.models import AuditEvent, Organisation, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
LIST = "/o/bakkerij-alice/meten/klantrapporten/"
CREATE = LIST + "adressen/"
IN_APRIL = datetime(2026, 4, 10, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def a_month_of_work(world: World) -> None:
    Organisation.objects.update(created_at=datetime(2025, 6, 15, 9, 0, tzinfo=UTC))
    counted_post(world.org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), likes=21, text="Paasbrood")
    counted_post(world.org, datetime(2026, 4, 2, 9, 0, tzinfo=UTC), likes=9, text="Al april")
    found = mention(world.org, datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    found.author_name = "Jan Peeters"
    found.author_handle = "@janpeeters"
    found.save()
    item(world.org, datetime(2026, 3, 6, 9, 0, tzinfo=UTC), answered_after=timedelta(minutes=30))


def make_link(client: Client, **fields: str) -> str:
    """Make an address on the page and return its path, as a member would copy it."""
    data = {"name": "Jan", "period": "last_month", "language": "nl-be"} | fields
    with time_machine.travel(IN_APRIL, tick=False):
        assert client.post(CREATE, data).status_code == 302
        page = client.get(LIST).content.decode()
    start = page.index("http://testserver/rapport/")
    return page[start : page.index('"', start)].removeprefix("http://testserver")


def visit(path: str, moment: datetime = IN_APRIL) -> tuple[int, str]:
    with time_machine.travel(moment, tick=False):
        response = Client().get(path)
    return response.status_code, response.content.decode()


def test_anyone_with_the_address_reads_last_months_report_in_dutch(
    world: World, alice_client: Client
) -> None:
    address = make_link(alice_client)
    with time_machine.travel(IN_APRIL, tick=False):
        response = Client().get(address, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="nl-be">' in page
    assert "Rapport maart 2026" in page
    assert "In één oogopslag" in page and "Paasbrood" in page
    assert "Al april" not in page  # April is not over: the last whole month is March
    assert "<form" not in page and "/o/bakkerij-alice" not in page
    assert 'name="robots" content="noindex' in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-store"
    assert 'id="chart-reactions"' in page  # the charts, drawn on the page with their tables


def test_the_page_in_french(world: World, alice_client: Client) -> None:
    status, page = visit(make_link(alice_client, language="fr-be"))
    assert status == 200
    assert '<html lang="fr-be">' in page
    assert "Rapport mars 2026" in page
    assert "En bref" in page and "Télécharger en PDF" in page
    assert "In één oogopslag" not in page


def test_a_quarter_and_chosen_dates(world: World, alice_client: Client) -> None:
    status, page = visit(make_link(alice_client, period="last_quarter", language="en"))
    assert status == 200 and "Report Q1 2026" in page and "Paasbrood" in page
    chosen = {"period": "custom", "starts_on": "2026-04-01", "ends_on": "2026-04-30"}
    status, page = visit(make_link(alice_client, language="en", **chosen))
    assert "Report April 1, 2026 to April 30, 2026" in page
    assert "Al april" in page and "Paasbrood" not in page
    assert "This period is not over yet" in page


def test_the_pdf_downloads_from_the_address(alice_client: Client) -> None:
    address = make_link(alice_client)
    with time_machine.travel(IN_APRIL, tick=False):
        response = Client().get(address + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response.content.startswith(b"%PDF")


def test_no_personal_data_of_people_who_wrote_about_the_business(alice_client: Client) -> None:
    _status, page = visit(make_link(alice_client))
    assert "Jan Peeters" not in page and "janpeeters" not in page
    assert "Lekker brood" not in page  # what the mention said


def test_the_token_is_stored_hashed_and_encrypted(alice_client: Client) -> None:
    token = make_link(alice_client).split("/")[-2]
    link = ReportLink.objects.get()
    assert len(token) >= 40
    assert token not in link.token_hash and token not in link.token_encrypted
    assert link_token(link) == token


def test_a_revoked_address_answers_as_one_that_never_existed(
    world: World, alice_client: Client
) -> None:
    address = make_link(alice_client)
    link = ReportLink.objects.get()
    with time_machine.travel(IN_APRIL, tick=False):
        assert alice_client.post(f"{LIST}adressen/{link.pk}/intrekken/").status_code == 302
    revoked = visit(address)
    unknown = visit("/rapport/" + "x" * 43 + "/")
    assert revoked[0] == unknown[0] == 404
    assert revoked[1] == unknown[1]
    assert visit(address + "pdf/")[0] == 404
    assert visit("/rapport/" + "x" * 500 + "/")[0] == 404
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert AuditEvent.objects.filter(action="report.link_revoked", actor=world.alice).exists()


def test_making_and_opening_go_in_the_audit_log_once_an_hour(
    world: World, alice_client: Client
) -> None:
    address = make_link(alice_client)
    for minutes in (0, 10, 50):
        assert visit(address, IN_APRIL + timedelta(minutes=minutes))[0] == 200
    assert visit(address, IN_APRIL + timedelta(minutes=70))[0] == 200
    link = ReportLink.objects.get()
    assert link.views == 4
    assert link.last_viewed_at == IN_APRIL + timedelta(minutes=70)
    viewed = AuditEvent.objects.filter(action="report.link_viewed", organisation=world.org)
    assert viewed.count() == 2
    assert all(event.actor is None and event.ip_address is None for event in viewed)
    made = AuditEvent.objects.get(action="report.link_created")
    assert (made.actor, made.target) == (world.alice, "Jan")
    with time_machine.travel(IN_APRIL, tick=False):
        page = alice_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Opened 4 times" in page


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CLIENT])
def test_only_owners_and_managers_make_or_stop_addresses(
    world: World, alice_client: Client, role: str
) -> None:
    make_link(alice_client)
    link = ReportLink.objects.get()
    client = Client()
    client.force_login(world.member(role))
    assert client.post(CREATE, {"period": "last_month", "language": "en"}).status_code == 403
    assert client.post(f"{LIST}adressen/{link.pk}/intrekken/").status_code == 403
    assert ReportLink.objects.count() == 1
    assert ReportLink.objects.get().revoked_at is None


def test_another_organisation_cannot_stop_an_address(
    world: World, alice_client: Client, charlie_client: Client
) -> None:
    make_link(alice_client)
    link = ReportLink.objects.get()
    other = f"/o/{world.other_org.slug}/meten/klantrapporten/adressen/{link.pk}/intrekken/"
    assert charlie_client.post(other).status_code == 404
    assert ReportLink.objects.get().revoked_at is None
    page = charlie_client.get(f"/o/{world.other_org.slug}/meten/klantrapporten/").content.decode()
    assert "/rapport/" not in page


def test_chosen_dates_are_checked(alice_client: Client) -> None:
    data = {"period": "custom", "language": "en", "starts_on": "2026-04-10"}
    with time_machine.travel(IN_APRIL, tick=False):
        alice_client.post(CREATE, data, HTTP_ACCEPT_LANGUAGE="en")
        page = alice_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Give the first and the last day of the period." in page
    data |= {"starts_on": "2026-04-11", "ends_on": "2026-04-30"}  # tomorrow in Brussels
    with time_machine.travel(IN_APRIL, tick=False):
        alice_client.post(CREATE, data, HTTP_ACCEPT_LANGUAGE="en")
        page = alice_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This period has not started yet." in page
    assert not ReportLink.objects.exists()
