from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import translation

from klankbord.analytics.audience import audiences
from klankbord.analytics.metrics import metric_value
from klankbord.analytics.models import PostResult
from klankbord.analytics.results import last_days, results_summary
from klankbord.analytics.selectors import utc_range
from klankbord.channels.models import Channel
from klankbord.core.demo import DEMO_OWNER_EMAIL, database_is_empty, demo_seed
from klankbord.core.demo_plan import demo_plan, quarter_end
from klankbord.core.demo_results import DEMO_RESULTS, published_at
from klankbord.orgs.models import Membership
from klankbord.publishing.models import PostImage, PostTarget
from klankbord.strategy.forms import Editor, editor
from klankbord.strategy.models import Plan
from klankbord.strategy.rules import verdict
from klankbord.strategy.selectors import health_items, step_states


def test_the_demo_is_a_living_bakery_with_its_team_and_a_practice_channel(db: None) -> None:
    assert database_is_empty()
    login = demo_seed()
    assert not database_is_empty()
    assert Membership.objects.filter(organisation=login.organisation).count() == 5
    assert Channel.objects.get(organisation=login.organisation).network == "sandbox"
    planned = PostTarget.objects.filter(post__organisation=login.organisation).exclude(
        status=PostTarget.Status.PUBLISHED
    )
    assert planned.count() == 3
    assert set(planned.values_list("status", flat=True)) == {PostTarget.Status.SCHEDULED}
    client = Client()
    response = client.post("/login/", {"username": DEMO_OWNER_EMAIL, "password": login.password})
    assert response.status_code == 302
    assert client.get(f"/o/{login.organisation.slug}/").status_code == 200


def test_the_demo_command_refuses_to_run_twice_but_can_reset_the_password(db: None, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("demo")
    first = capsys.readouterr().out
    assert DEMO_OWNER_EMAIL in first
    with pytest.raises(CommandError):
        call_command("demo")
    call_command("demo", reset_password=True)
    assert "Password" in capsys.readouterr().out


def test_the_demo_plan_is_complete_healthy_and_valid_step_by_step(db: None) -> None:
    login = demo_seed()
    plan = Plan.objects.get(organisation=login.organisation)
    steps = plan.steps
    assert [state.state for state in step_states(steps)] == ["complete"] * 8
    failing = [item.key for item in health_items(steps, "BE") if not item.ok]
    assert failing == []
    assert plan.versions.count() == 1
    assert verdict(steps).code == "go"  # the bakery gives its rhythm the hours it needs
    # Each step, posted back as the wizard shows it, passes the wizard's own checks unchanged.
    for key in steps:
        posted = editor(key, steps, steps[key], as_posted(editor(key, steps, steps[key])))
        assert posted.is_valid(), (
            key,
            posted.form.errors,
            posted.rows and posted.rows.non_form_errors(),
        )
        assert posted.step_data() == steps[key], key


def as_posted(shown: Editor) -> dict[str, Any]:
    """What a browser sends back for a form shown with its stored values."""
    forms = [shown.form, *(shown.rows.forms if shown.rows is not None else [])]
    posted: dict[str, Any] = {}
    if shown.rows is not None:
        management = shown.rows.management_form
        posted.update({management.add_prefix(n): v for n, v in management.initial.items()})
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None and value is not False:
                posted[field.html_name] = value
    return posted


def test_the_demo_plan_evaluates_at_the_end_of_the_quarter() -> None:
    assert quarter_end(date(2026, 11, 23)) == date(2026, 12, 31)
    assert quarter_end(date(2027, 1, 1)) == date(2027, 3, 31)
    assert quarter_end(date(2027, 6, 30)) == date(2027, 6, 30)
    assert demo_plan(date(2027, 5, 2))["kpis"]["kpis"][0]["evaluate_on"] == "2027-06-30"


def test_the_demo_shows_what_works_photos_on_saturday_morning_do_best(db: None) -> None:
    # The clock ticks: idempotency keys are made from the time of day.
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC)):
        org = demo_seed().organisation
        published = PostTarget.objects.filter(
            post__organisation=org, status=PostTarget.Status.PUBLISHED
        )
        assert published.count() == len(DEMO_RESULTS) == 30
        assert PostResult.objects.filter(organisation=org, next_check_at=None).count() == 30
        oldest = min(published.values_list("published_at", flat=True))
        assert oldest.date() >= date(2026, 11, 24) - timedelta(days=60)
        with translation.override("en"):
            found = results_summary(org, *last_days(org, 60))
            recent = results_summary(org, *last_days(org, 30))
    assert found.posts == 30 and found.waiting == 0
    assert found.moments[0].label == "Saturday morning"
    assert [g.key for g in found.formats] == ["image", "text", "link"]
    assert {g.key for g in found.pillars} == {
        "Achter de schermen", "Tips en weetjes", "Klanten en buurt", "Aanbod van de week"
    }  # fmt: skip
    assert all(g.comparable for g in found.pillars)
    assert recent.engagement > recent.previous_engagement  # the bakery is growing
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC)):
        (audience,) = audiences(org, *last_days(org, 30))
        gained = metric_value(org, "followers_gained", *utc_range(org, *last_days(org, 30)))
    assert audience.gained is not None and audience.gained > 30
    assert gained == audience.gained
    assert all(image.described for image in PostImage.objects.filter(organisation=org))


@pytest.mark.parametrize("day", range(22, 29))  # Sunday 22 to Saturday 28 November 2026
def test_whatever_the_day_every_demo_post_lies_in_the_last_two_months(day: int) -> None:
    today = date(2026, 11, day)
    moments = [published_at(today, post, "Europe/Brussels") for post in DEMO_RESULTS]
    assert all(today - timedelta(days=62) <= m.date() < today for m in moments)
    saturdays = [m for m, post in zip(moments, DEMO_RESULTS, strict=True) if post.weekday == 5]
    assert {(m.weekday(), m.hour, m.minute) for m in saturdays} == {(5, 7, 30)}
