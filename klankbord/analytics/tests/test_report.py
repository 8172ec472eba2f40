"""The monthly report: one month's figures as PDF for every member, and by e-mail once on the
first of the month to those who want it, in their own language."""

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from klankbord.accounts.models import User
from klankbord.analytics.models import AudienceCount, ReportSubscription
from klankbord.analytics.report import report_claim, report_subscription_save, send_monthly_reports
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.figures import channel, item, kpi, mention, plan_with_kpis, published
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.test import World, make_member

pytestmark = pytest.mark.django_db
PDF = "/o/bakkerij-alice/meten/rapport/{}.pdf"
MARCH = date(2026, 3, 1)
IN_APRIL = datetime(2026, 4, 10, 10, 0, tzinfo=UTC)
# 1 April 2026, 7:30 in Brussels (summer time).
FIRST_AT_SEVEN = datetime(2026, 4, 1, 5, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def organisations_started_last_year(world: World) -> None:
    Organisation.objects.update(created_at=datetime(2025, 6, 15, 9, 0, tzinfo=UTC))
    world.org.refresh_from_db()


def counted(
    org: Organisation, at: datetime, engagement: int, text: str = "Verse pistolets"
) -> None:
    """A post published on Instagram at `at` whose reactions the network counted."""
    counted_post(org, at, network="instagram", likes=engagement, text=text)


def a_month_of_work(org: Organisation) -> None:
    """March 2026: a plan that wants 3 posts a month, four posts, a mention, an answer."""
    plan_with_kpis(org, kpi("posts_published", target=3))
    counted(org, datetime(2026, 3, 3, 9, 0, tzinfo=UTC), 12, "Paasbrood is er weer")
    counted(org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), 40, "Nieuw: spelt zuurdesem")
    counted(org, datetime(2026, 3, 17, 9, 0, tzinfo=UTC), 25, "Onze bakker om vier uur")
    counted(org, datetime(2026, 3, 24, 9, 0, tzinfo=UTC), 3, "Gesloten op maandag")
    mention(org, datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    item(org, datetime(2026, 3, 6, 9, 0, tzinfo=UTC), answered_after=timedelta(minutes=30))
    for day, followers in [(date(2026, 2, 28), 200), (date(2026, 3, 31), 230)]:
        AudienceCount.objects.create(
            organisation=org, channel=channel(org, "instagram"), day=day, followers=followers
        )


def client_at(moment: datetime, user: User) -> Client:
    client = Client()
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
    return client


def get_at(client: Client, url: str, moment: datetime = IN_APRIL) -> Any:
    with time_machine.travel(moment, tick=False):
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# --- the PDF -----------------------------------------------------------------------------------


def test_the_pdf_holds_the_month_and_its_figures(world: World) -> None:
    a_month_of_work(world.org)
    counted(world.org, datetime(2026, 4, 2, 9, 0, tzinfo=UTC), 99, "Al in april")
    counted(world.other_org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), 500, "Garage Charlie")
    response = get_at(client_at(IN_APRIL, world.alice), PDF.format("2026-03"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="maandrapport-bakkerij-alice-2026-03.pdf"'
    )
    text = text_of(response.content)
    for expected in [
        "Monthly report March 2026",
        "Bakkerij Alice",
        "From March 1, 2026 to March 31, 2026.",
        "Posts published 4",
        "Reactions 80",
        "Reactions per post 20",
        "Mentions 2",  # one heard by listening, one behind the inbox item
        "Messages answered 1",
        "New followers +30",
        "Followers Channel Followers New this month Instagram @bakkerij-alice 230 +30",
        "Nieuw: spelt zuurdesem",  # the best post
        "Achieved",  # 4 posts against a target of 3
        "Posting rhythm",
        "Target: answer within 120 working minutes.",
        "The first answer took 30 working minutes (median); 1 of 1 answered messages",
        "€ 808.33",  # the whole month of the bakery's budget
        "Posts published: 4, € 202.08 per post",
        "Leads: 0",
    ]:
        assert expected in text, expected
    assert "Al in april" not in text and "Garage Charlie" not in text
    assert "not over yet" not in text


def test_the_current_month_shows_the_figures_so_far(world: World) -> None:
    counted(world.org, datetime(2026, 4, 2, 9, 0, tzinfo=UTC), 7, "Al in april")
    response = get_at(client_at(IN_APRIL, world.alice), PDF.format("2026-04"))
    text = text_of(response.content)
    assert "From April 1, 2026 to April 10, 2026." in text
    assert "This month is not over yet: the figures so far." in text
    assert "Al in april" in text
    assert "KPIs" not in text  # no plan, so no KPIs and no budget
    assert "What your time returns" not in text


@pytest.mark.parametrize(
    "month",
    [
        "2026-05",  # still to come
        "2027-03",
        "2025-05",  # before the organisation started
        "2026-13",
        "2026-00",
        "2026-3",
        "26-03",
        "2026-03-01",
        "maart",
    ],
)
def test_a_month_that_cannot_have_a_report_is_not_found(world: World, month: str) -> None:
    assert get_at(client_at(IN_APRIL, world.alice), PDF.format(month)).status_code == 404


def test_the_month_the_organisation_started_has_a_report(world: World) -> None:
    assert get_at(client_at(IN_APRIL, world.alice), PDF.format("2025-06")).status_code == 200


def test_a_client_may_download_it_and_an_outsider_gets_404(world: World) -> None:
    viewer = make_member(world.org, "viewer@bakkerij.test", Role.CLIENT).user
    assert get_at(client_at(IN_APRIL, viewer), PDF.format("2026-03")).status_code == 200
    assert get_at(client_at(IN_APRIL, world.charlie), PDF.format("2026-03")).status_code == 404
    own = "/o/garage-charlie/meten/rapport/2026-03.pdf"
    assert get_at(client_at(IN_APRIL, world.charlie), own).status_code == 200


def test_the_measure_page_links_the_last_twelve_months(world: World) -> None:
    Organisation.objects.filter(pk=world.org.pk).update(
        created_at=datetime(2024, 1, 10, 9, 0, tzinfo=UTC)
    )
    shown = get_at(client_at(IN_APRIL, world.alice), "/o/bakkerij-alice/meten/").content.decode()
    assert 'id="measure-report"' in shown
    assert 'href="/o/bakkerij-alice/meten/rapport/2026-04.pdf"' in shown
    assert "April 2026 (so far)" in shown
    assert 'href="/o/bakkerij-alice/meten/rapport/2025-05.pdf"' in shown
    assert "rapport/2025-04.pdf" not in shown  # thirteen months ago
    assert shown.count("/meten/rapport/") == 12


def test_the_measure_page_offers_no_month_before_the_start(world: World) -> None:
    Organisation.objects.filter(pk=world.org.pk).update(
        created_at=datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    )
    shown = get_at(client_at(IN_APRIL, world.alice), "/o/bakkerij-alice/meten/").content.decode()
    assert shown.count("/meten/rapport/") == 2  # March and April


def test_the_measure_page_offers_earlier_months_that_have_posts(world: World) -> None:
    """Posts from before the start (imported, or the network's history) have their report."""
    Organisation.objects.filter(pk=world.org.pk).update(
        created_at=datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    )
    counted(world.org, datetime(2026, 1, 20, 9, 0, tzinfo=UTC), 5)
    client = client_at(IN_APRIL, world.alice)
    shown = get_at(client, "/o/bakkerij-alice/meten/").content.decode()
    assert shown.count("/meten/rapport/") == 4  # January to April
    assert 'href="/o/bakkerij-alice/meten/rapport/2026-01.pdf"' in shown
    assert get_at(client, PDF.format("2026-01")).status_code == 200
    assert get_at(client, PDF.format("2025-12")).status_code == 404


# --- the e-mail --------------------------------------------------------------------------------


def send_at(moment: datetime, capture: Any) -> int:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return send_monthly_reports()


def membership(user: User, org: Organisation) -> Membership:
    return Membership.objects.get(user=user, organisation=org)


def test_owners_and_managers_get_it_once_on_the_first_after_seven(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    manager = world.member(Role.MANAGER)
    for role in (Role.CONTRIBUTOR, Role.CLIENT):
        world.member(role)
    # 1 April, 0:30 and 6:59 in Brussels: still too early.
    for moment in [
        datetime(2026, 3, 31, 22, 30, tzinfo=UTC),
        datetime(2026, 4, 1, 4, 59, tzinfo=UTC),
    ]:
        assert send_at(moment, django_capture_on_commit_callbacks) == 0
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.alice.email, manager.email])
    # The hourly task runs again that day and the next: nothing more.
    assert send_at(FIRST_AT_SEVEN + timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert send_at(FIRST_AT_SEVEN + timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert (
        ReportSubscription.objects.get(membership=membership(world.alice, world.org)).last_sent_for
        == MARCH
    )


def test_the_next_month_brings_the_next_report(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 1
    assert send_at(datetime(2026, 5, 1, 5, 0, tzinfo=UTC), django_capture_on_commit_callbacks) == 1
    assert "April 2026" in mail.outbox[1].subject


def test_two_workers_claim_the_same_month_and_only_one_wins(world: World) -> None:
    alice = membership(world.alice, world.org)
    assert report_claim(alice, MARCH) is True
    assert report_claim(alice, MARCH) is False
    # An older month never goes out after a newer one.
    assert report_claim(alice, date(2026, 2, 1)) is False


def test_a_worker_that_read_the_members_before_another_sent_does_not_send_again(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_month_of_work(world.org)
    from klankbord.analytics import report

    members_then = report.recipients(world.org, MARCH)
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 1
    # The second worker still holds the list it read before the first one sent.
    monkeypatch.setattr(report, "recipients", lambda *args: members_then)
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_the_first_comes_by_the_organisations_own_clock(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    Organisation.objects.filter(pk=world.org.pk).update(timezone="Asia/Tokyo")
    # 31 March 22:30 UTC is 1 April 7:30 in Tokyo.
    moment = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)
    assert send_at(moment, django_capture_on_commit_callbacks) == 1


def test_the_mail_has_the_figures_the_best_three_posts_the_kpis_and_links(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "Bakkerij Alice: your social media results for March 2026"
    body = message.body
    for expected in [
        "The social media results of Bakkerij Alice for March 2026",
        "4 posts published",
        "80 reactions (20 per post)",
        "2 mentions",
        "1 message answered",
        "30 new followers",
        "1. Nieuw: spelt zuurdesem",
        "2. Onze bakker om vier uur",
        "3. Paasbrood is er weer",
        "berichten: 4 / 3 — Achieved",
        "http://127.0.0.1:8000/o/bakkerij-alice/meten/",
        "http://127.0.0.1:8000/o/bakkerij-alice/meten/rapport/2026-03.pdf",
        "http://127.0.0.1:8000/o/bakkerij-alice/luisteren/meldingen/",
    ]:
        assert expected in body, expected
    assert "Gesloten op maandag" not in body  # the fourth post
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "Nieuw: spelt zuurdesem" in html
    assert 'href="http://127.0.0.1:8000/o/bakkerij-alice/meten/rapport/2026-03.pdf"' in html


def test_the_mail_escapes_what_people_wrote(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    counted(world.org, datetime(2026, 3, 12, 9, 0, tzinfo=UTC), 90, "<script>alert(1)</script>")
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    html, _mime = mail.outbox[0].alternatives[0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_each_member_reads_it_in_their_own_language(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    User.objects.filter(pk=world.alice.pk).update(language="nl-be")
    french = world.member(Role.MANAGER)
    User.objects.filter(pk=french.pk).update(language="fr-be")
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    dutch = by_address[world.alice.email]
    assert "maart 2026" in dutch.subject and "maart 2026" in dutch.body
    assert "Gehaald" in dutch.body  # the KPI's status
    assert "Achieved" not in dutch.body
    francais = by_address[french.email]
    assert "mars 2026" in francais.subject and "mars 2026" in francais.body
    assert "Atteint" in francais.body


def test_a_member_who_turned_it_off_gets_nothing_and_an_editor_may_turn_it_on(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    report_subscription_save(membership=membership(world.alice, world.org), monthly=False)
    report_subscription_save(membership=membership(world.bob, world.org), monthly=True)
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 1
    assert [m.to[0] for m in mail.outbox] == [world.bob.email]


def test_an_inactive_account_gets_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    User.objects.filter(pk=world.alice.pk).update(is_active=False)
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 0


def test_nothing_is_sent_without_a_plan_and_without_posts(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    published(world.org, datetime(2026, 2, 10, 9, 0, tzinfo=UTC))  # not in March
    mention(world.org, datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 0
    assert not ReportSubscription.objects.exists()


def test_a_post_without_a_plan_is_something_to_report(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    published(world.org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 1
    assert "KPIs" not in mail.outbox[0].body


def test_no_report_for_the_month_before_the_organisation_started(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    Organisation.objects.filter(pk=world.org.pk).update(
        created_at=datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
    )
    assert send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks) == 0


# --- the choice --------------------------------------------------------------------------------

ALERTS = "/o/bakkerij-alice/luisteren/meldingen/"


def checkbox(page: str) -> str:
    start = page.index('name="report-monthly"')
    return page[page.rindex("<input", 0, start) : page.index(">", start)]


def test_the_alerts_page_shows_the_default_for_each_role(world: World) -> None:
    alice = client_at(IN_APRIL, world.alice)
    bob = client_at(IN_APRIL, world.bob)
    assert "checked" in checkbox(get_at(alice, ALERTS).content.decode())
    assert "checked" not in checkbox(get_at(bob, ALERTS).content.decode())
    assert "Monthly results report by e-mail" in get_at(bob, ALERTS).content.decode()
    assert not ReportSubscription.objects.exists()  # looking changes nothing


def test_a_member_chooses_on_the_alerts_page(world: World) -> None:
    bob = client_at(IN_APRIL, world.bob)
    alice = client_at(IN_APRIL, world.alice)
    with time_machine.travel(IN_APRIL, tick=False):
        assert bob.post(ALERTS, {"action": "rule", "report-monthly": "on"}).status_code == 302
        assert alice.post(ALERTS, {"action": "rule"}).status_code == 302
    assert ReportSubscription.objects.get(membership=membership(world.bob, world.org)).monthly
    assert not ReportSubscription.objects.get(membership=membership(world.alice, world.org)).monthly
    assert "checked" in checkbox(get_at(bob, ALERTS).content.decode())
    assert "checked" not in checkbox(get_at(alice, ALERTS).content.decode())


def test_the_hourly_task_sends_the_reports_that_are_due(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from klankbord.analytics import report, tasks

    rounds: list[datetime | None] = []

    def send(now: datetime | None = None) -> int:
        rounds.append(now)
        return 0

    monkeypatch.setattr(report, "send_monthly_reports", send)
    tasks.monthly_reports()
    assert rounds == [None]
