"""Clicks on tracked links in the monthly report: in the PDF's figures and tables, and in the
e-mail, covering only the posts whose links were tracked."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils.translation import override

from klankbord.analytics.export import report_pdf
from klankbord.analytics.report import report_for, send_monthly_reports
from klankbord.analytics.tests.counted import counted_post
from klankbord.analytics.tests.test_clicks import clicked
from klankbord.analytics.tests.test_report import text_of
from klankbord.orgs.models import Organisation
from klankbord.test import World

pytestmark = pytest.mark.django_db
MARCH = date(2026, 3, 1)
IN_APRIL = datetime(2026, 4, 10, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def a_month_with_clicks(world: World) -> None:
    Organisation.objects.update(created_at=datetime(2025, 6, 15, 9, 0, tzinfo=UTC))
    world.org.refresh_from_db()
    tracked = counted_post(
        world.org, datetime(2026, 3, 10, 9, 0, tzinfo=UTC), likes=30, text="Paasbrood"
    )
    clicked(tracked, 5, 2)  # 7 clicks
    counted_post(world.org, datetime(2026, 3, 12, 9, 0, tzinfo=UTC), likes=4, text="Gesloten")


def test_the_pdf_counts_clicks_at_a_glance_per_channel_and_per_post(world: World) -> None:
    with time_machine.travel(IN_APRIL, tick=False), override("en"):
        text = text_of(report_pdf(report_for(world.org, MARCH), language="en"))
    assert "Clicks on links 7 (on the tracked links of 1 of 2 posts)" in text
    assert "Clicks" in text.split("Best posts")[1]
    # Per channel: both posts on the one Mastodon channel, one of them tracked.
    assert "Mastodon" in text and " 7 " in text.split("Per channel")[1]


def test_a_month_without_tracked_links_has_no_clicks_in_the_pdf(world: World) -> None:
    with time_machine.travel(datetime(2026, 6, 10, 10, 0, tzinfo=UTC), tick=False), override("en"):
        counted_post(world.org, datetime(2026, 5, 12, 9, 0, tzinfo=UTC), likes=4)
        text = text_of(report_pdf(report_for(world.org, date(2026, 5, 1)), language="en"))
    assert "Clicks" not in text


def test_the_mail_counts_the_clicks(world: World, django_capture_on_commit_callbacks: Any) -> None:
    moment = datetime(2026, 4, 1, 5, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        send_monthly_reports()
    (message,) = mail.outbox
    assert "7 clicks on links (on the tracked links of 1 of 2 posts)" in message.body
    html, _mime = message.alternatives[0]
    assert "7 clicks on links" in html
