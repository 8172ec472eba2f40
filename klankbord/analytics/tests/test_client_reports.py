"""Client reports: a month, a quarter or chosen dates e-mailed once, after the period, to people
outside the organisation, in their language, with the PDF attached."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.utils.translation import override

from klankbord.analytics import client_reports
from klankbord.analytics.client_reports import (
    Period,
    ReportMessage,
    client_report_claim,
    client_report_send,
    send_client_reports,
)
from klankbord.analytics.models import ClientReport
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.test_report import text_of
from klankbord.celery import app
from klankbord.orgs.audit_texts import details
from klankbord.orgs.models import AuditEvent, Organisation, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
LIST = "/o/bakkerij-alice/meten/klantrapporten/"
NEW = LIST + "nieuw/"
# 1 April 2026 in Brussels (summer time, UTC+2): 6:59 and 7:00.
APRIL_FIRST_BEFORE_SEVEN = datetime(2026, 4, 1, 4, 59, tzinfo=UTC)
APRIL_FIRST_AT_SEVEN = datetime(2026, 4, 1, 5, 0, tzinfo=UTC)
FEBRUARY = date(2026, 2, 1)


@pytest.fixture(autouse=True)
def organisations_started_last_year() -> None:
    Organisation.objects.update(created_at=datetime(2025, 6, 15, 9, 0, tzinfo=UTC))


def schedule(world: World, **fields: Any) -> ClientReport:
    """A monthly schedule made in February: February's report went out on 1 March."""
    values = {"name": "Bakkerij voor Jan", "recipients": ["jan@klant.test", "an@klant.test"],
              "last_sent_for": FEBRUARY}  # fmt: skip
    return ClientReport.objects.create(organisation=world.org, created_by=world.alice,
                                       **(values | fields))  # fmt: skip


def send_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return send_client_reports()


def pdf_of(message: EmailMessage) -> bytes:
    parts = [p for p in message.message().walk() if p.get_content_type() == "application/pdf"]
    (part,) = parts
    return part.get_payload(decode=True)


def test_a_month_goes_out_once_after_it_ends_to_all_recipients_with_the_pdf(world: World) -> None:
    counted_post(world.org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), likes=12)
    found = schedule(world)
    assert send_at(datetime(2026, 3, 31, 21, 0, tzinfo=UTC)) == 0  # 23:00 on the 31st
    assert send_at(APRIL_FIRST_BEFORE_SEVEN) == 0
    assert send_at(APRIL_FIRST_AT_SEVEN) == 1
    assert send_at(APRIL_FIRST_AT_SEVEN + timedelta(hours=1)) == 0
    assert send_at(datetime(2026, 4, 20, 9, 0, tzinfo=UTC)) == 0
    (message,) = mail.outbox
    assert message.to == ["jan@klant.test", "an@klant.test"]
    assert message.reply_to == [world.alice.email]
    assert pdf_of(message).startswith(b"%PDF")
    found.refresh_from_db()
    assert found.last_sent_for == date(2026, 3, 1)
    # The next month brings the next report.
    assert send_at(datetime(2026, 5, 1, 5, 0, tzinfo=UTC)) == 1
    assert len(mail.outbox) == 2
    sent = AuditEvent.objects.filter(action="report.client_sent").order_by("created_at", "pk")
    assert sent.count() == 2
    with override("en"):
        said = details(sent[0], "Europe/Brussels")
    assert said == "the period from March 1, 2026, to 2 addresses"


def test_it_is_written_in_the_recipients_language(world: World) -> None:
    counted_post(world.org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), likes=12, text="Paasbrood")
    schedule(world, language="fr-be")
    send_at(APRIL_FIRST_AT_SEVEN)
    (message,) = mail.outbox
    assert message.subject == "Bakkerij Alice : rapport des réseaux sociaux pour mars 2026"
    assert "Les résultats sur les réseaux sociaux de Bakkerij Alice pour mars 2026" in message.body
    assert "1 publication mise en ligne" in message.body
    assert "Le rapport complet est joint en PDF." in message.body
    assert "Paasbrood" in message.body
    html, _mime = message.alternatives[0]
    assert "mars 2026" in html and "posts published" not in html
    assert "Rapport mensuel mars 2026" in text_of(pdf_of(message))


