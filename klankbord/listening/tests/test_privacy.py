"""GDPR: retention, erasing and exporting an author, pseudonyms — all in the audit log."""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from klankbord.listening import pipeline, privacy
from klankbord.listening.models import BlockedAuthor, ListeningSettings, Mention, Source
from klankbord.orgs.models import AuditEvent
from klankbord.test import World

pytestmark = pytest.mark.django_db
URL = "/o/bakkerij-alice/luisteren/privacy/"


@pytest.fixture
def ours(world: World) -> Source:
    return Source.objects.create(organisation=world.org, kind=Source.Kind.MENTIONS, name="@alice")


def said(source: Source, n: int, author: str, text: str) -> pipeline.Batch:
    items = [
        pipeline.Item(
            network="mastodon",
            remote_id=f"{author}-{n}",
            text=text,
            author_handle=author,
            author_name="An Peeters",
        )
    ]
    return pipeline.run(source, items)


def test_erasing_an_author_deletes_their_mentions_and_keeps_them_out(
    world: World, alice_client: Client, ours: Source
) -> None:
    said(ours, 1, "@an_peeters", "Zijn jullie open op zondag?")
    said(ours, 2, "@bo", "Lekkere taart!")

    response = alice_client.post(URL, {"action": "erase", "handle": "An_Peeters"})

    assert response.status_code == 302
    assert list(Mention.objects.values_list("author_handle", flat=True)) == ["@bo"]
    blocked = BlockedAuthor.objects.get()
    assert blocked.handle.startswith("author-") and "peeters" not in blocked.handle
    event = AuditEvent.objects.get(action="listening.author_erased")
    assert event.data == {"mentions": 1} and "peeters" not in event.target
    again = said(ours, 3, "@an_peeters", "Nog een vraag over zondag")
    assert again.items[0].dropped == pipeline.Reason.BLOCKED_AUTHOR


def test_exporting_an_author_gives_everything_stored_about_them(
    alice_client: Client, ours: Source
) -> None:
    said(ours, 1, "@an_peeters", "Zijn jullie open op zondag?")
    said(ours, 2, "@bo", "Lekkere taart!")

    response = alice_client.post(URL, {"action": "export", "handle": "@an_peeters"})

    exported = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert [m["text"] for m in exported["mentions"]] == ["Zijn jullie open op zondag?"]
    assert AuditEvent.objects.filter(action="listening.author_exported").exists()


def test_pseudonymising_hides_who_wrote_it_but_keeps_people_apart(
    world: World, alice_client: Client, ours: Source
) -> None:
    said(ours, 1, "@an_peeters", "Zijn jullie open op zondag?")

    alice_client.post(
        URL, {"action": "settings", "retention_days": 90, "pseudonymise_authors": "on"}
    )
    said(ours, 2, "@an_peeters", "En op maandag?")
    said(ours, 3, "@bo", "Lekkere taart!")

    handles = list(
        Mention.objects.order_by("remote_id").values_list("author_handle", "author_name")
    )
    assert handles[0] == handles[1] and handles[0][0].startswith("author-") and handles[0][1] == ""
    assert handles[2][0] != handles[0][0]
    # An erasure request still finds them under the pseudonym.
    assert alice_client.post(URL, {"action": "erase", "handle": "@an_peeters"}).status_code == 302
    assert Mention.objects.count() == 1


def test_retention_deletes_only_what_is_older_than_each_organisation_keeps(
    world: World, ours: Source
) -> None:
    said(ours, 1, "@an", "Oud bericht over de winkel")
    said(ours, 2, "@bo", "Nieuw bericht over de winkel")
    Mention.objects.filter(remote_id="@an-1").update(fetched_at=timezone.now() - timedelta(days=40))
    ListeningSettings.objects.create(organisation=world.org, retention_days=30)

    assert privacy.retention_apply() == 1
    assert list(Mention.objects.values_list("remote_id", flat=True)) == ["@bo-2"]


def test_retention_is_between_a_week_and_two_years(alice_client: Client) -> None:
    response = alice_client.post(URL, {"action": "settings", "retention_days": 2})
    assert (
        response.status_code == 422
        and "Choose between 7 and 730 days." in response.content.decode()
    )


def test_only_owners_and_managers_reach_privacy(world: World) -> None:
    client = Client()
    client.force_login(world.bob)  # an editor
    assert client.get(URL).status_code == 403


def test_the_nightly_task_refreshes_the_planners_statistics_on_sqlite(ours: Source) -> None:
    from django.db import connection

    from klankbord.listening.tasks import retention

    said(ours, 1, "@an", "Bericht over de winkel")
    retention()
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL keeps its statistics itself (autovacuum)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'listening_mention'")
        assert cursor.fetchone()[0] > 0
