"""Google locations in Measure: views, calls, directions and clicks per day, and the rating."""

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import timezone, translation

from klankbord.analytics.export import report_blocks
from klankbord.analytics.locations import collect_locations, location_figures
from klankbord.analytics.models import LocationDay
from klankbord.analytics.report import mail_context, report_for
from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_google
from klankbord.channels.tests.fakes.google import FakeGoogle
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def shops(world: World, fake_google: FakeGoogle) -> list[Channel]:
    return [connect_google(world, fake_google, index=index) for index in (0, 1)]


def test_daily_values_are_summed_per_place_and_missing_ones_stay_missing(
    world: World, shops: list[Channel], fake_google: FakeGoogle
) -> None:
    today = timezone.localdate()
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    ghent = fake_google.location(0)
    ghent.metrics = {
        "BUSINESS_IMPRESSIONS_DESKTOP_SEARCH": {yesterday: 30, before: 10},
        "BUSINESS_IMPRESSIONS_MOBILE_SEARCH": {yesterday: 70},
        "BUSINESS_IMPRESSIONS_MOBILE_MAPS": {yesterday: 25},
        "CALL_CLICKS": {yesterday: 4},
        "WEBSITE_CLICKS": {yesterday: 9},
        # No direction requests given at all.
    }
    fake_google.add_review(ghent, 5)
    fake_google.add_review(ghent, 4)
    fake_google.add_review(fake_google.location(1), 3)
    collect_locations()
    day = LocationDay.objects.get(channel=shops[0], day=yesterday)
    assert (day.views_search, day.views_maps, day.calls, day.website_clicks) == (100, 25, 4, 9)
    assert day.directions is None
    assert LocationDay.objects.get(channel=shops[0], day=before).views_maps is None
    rated = LocationDay.objects.get(channel=shops[0], day=today)
    assert (rated.rating, rated.reviews) == (4.5, 2)

    ghent_row, leuven_row, together = location_figures(world.org, before, today)
    assert ghent_row.name == "Bakkerij Vandevelde Gent"
    assert (ghent_row.views_search, ghent_row.views_maps, ghent_row.directions) == (110, 25, None)
    assert leuven_row.views_search is None and leuven_row.rating == 3.0
    assert together.views_search == 110 and together.reviews == 3
    assert together.rating == 4.0  # weighted by the number of reviews


def test_a_value_given_earlier_is_not_emptied_by_a_later_answer(
    shops: list[Channel], fake_google: FakeGoogle
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    fake_google.location(0).metrics = {"CALL_CLICKS": {yesterday: 4}}
    collect_locations()
    fake_google.location(0).metrics = {}
    collect_locations()
    assert LocationDay.objects.get(channel=shops[0], day=yesterday).calls == 4


def test_measure_shows_each_location_and_all_together(
    world: World, shops: list[Channel], fake_google: FakeGoogle, alice_client: Client
) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    fake_google.location(0).metrics = {"BUSINESS_DIRECTION_REQUESTS": {yesterday: 12}}
    fake_google.add_review(fake_google.location(0), 5)
    collect_locations()
    page = alice_client.get(f"/o/{world.org.slug}/meten/")
    assert page.status_code == 200
    assert 'id="google-locations-table"' in page.text
    assert "Bakkerij Vandevelde Leuven" in page.text and "All locations" in page.text
    assert "5.0 of 5" in page.text
    assert "a dash is a day Google gave no value for" in page.text


def test_a_revoked_access_breaks_the_location_and_keeps_its_days(
    shops: list[Channel], fake_google: FakeGoogle
) -> None:
    fake_google.location(0).metrics = {"CALL_CLICKS": {timezone.localdate(): 1}}
    collect_locations()
    fake_google.revoke(shops[0].secrets["refresh_token"])
    fake_google.access.clear()
    collect_locations()
    shops[0].refresh_from_db()
    assert shops[0].status == Channel.Status.BROKEN
    assert LocationDay.objects.filter(channel=shops[0]).exists()


def test_the_monthly_report_has_the_locations_in_the_pdf_and_the_mail(
    world: World, shops: list[Channel], fake_google: FakeGoogle
) -> None:
    today = timezone.localdate()
    fake_google.location(0).metrics = {"CALL_CLICKS": {today: 6}}
    fake_google.add_review(fake_google.location(1), 4)
    collect_locations()
    report = report_for(world.org, today.replace(day=1))
    assert [found.name for found in report.locations][-1] == ""  # all together, last
    text = " ".join(str(block) for block in report_blocks(report))
    assert "Bakkerij Vandevelde Gent" in text and "All locations" in text
    mail = render_to_string("analytics/email/monthly_report.txt", mail_context(report))
    assert "Google Business Profile: — views on Search, — on Maps, 6 calls" in mail
    assert "rated 4.0 of 5 (1 review)" in mail
