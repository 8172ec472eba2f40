"""The inbox through the API: the list with the web interface's filters, one item with its replies
and notes, assignment, statuses and replies, each for the roles that may."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_mastodon
from klankbord.channels.tests.fakes.mastodon import FakeMastodon, Fault
from klankbord.inbox import services
from klankbord.inbox.models import Item, Note, Reply
from klankbord.lib import http
from klankbord.listening import sources
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.models import AuditEvent, Membership, Role
from klankbord.test import World

Api = Callable[[Any], Client]
NOW = timezone.now()


def inbox_url(world: World, item: Item | None = None, action: str = "") -> str:
    url = f"/api/v1/organisations/{world.org.slug}/inbox"
    if item is not None:
        url += f"/{item.pk}"
    return f"{url}/{action}" if action else url


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="9", handle="@alice@m.test",
        base_url="https://m.test",
    )  # fmt: skip


def item_of(
    world: World,
    text: str,
    *,
    source: Source | None = None,
    priority: int = 0,
    hours_ago: float = 1,
    **mention: Any,
) -> Item:
    arrived = NOW - timedelta(hours=hours_ago)
    number = Mention.objects.count() + 1
    fields = {
        "network": "mastodon",
        "author_handle": f"@klant{number}@x.test",
        "author_name": f"Klant {number}",
        "url": f"https://x.test/@klant{number}/{number}",
        "published_at": arrived,
        **mention,
    }
    found = Mention.objects.create(
        organisation=world.org, source=source, remote_id=f"r{number}", key=f"k{number}",
        text=text, priority=priority, **fields,
    )  # fmt: skip
    return Item.objects.create(
        organisation=world.org,
        mention=found,
        priority=priority,
        arrived_at=arrived,
        due_at=arrived + timedelta(hours=2),
    )


def ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["results"]]


def test_the_list_shows_open_items_most_urgent_first_with_their_mention(
    world: World, api: Api, channel: Channel
) -> None:
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    praise = item_of(world, "Super lekker brood!", source=source, priority=1, hours_ago=1)
    complaint = item_of(
        world, "Waar blijft mijn taart?", source=source, priority=8, hours_ago=3,
        sentiment="negative", intents=["complaint", "question"], language="nl",
        places=[{"name": "Gent", "lat": 51.05, "lon": 3.72, "near": False}],
    )  # fmt: skip
    waiting = item_of(world, "Nog geen antwoord?", priority=1, hours_ago=2)
    closed = item_of(world, "Bedankt!", priority=9)
    closed.status = Item.Status.CLOSED
    closed.labels = ["taart"]
    closed.save()

    response = api(world.alice).get(inbox_url(world))

    assert ids(response) == [complaint.pk, waiting.pk, praise.pk]
    body = response.json()
    assert (body["count"], body["next"], body["previous"]) == (3, None, None)
    first = body["results"][0]
    assert first["status"] == "new" and first["priority"] == 8
    assert first["overdue"] is True  # due two hours after it arrived, three hours ago
    assert body["results"][2]["overdue"] is False
    assert first["assignee"] is None and first["is_lead"] is False and first["labels"] == []
    assert first["first_response_at"] is None and first["first_response_seconds"] is None
    assert datetime.fromisoformat(first["arrived_at"]) == complaint.arrived_at
    assert datetime.fromisoformat(first["due_at"]) == complaint.due_at
    mention = first["mention"]
    assert mention == {
        "network": "mastodon",
        "kind": "mention",
        "author_handle": complaint.mention.author_handle,
        "author_name": complaint.mention.author_name,
        "text": "Waar blijft mijn taart?",
        "url": complaint.mention.url,
        "language": "nl",
        "sentiment": "negative",
        "intents": ["complaint", "question"],
        "places": [{"name": "Gent", "lat": 51.05, "lon": 3.72, "near": False}],
        "published_at": mention["published_at"],
    }
    assert datetime.fromisoformat(mention["published_at"]) == complaint.mention.published_at
    everything = api(world.alice).get(inbox_url(world), {"status": "all"})
    assert ids(everything) == [closed.pk, complaint.pk, waiting.pk, praise.pk]
    assert everything.json()["results"][0]["labels"] == ["taart"]


def test_the_list_filters_as_the_web_interface_does(
    world: World, api: Api, channel: Channel
) -> None:
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    monitor = Monitor.objects.create(organisation=world.org, name="Taart", query="taart")
    question = item_of(
        world, "Maken jullie ook glutenvrije taart?", source=source, priority=5,
        intents=["question"], language="nl", hours_ago=0.5,
    )  # fmt: skip
    question.mention.monitors.add(monitor)
    angry = item_of(
        world, "Het brood was oud", priority=4, sentiment="negative", language="nl",
        hours_ago=5,
    )  # fmt: skip
    french = item_of(world, "Où est la boulangerie?", priority=3, language="fr", hours_ago=1)
    old = item_of(world, "Open op zondag?", priority=2, hours_ago=24 * 10)
    bob = Membership.objects.get(user=world.bob)
    services.item_assign(item=angry, assignee=world.alice, by=bob)
    services.item_assign(item=french, assignee=world.bob, by=bob)
    services.item_set_lead(item=old, is_lead=True, by=bob)
    services.item_set_status(item=french, status=Item.Status.WAITING, by=bob)
    client = api(world.alice)
    url = inbox_url(world)
    today = timezone.localdate(NOW)

    assert ids(client.get(url, {"status": "overdue"})) == [angry.pk, old.pk]
    assert ids(client.get(url, {"status": "waiting"})) == [french.pk]
    assert ids(client.get(url, {"assignee": "me"})) == [angry.pk]
    assert ids(client.get(url, {"assignee": str(world.bob.pk)})) == [french.pk]
    assert ids(client.get(url, {"assignee": "none"})) == [question.pk, old.pk]
    assert ids(client.get(url, {"channel": channel.pk})) == [question.pk]
    assert ids(client.get(url, {"monitor": monitor.pk})) == [question.pk]
    assert ids(client.get(url, {"sentiment": "negative"})) == [angry.pk]
    assert ids(client.get(url, {"intent": "question"})) == [question.pk]
    assert ids(client.get(url, {"language": "fr"})) == [french.pk]
    assert ids(client.get(url, {"q": "glutenvrije"})) == [question.pk]
    assert ids(client.get(url, {"leads": "true"})) == [old.pk]
    assert ids(client.get(url, {"since": str(today - timedelta(days=2))})) == [
        question.pk, angry.pk, french.pk,
    ]  # fmt: skip
    assert ids(client.get(url, {"until": str(today - timedelta(days=2))})) == [old.pk]
    # A day beyond any calendar's reach is no bound at all, not an error.
    assert len(ids(client.get(url, {"since": "0001-01-01", "until": "9999-12-31"}))) == 4
    assert ids(client.get(url, {"sentiment": "negative", "assignee": "none"})) == []


def test_filters_and_pages_that_make_no_sense_are_refused_in_the_users_language(
    world: World, api: Api
) -> None:
    world.alice.language = "nl"
    world.alice.save()
    client = api(world.alice)
    for wrong in [
        {"status": "busy"},
        {"assignee": "someone"},
        {"channel": "gent"},
        {"sentiment": "angry"},
        {"intent": "gossip"},
        {"since": "gisteren"},
        {"until": ""},
        {"leads": "maybe"},
        {"limit": "many"},
    ]:
        response = client.get(inbox_url(world), wrong)
        assert response.status_code == 400, wrong
        body = response.json()
        assert body["detail"] == "Het verzoek is niet geldig.", wrong
        assert list(body["errors"]) == list(wrong), wrong


def test_the_list_is_paginated_like_the_other_lists(world: World, api: Api) -> None:
    made = [item_of(world, f"Vraag {n}", priority=n) for n in range(5)]
    client = api(world.alice)
    first = client.get(inbox_url(world), {"limit": 2}).json()
    assert first["count"] == 5
    assert [item["id"] for item in first["results"]] == [made[4].pk, made[3].pk]
    second = client.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == [made[2].pk, made[1].pk]
    assert client.get(inbox_url(world), {"limit": 201}).status_code == 400


def test_one_item_comes_with_its_replies_and_notes(world: World, api: Api) -> None:
    item = item_of(world, "Hebben jullie speltbrood?")
    Reply.objects.create(
        item=item, author=world.bob, text="Ja!", idempotency_key="a", status=Reply.Status.FAILED,
        error="Mastodon is not reachable.",
    )  # fmt: skip
    Reply.objects.create(
        item=item, author=world.bob, text="Ja, elke vrijdag!", idempotency_key="b",
        status=Reply.Status.SENT, url="https://x.test/@bakkerij/2", sent_at=NOW,
    )  # fmt: skip
    services.note_add(
        item=item, by=Membership.objects.get(user=world.alice), text="@bob weet jij dit?"
    )

    body = api(world.alice).get(inbox_url(world, item)).json()

    assert body["id"] == item.pk and body["mention"]["text"] == "Hebben jullie speltbrood?"
    replies = [(r["status"], r["text"], r["url"], r["error"], r["author"]) for r in body["replies"]]
    assert replies == [
        ("failed", "Ja!", "", "Mastodon is not reachable.", "bob@bakkerij.test"),
        ("sent", "Ja, elke vrijdag!", "https://x.test/@bakkerij/2", "", "bob@bakkerij.test"),
    ]
    assert all(r["created_at"] for r in body["replies"])
    assert [(n["text"], n["author"]) for n in body["notes"]] == [
        ("@bob weet jij dit?", "alice@bakkerij.test")
    ]
    assert Note.objects.get().mentioned.get() == world.bob
    # Reading through the API does not mark the item as being viewed by someone.
    item.refresh_from_db()
    assert item.viewer is None


def test_assign_to_a_member_then_to_nobody(world: World, api: Api) -> None:
    item = item_of(world, "Kan ik een taart bestellen?")
    contributor = world.member(Role.CONTRIBUTOR)
    client = api(contributor)
    url = inbox_url(world, item, "assign")

    assigned = client.post(url, {"assignee": world.bob.pk}, content_type="application/json")

    assert assigned.status_code == 200, assigned.json()
    body = assigned.json()
    assert body["status"] == "assigned"
    assert body["assignee"] == {"id": world.bob.pk, "email": "bob@bakkerij.test", "name": "Bob"}
    assert body["replies"] == [] and body["notes"] == []
    event = AuditEvent.objects.get(action="inbox.assigned")
    assert (event.actor_email, event.target) == (contributor.email, f"#{item.pk}")
    assert ids(api(world.bob).get(inbox_url(world), {"assignee": "me"})) == [item.pk]

    unassigned = client.post(url, {"assignee": None}, content_type="application/json").json()
    assert (unassigned["status"], unassigned["assignee"]) == ("new", None)


def test_only_a_member_can_be_assigned(world: World, api: Api) -> None:
    item = item_of(world, "Kan ik een taart bestellen?")
    client = api(world.alice)
    url = inbox_url(world, item, "assign")
    for wrong in [{"assignee": world.charlie.pk}, {"assignee": 10**9}, {"assignee": "bob"}, {}]:
        response = client.post(url, wrong, content_type="application/json")
        assert response.status_code == 400, wrong
        assert list(response.json()["errors"]) == ["assignee"]
        assert "charlie" not in response.content.decode()
    item.refresh_from_db()
    assert (item.assignee, item.status) == (None, Item.Status.NEW)
    assert not AuditEvent.objects.filter(action="inbox.assigned").exists()


def test_change_the_status(world: World, api: Api) -> None:
    item = item_of(world, "Bedankt voor de snelle levering!")
    client = api(world.member(Role.CONTRIBUTOR))
    url = inbox_url(world, item, "status")

    closed = client.post(url, {"status": "closed"}, content_type="application/json")

    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert ids(client.get(inbox_url(world))) == []
    assert AuditEvent.objects.filter(action="inbox.status", data={"status": "closed"}).exists()
    for wrong in [{"status": "open"}, {"status": "done"}, {}]:
        response = client.post(url, wrong, content_type="application/json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["status"]
    item.refresh_from_db()
    assert item.status == Item.Status.CLOSED


@pytest.mark.parametrize(
    ("role", "work", "reply"),
    [
        (Role.OWNER, 200, 400),
        (Role.MANAGER, 200, 400),
        (Role.EDITOR, 200, 400),
        (Role.CONTRIBUTOR, 200, 403),
        (Role.CLIENT, 403, 403),
    ],
)
def test_clients_read_contributors_work_the_inbox_and_editors_reply(
    world: World, api: Api, role: str, work: int, reply: int
) -> None:
    item = item_of(world, "Zijn jullie open?")  # not from a connected account: a reply is refused
    client = api(world.member(role))
    assert ids(client.get(inbox_url(world))) == [item.pk]
    assert client.get(inbox_url(world, item)).status_code == 200
    for action, body in [("assign", {"assignee": world.bob.pk}), ("status", {"status": "closed"})]:
        response = client.post(
            inbox_url(world, item, action), body, content_type="application/json"
        )
        assert response.status_code == work, (action, response.json())
    replied = client.post(
        inbox_url(world, item, "reply"), {"text": "Ja!"}, content_type="application/json"
    )
    assert replied.status_code == reply
    if work == 403:
        item.refresh_from_db()
        assert (item.status, item.assignee) == (Item.Status.NEW, None)
    assert not Reply.objects.exists()


def test_another_organisations_items_are_not_found(world: World, api: Api) -> None:
    item = item_of(world, "Zijn jullie open?")
    charlie = api(world.charlie)
    theirs = f"/api/v1/organisations/{world.other_org.slug}/inbox/{item.pk}"
    ours = f"/api/v1/organisations/{world.org.slug}/inbox/{item.pk}"
    assert ids(charlie.get(f"/api/v1/organisations/{world.other_org.slug}/inbox")) == []
    for base in (theirs, ours):
        assert charlie.get(base).status_code == 404
        for action, body in [
            ("assign", {"assignee": world.charlie.pk}),
            ("status", {"status": "closed"}),
            ("reply", {"text": "Hallo"}),
        ]:
            response = charlie.post(f"{base}/{action}", body, content_type="application/json")
            assert response.status_code == 404, (base, action)
            assert set(response.json()) == {"detail"}
    assert charlie.get(f"/api/v1/organisations/{world.org.slug}/inbox").status_code == 404
    item.refresh_from_db()
    assert (item.status, item.assignee) == (Item.Status.NEW, None)
    assert api(world.alice).get(f"{theirs}").status_code == 404


# --- replies through the fake Mastodon -----------------------------------------------------


@pytest.fixture(autouse=True)
def loopback_allowed(settings: Any) -> None:
    # The fake runs on 127.0.0.1, which production refuses.
    settings.KLANKBORD_ALLOW_LOOPBACK_URLS = True


@pytest.fixture
def fake_mastodon(httpserver: HTTPServer) -> FakeMastodon:
    return FakeMastodon(httpserver)


@pytest.fixture
def mastodon(world: World, fake_mastodon: FakeMastodon) -> Channel:
    return connect_mastodon(world, fake_mastodon)


def arrived(channel: Channel, remote_id: str) -> Item:
    """Listening reads the account's mentions; the inbox gets an item for the one asked for."""
    source = Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)
    sources.poll(source.pk)
    return Item.objects.get(mention__source=source, mention__remote_id=remote_id)


