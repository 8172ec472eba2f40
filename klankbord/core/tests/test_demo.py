from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.core.demo import DEMO_OWNER_EMAIL, database_is_empty, demo_seed
from klankbord.core.demo_plan import demo_plan, quarter_end
from klankbord.orgs.models import Membership
from klankbord.publishing.models import PostTarget
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
    planned = PostTarget.objects.filter(post__organisation=login.organisation)
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