def test_two_workers_claiming_the_same_month_send_it_once(world: World) -> None:
    found = schedule(world)
    # Both workers read the schedule before either sent: each holds its own copy.
    first, second = ClientReport.objects.get(pk=found.pk), ClientReport.objects.get(pk=found.pk)
    march = Period(date(2026, 3, 1), date(2026, 3, 31), "month")
    with time_machine.travel(APRIL_FIRST_AT_SEVEN, tick=False):
        results = [client_report_send(first, march), client_report_send(second, march)]
    assert results == [True, False]
    assert len(mail.outbox) == 1
    # An older period never goes out after a newer one.
    assert client_report_claim(found, date(2026, 2, 1)) is False


def test_a_quarter_goes_out_after_it_ends_in_the_organisations_time_zone(world: World) -> None:
    # Brussels: 1 January 0:30 is still 31 December in UTC; 1 April 0:30 is 31 March in UTC.
    counted_post(world.org, datetime(2025, 12, 31, 23, 30, tzinfo=UTC), likes=7, text="Nieuwjaar")
    counted_post(world.org, datetime(2026, 3, 31, 22, 30, tzinfo=UTC), likes=5, text="Al april")
    counted_post(world.org, datetime(2025, 12, 31, 22, 30, tzinfo=UTC), likes=3, text="Oudejaar")
    schedule(world, period=ClientReport.Period.QUARTER, language="en", last_sent_for=None)
    assert send_at(datetime(2026, 3, 1, 9, 0, tzinfo=UTC)) == 1  # the quarter before: Q4 2025
    assert "Q4 2025" in mail.outbox[0].subject
    assert send_at(APRIL_FIRST_BEFORE_SEVEN) == 0
    assert send_at(APRIL_FIRST_AT_SEVEN) == 1
    assert send_at(datetime(2026, 6, 30, 9, 0, tzinfo=UTC)) == 0
    message = mail.outbox[1]
    assert message.subject == "Bakkerij Alice: social media report for Q1 2026"
    assert "Nieuwjaar" in message.body
    assert "Al april" not in message.body and "Oudejaar" not in message.body
    assert "1 post published" in message.body


def test_a_quarter_in_tokyo_goes_out_by_tokyos_clock(world: World) -> None:
    Organisation.objects.filter(pk=world.org.pk).update(timezone="Asia/Tokyo")
    schedule(world, period=ClientReport.Period.QUARTER, last_sent_for=date(2025, 10, 1))
    assert send_at(datetime(2026, 3, 31, 21, 59, tzinfo=UTC)) == 0  # 6:59 on 1 April in Tokyo
    assert send_at(datetime(2026, 3, 31, 22, 0, tzinfo=UTC)) == 1


def test_chosen_dates_go_out_once_the_morning_after_the_last_day(world: World) -> None:
    found = schedule(
        world, period=ClientReport.Period.CUSTOM,
        starts_on=date(2026, 3, 15), ends_on=date(2026, 4, 14), language="en",
    )  # fmt: skip
    assert send_at(datetime(2026, 4, 14, 20, 0, tzinfo=UTC)) == 0
    assert send_at(datetime(2026, 4, 15, 5, 0, tzinfo=UTC)) == 1
    for later in [timedelta(hours=1), timedelta(days=40), timedelta(days=400)]:
        assert send_at(datetime(2026, 4, 15, 5, 0, tzinfo=UTC) + later) == 0
    (message,) = mail.outbox
    assert "March 15, 2026 to April 14, 2026" in message.subject
    found.refresh_from_db()
    assert found.last_sent_for == date(2026, 3, 15)


