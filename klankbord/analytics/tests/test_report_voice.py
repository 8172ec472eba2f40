"""Share of voice and the engagement rate in the monthly report: a table in the PDF, the client
report and the shared report page, a line each in the e-mail, in the reader's language; no share
of voice without a competitor to compare with."""

import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from klankbord.accounts.models import User
from klankbord.analytics.client_reports import send_client_reports
from klankbord.analytics.export import report_pdf
from klankbord.analytics.models import ClientReport
from klankbord.analytics.report import report_for
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.test_client_reports import pdf_of
from klankbord.analytics.tests.test_report import (
    IN_APRIL,
    MARCH,
    PDF,
    a_month_of_work,
    client_at,
    get_at,
    send_at,
    text_of,
)
from klankbord.analytics.tests.test_share_of_voice import monitor, said
from klankbord.listening.models import Monitor
from klankbord.orgs.models import Organisation, Role
from klankbord.test import World

pytestmark = pytest.mark.django_db
FIRST_AT_SEVEN = datetime(2026, 4, 1, 5, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def organisations_started_last_year(world: World) -> None:
    Organisation.objects.update(created_at=datetime(2025, 6, 15, 9, 0, tzinfo=UTC))
    world.org.refresh_from_db()


def march(day: int) -> datetime:
    return datetime(2026, 3, day, 9, 0, tzinfo=UTC)


def rivals_in_march(org: Organisation) -> None:
    """Own 3 mentions (2 positive), Bakkerij Bert 1 (negative): shares 75 % and 25 %."""
    own = monitor(org, "Bakkerij Alice", Monitor.Kind.BRAND)
    rival = monitor(org, "Bakkerij Bert", Monitor.Kind.COMPETITOR)
    said(org, march(4), own, sentiment="positive")
    said(org, march(11), own, sentiment="positive")
    said(org, march(18), own)
    said(org, march(19), rival, sentiment="negative")
    said(org, datetime(2026, 4, 2, 9, 0, tzinfo=UTC), rival)  # April: not in March's report


def viewed_and_not(org: Organisation) -> None:
    """Instagram gives views (30 reactions on 600 views: 5.0 %), Mastodon does not."""
    counted_post(org, march(12), network="instagram", likes=30, views=600, text="Gezien")
    counted_post(org, march(13), network="mastodon", likes=8, text="Op Mastodon")


def test_the_pdf_has_the_share_of_voice_and_the_rate_per_channel(world: World) -> None:
    a_month_of_work(world.org)
    rivals_in_march(world.org)
    viewed_and_not(world.org)
    response = get_at(client_at(IN_APRIL, world.alice), PDF.format("2026-03"))
    text = text_of(response.content)
    assert "Competitors and share of voice" in text
    assert "Who Mentions Share of voice Net sentiment" in text
    assert "Your business 3 75.0 % +67" in text  # (2 positive - 0 negative) / 3
    assert "Bakkerij Bert (competitor) 1 25.0 % -100" in text
    assert "Engagement rate" in text
    assert "5.0 %" in text  # Instagram: 30 reactions on 600 views
    assert "— (not given by Mastodon)" in text


def test_without_a_competitor_there_is_no_share_of_voice(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    own = monitor(world.org, "Bakkerij Alice", Monitor.Kind.BRAND)
    said(world.org, march(4), own, sentiment="positive")
    text = text_of(get_at(client_at(IN_APRIL, world.alice), PDF.format("2026-03")).content)
    assert "share of voice" not in text.lower()
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "Share of voice" not in message.body
    assert "Share of voice" not in message.alternatives[0][0]


def test_the_mail_says_both_in_dutch_and_in_french(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)
    rivals_in_march(world.org)
    viewed_and_not(world.org)
    User.objects.filter(pk=world.alice.pk).update(language="nl-be")
    french = world.member(Role.MANAGER)
    User.objects.filter(pk=french.pk).update(language="fr-be")
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    dutch = by_address[world.alice.email].body
    assert (
        "Share of voice: Jouw zaak 75,0\u00a0% (3 vermeldingen); Bakkerij Bert 25,0\u00a0% "
        "(1 vermelding)"
    ) in dutch, dutch
    assert "Engagementgraad: 5,0\u00a0% (reacties per weergave" in dutch
    francais = by_address[french.email]
    assert "Part de voix : Votre entreprise 75,0\u00a0% (3 mentions)" in francais.body, (
        francais.body
    )
    assert "Taux d'engagement : 5,0\u00a0%" in francais.body
    assert "Part de voix" in francais.alternatives[0][0]


def test_a_month_without_views_says_the_rate_is_not_given(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    a_month_of_work(world.org)  # Instagram posts, but no views counted
    send_at(FIRST_AT_SEVEN, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "Engagement rate: not given, no network gave views for these posts" in message.body


def test_the_shared_report_page_shows_the_share_of_voice(
    world: World, alice_client: Client
) -> None:
    rivals_in_march(world.org)
    counted_post(world.org, march(10), likes=21, text="Paasbrood")
    with time_machine.travel(IN_APRIL, tick=False):
        created = alice_client.post(
            "/o/bakkerij-alice/meten/klantrapporten/adressen/",
            {"name": "Jan", "period": "last_month", "language": "en"},
        )
        assert created.status_code == 302
        listing = alice_client.get("/o/bakkerij-alice/meten/klantrapporten/").content.decode()
        start = listing.index("http://testserver/rapport/")
        address = listing[start : listing.index('"', start)].removeprefix("http://testserver")
        page = Client().get(address).content.decode()
    assert "Competitors and share of voice" in page
    assert "Bakkerij Bert (competitor)" in page and "75.0" in page


def test_the_report_builds_in_under_five_seconds_with_competitors(world: World) -> None:
    a_month_of_work(world.org)
    rivals_in_march(world.org)
    with time_machine.travel(IN_APRIL, tick=False):
        began = time.perf_counter()  # the figures and the PDF both count
        pdf = report_pdf(report_for(world.org, MARCH), "en")
        took = time.perf_counter() - began
    assert "Bakkerij Bert" in text_of(pdf)
    assert took < 5


def test_a_client_report_carries_it_in_the_mail_and_the_pdf(world: World) -> None:
    rivals_in_march(world.org)
    viewed_and_not(world.org)
    ClientReport.objects.create(organisation=world.org, created_by=world.alice, name="Jan",
                                recipients=["jan@klant.test"], language="fr-be",
                                last_sent_for=date(2026, 2, 1))  # fmt: skip
    with time_machine.travel(datetime(2026, 4, 1, 5, 0, tzinfo=UTC), tick=False):
        assert send_client_reports() == 1
    (message,) = mail.outbox
    assert "Part de voix : Votre entreprise 75,0\u00a0% (3 mentions)" in message.body
    assert "Taux d'engagement : 5,0\u00a0%" in message.body
    text = text_of(pdf_of(message))
    assert "Concurrents et part de voix" in text and "Bakkerij Bert" in text
