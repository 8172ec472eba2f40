import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.core.demo import DEMO_OWNER_EMAIL, database_is_empty, demo_seed
from klankbord.orgs.models import Membership
from klankbord.publishing.models import PostTarget


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