def test_a_refused_message_is_sent_again_later_and_only_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = schedule(world)
    real_send = ReportMessage.send

    def refused(self: ReportMessage, fail_silently: bool = False) -> int:
        raise ConnectionRefusedError("the mail server is down")

    monkeypatch.setattr(ReportMessage, "send", refused)
    assert send_at(APRIL_FIRST_AT_SEVEN) == 0
    found.refresh_from_db()
    assert found.last_sent_for == FEBRUARY
    assert "ConnectionRefusedError" in found.last_error
    monkeypatch.setattr(ReportMessage, "send", real_send)
    assert send_at(APRIL_FIRST_AT_SEVEN + timedelta(hours=1)) == 1
    assert send_at(APRIL_FIRST_AT_SEVEN + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
    found.refresh_from_db()
    assert found.last_error == ""


def test_an_edit_while_a_round_sends_keeps_the_rounds_claim(world: World) -> None:
    found = schedule(world)
    stale = ClientReport.objects.get(pk=found.pk)  # the member opened the form
    assert client_report_claim(found, date(2026, 3, 1))  # meanwhile a worker claims March
    alice = world.org.memberships.get(user=world.alice)
    client_reports.client_report_update(report=stale, by=alice, data={"name": "Jan"})
    found.refresh_from_db()
    assert (found.name, found.last_sent_for) == ("Jan", date(2026, 3, 1))


def test_a_paused_schedule_sends_nothing(world: World) -> None:
    schedule(world, active=False)
    assert send_at(APRIL_FIRST_AT_SEVEN) == 0


def test_the_hourly_beat_runs_the_task(monkeypatch: pytest.MonkeyPatch) -> None:
    from klankbord.analytics import tasks

    rounds: list[datetime | None] = []
    monkeypatch.setattr(client_reports, "send_client_reports", lambda: rounds.append(None))
    tasks.client_reports()
    assert rounds == [None]
    entry = app.conf.beat_schedule["analytics-client-reports"]
    assert entry["task"] == "klankbord.analytics.tasks.client_reports"


# --- the pages ---------------------------------------------------------------------------------


def form(**fields: str) -> dict[str, str]:
    values = {"name": "Voor Jan", "period": "month", "recipients": "jan@klant.test\nan@klant.test",
              "language": "fr-be", "active": "on"}  # fmt: skip
    return values | fields


def test_an_owner_makes_a_schedule_that_starts_with_the_running_month(
    world: World, alice_client: Client
) -> None:
    with time_machine.travel(datetime(2026, 4, 20, 9, 0, tzinfo=UTC), tick=False):
        response = alice_client.post(NEW, form())
        page = alice_client.get(LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert response.status_code == 302
    assert "Voor Jan" in page and "jan@klant.test, an@klant.test" in page
    found = ClientReport.objects.get()
    assert found.recipients == ["jan@klant.test", "an@klant.test"]
    assert (found.language, found.created_by) == ("fr-be", world.alice)
    # March is over already: the first report is April's, on 1 May.
    assert send_at(datetime(2026, 4, 21, 9, 0, tzinfo=UTC)) == 0
    assert send_at(datetime(2026, 5, 1, 5, 0, tzinfo=UTC)) == 1
    assert AuditEvent.objects.filter(action="report.client_created", target="Voor Jan").exists()


@pytest.mark.parametrize(
    ("recipients", "message"),
    [
        ("jan@klant.test\nniet-een-adres", "niet-een-adres is not an e-mail address."),
        ("\n".join(f"p{n}@klant.test" for n in range(11)), "At most 10 addresses."),
        ("", "Give at least one e-mail address."),
    ],
)
def test_addresses_are_checked(alice_client: Client, recipients: str, message: str) -> None:
    response = alice_client.post(NEW, form(recipients=recipients), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ClientReport.objects.exists()


def test_chosen_dates_need_both_days_in_order(alice_client: Client) -> None:
    response = alice_client.post(
        NEW, form(period="custom", starts_on="2026-04-10", ends_on="2026-04-01"),
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 422
    assert "The last day comes before the first." in response.content.decode()
    response = alice_client.post(NEW, form(period="custom"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Give the first and the last day of the period." in response.content.decode()


def test_a_member_edits_and_deletes_a_schedule_with_audit_entries(
    world: World, alice_client: Client
) -> None:
    found = schedule(world)
    edit = f"{LIST}{found.pk}/"
    assert alice_client.get(edit).status_code == 200
    with time_machine.travel(datetime(2026, 4, 20, 9, 0, tzinfo=UTC), tick=False):
        response = alice_client.post(edit, form(name="Jan (kwartaal)", period="quarter"))
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.name, found.period) == ("Jan (kwartaal)", "quarter")
    # Another kind of period starts with the one running: the first quarter is April to June.
    assert found.last_sent_for == date(2026, 1, 1)
    assert send_at(datetime(2026, 4, 21, 9, 0, tzinfo=UTC)) == 0
    assert send_at(datetime(2026, 7, 1, 5, 0, tzinfo=UTC)) == 1
    with time_machine.travel(datetime(2026, 4, 20, 9, 5, tzinfo=UTC), tick=False):
        assert alice_client.post(f"{edit}verwijderen/").status_code == 302
    assert not ClientReport.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"report.client_changed", "report.client_deleted"} <= actions


def test_a_test_goes_to_the_member_only_and_claims_nothing(
    world: World, alice_client: Client
) -> None:
    found = schedule(world, language="fr-be")
    with time_machine.travel(datetime(2026, 4, 20, 9, 0, tzinfo=UTC), tick=False):
        response = alice_client.post(f"{LIST}{found.pk}/test/")
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [world.alice.email]
    assert "mars 2026" in message.subject
    found.refresh_from_db()
    assert found.last_sent_for == FEBRUARY
    # The recipients still get March on the next round.
    assert send_at(datetime(2026, 4, 20, 10, 0, tzinfo=UTC)) == 1


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CONTRIBUTOR, Role.CLIENT])
def test_only_owners_and_managers_manage_client_reports(world: World, role: str) -> None:
    found = schedule(world)
    client = Client()
    client.force_login(world.member(role))
    for url in [LIST, NEW, f"{LIST}{found.pk}/"]:
        assert client.get(url).status_code == 403, url
    assert client.post(f"{LIST}{found.pk}/verwijderen/").status_code == 403
    assert client.post(f"{LIST}{found.pk}/test/").status_code == 403
    assert ClientReport.objects.filter(pk=found.pk).exists() and not mail.outbox


def test_a_manager_may(world: World) -> None:
    client = Client()
    client.force_login(world.member(Role.MANAGER))
    assert client.get(LIST).status_code == 200


def test_another_organisations_schedule_is_not_found(world: World, charlie_client: Client) -> None:
    found = schedule(world)
    own = f"/o/{world.other_org.slug}/meten/klantrapporten/{found.pk}/"
    assert charlie_client.get(own).status_code == 404
    assert charlie_client.post(own + "verwijderen/").status_code == 404
    assert charlie_client.post(own + "test/").status_code == 404
    assert ClientReport.objects.filter(pk=found.pk).exists() and not mail.outbox
    assert (
        "Bakkerij voor Jan"
        not in charlie_client.get(
            f"/o/{world.other_org.slug}/meten/klantrapporten/"
        ).content.decode()
    )


def test_the_measure_page_links_client_reports_for_managers(
    world: World, alice_client: Client
) -> None:
    assert f'href="{LIST}"' in alice_client.get("/o/bakkerij-alice/meten/").content.decode()
    bob = Client()
    bob.force_login(world.bob)
    assert f'href="{LIST}"' not in bob.get("/o/bakkerij-alice/meten/").content.decode()