def test_an_editor_replies_through_the_account_the_mention_came_in_on(
    world: World, api: Api, mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    question = fake_mastodon.add_mention("Zijn jullie open op zondag?")
    item = arrived(mastodon, question["id"])

    response = api(world.bob).post(
        inbox_url(world, item, "reply"),
        {"text": "Ja, van 7 tot 12 uur!"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    reply = response.json()
    status = fake_mastodon.statuses[Reply.objects.get().remote_id]
    assert status["in_reply_to_id"] == question["id"]
    assert status["visibility"] == "public"
    assert reply["status"] == "sent" and reply["url"] == status["url"] and reply["error"] == ""
    assert reply["text"] == status["text"] == "@klant@example.social Ja, van 7 tot 12 uur!"
    assert reply["author"] == "bob@bakkerij.test" and reply["private"] is False
    assert reply["sent_at"] is not None
    body = api(world.alice).get(inbox_url(world, item)).json()
    assert body["status"] == "answered" and body["first_response_at"] is not None
    assert body["first_response_seconds"] is not None
    assert [r["id"] for r in body["replies"]] == [reply["id"]]


def test_a_private_reply_goes_out_as_a_direct_message(
    world: World, api: Api, mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    question = fake_mastodon.add_mention("Mijn bestelnummer is 1234, waar blijft ze?")
    item = arrived(mastodon, question["id"])
    response = api(world.alice).post(
        inbox_url(world, item, "reply"),
        {"text": "We kijken het na.", "private": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["private"] is True
    assert fake_mastodon.statuses[Reply.objects.get().remote_id]["visibility"] == "direct"


def test_a_reply_the_network_refuses_is_failed_with_its_error(
    world: World,
    api: Api,
    mastodon: Channel,
    fake_mastodon: FakeMastodon,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "DEFAULT_POLICY", http.Policy(attempts=1))  # no retries, no waits
    question = fake_mastodon.add_mention("Zijn jullie open?")
    item = arrived(mastodon, question["id"])
    # A refusal, not a 503: after a 5xx the reply may be there, so it is looked up first.
    fake_mastodon.faults.append(
        Fault(422, {"error": "Validation failed: Text can't be blank"}, path="/api/v1/statuses")
    )

    response = api(world.alice).post(
        inbox_url(world, item, "reply"),
        {"text": "Ja, tot 18 uur."},
        content_type="application/json",
    )

    assert response.status_code == 201
    reply = response.json()
    assert reply["status"] == "failed" and "Mastodon" in reply["error"] and reply["url"] == ""
    assert fake_mastodon.published_texts() == []
    item.refresh_from_db()
    assert item.is_open and item.draft == "Ja, tot 18 uur."


def test_a_reply_that_cannot_go_out_is_refused_with_the_reason(
    world: World, api: Api, mastodon: Channel, fake_mastodon: FakeMastodon
) -> None:
    question = fake_mastodon.add_mention("Zijn jullie open?")
    item = arrived(mastodon, question["id"])
    client = api(world.alice)
    url = inbox_url(world, item, "reply")

    too_long = client.post(url, {"text": "a" * 600}, content_type="application/json")
    Channel.objects.filter(pk=mastodon.pk).update(status=Channel.Status.BROKEN)
    disconnected = client.post(url, {"text": "Ja!"}, content_type="application/json")

    assert too_long.status_code == 400 and "500" in too_long.json()["detail"]
    assert disconnected.status_code == 400
    assert disconnected.json() == {
        "detail": f"{mastodon.handle} is not connected. Reconnect it under Settings, then reply."
    }
    for wrong in [{"text": ""}, {"text": 5}, {"text": "Ja", "private": "perhaps"}, {}]:
        response = client.post(url, wrong, content_type="application/json")
        assert response.status_code == 400, wrong
        assert "errors" in response.json()
    assert not Reply.objects.exists() and fake_mastodon.published_texts() == []
