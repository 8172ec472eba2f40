"""What reaches the inbox, its order and filters, and the team's work on an item."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client

from klankbord.channels.models import Channel
from klankbord.inbox import services
from klankbord.inbox.models import InboxSettings, Item
from klankbord.listening import pipeline
from klankbord.listening.models import Mention, Monitor, Source
from klankbord.orgs.models import AuditEvent, Role
from klankbord.test import World, make_member
from klankbord.understanding.models import Correction

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/inbox/"


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org, network="mastodon", external_id="9", handle="@alice@m.test",
        base_url="https://m.test",
    )  # fmt: skip


def mentions_source(channel: Channel) -> Source:
    return Source.objects.get(channel=channel, kind=Source.Kind.MENTIONS)


def arrive(source: Source, *texts: str, start: int = 0) -> list[Mention]:
    items = [
        pipeline.Item(network="mastodon", remote_id=f"r{start + n}", text=text,
                      author_handle=f"@klant{start + n}@x.test", author_name=f"Klant {start + n}")
        for n, text in enumerate(texts)
    ]  # fmt: skip
    return pipeline.run(source, items).stored


def test_mentions_of_our_account_and_monitored_feed_items_reach_the_inbox(
    world: World, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Hoe laat zijn jullie open morgen?")
    Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker*")
    feed = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    arrive(feed, "Nieuwe bakker in Leuven", "Iets heel anders over auto's", start=10)
    texts = set(Item.objects.values_list("mention__text", flat=True))
    assert texts == {"Hoe laat zijn jullie open morgen?", "Nieuwe bakker in Leuven"}


def test_imported_mentions_stay_out_of_the_inbox(world: World) -> None:
    Monitor.objects.create(organisation=world.org, name="Bakker", query="bakker*")
    imported = Source.objects.create(organisation=world.org, kind=Source.Kind.IMPORT, name="x")
    arrive(imported, "Slechte bakker, nooit meer")
    assert Mention.objects.count() == 1 and not Item.objects.exists()


def test_a_negative_question_comes_before_praise(alice_client: Client, channel: Channel) -> None:
    arrive(
        mentions_source(channel),
        "Super lekker brood, merci!",
        "Waarom is mijn bestelling nog altijd niet geleverd? Heel slecht.",
    )
    page = alice_client.get(BASE).content.decode()
    assert page.index("nog altijd niet geleverd") < page.index("Super lekker brood")


@time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False)
def test_an_item_is_due_within_the_working_hours_target(world: World, channel: Channel) -> None:
    InboxSettings.objects.create(organisation=world.org, target_minutes=120)
    items = pipeline.Item(network="mastodon", remote_id="x", text="Zijn jullie open?",
                          published_at=datetime(2026, 11, 20, 15, 30, tzinfo=UTC))  # fmt: skip
    pipeline.run(mentions_source(channel), [items])
    # Friday 16:30 in Brussels, open until 17:00: 30 minutes on Friday, 90 on Monday.
    assert Item.objects.get().due_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_filters_narrow_the_list(alice_client: Client, world: World, channel: Channel) -> None:
    arrive(mentions_source(channel), "Waarom nog niet geleverd? Slecht!", "Merci, heel lekker!")
    first = Item.objects.get(mention__text__startswith="Waarom")
    services.item_assign(item=first, assignee=world.bob, by=world.alice.memberships.get())
    page = alice_client.get(BASE, {"assignee": str(world.bob.pk)}).content.decode()
    assert "Waarom" in page and "Merci" not in page
    page = alice_client.get(BASE, {"sentiment": "positive"}).content.decode()
    assert "Merci" in page and "Waarom" not in page
    page = alice_client.get(BASE, {"q": "geleverd"}).content.decode()
    assert "Waarom" in page and "Merci" not in page
    page = alice_client.get(BASE, {"status": "closed"}).content.decode()
    assert "Waarom" not in page and "Merci" not in page


def test_the_list_refreshes_itself_with_the_count_in_the_title(
    alice_client: Client, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Zijn jullie open op zondag?")
    poll = alice_client.get(BASE, headers={"HX-Request": "true"}).content.decode()
    assert poll.startswith("<title>(1) ") and 'hx-trigger="every 15s"' in poll
    assert "Zijn jullie open op zondag?" in poll


@pytest.mark.django_db(transaction=True)
def test_assign_status_lead_labels_and_notes_work_and_are_audited(
    alice_client: Client, world: World, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Kunnen jullie 40 broodjes leveren voor een feest?")
    item = Item.objects.get()
    url = f"{BASE}{item.pk}/actie/"
    alice_client.post(url, {"action": "assign", "assignee": str(world.bob.pk)})
    alice_client.post(url, {"action": "lead", "lead": "1"})
    alice_client.post(url, {"action": "labels", "labels": "feest, catering"})
    alice_client.post(f"{BASE}{item.pk}/notitie/", {"note-text": "@bob kan jij dit oppakken?"})
    item.refresh_from_db()
    assert (item.assignee, item.status, item.is_lead) == (world.bob, "assigned", True)
    assert item.labels == ["catering", "feest"]
    assert list(item.notes.get().mentioned.all()) == [world.bob]
    [told] = [message for message in mail.outbox if message.to == [world.bob.email]]
    assert "@bob kan jij dit oppakken?" in told.body and f"/inbox/{item.pk}/" in told.body
    assert AuditEvent.objects.filter(action="inbox.assigned").exists()
    alice_client.post(url, {"action": "status", "status": "closed"})
    item.refresh_from_db()
    assert item.status == "closed"


def test_bulk_actions_close_several_items(alice_client: Client, channel: Channel) -> None:
    arrive(mentions_source(channel), "Vraag een?", "Vraag twee?", "Vraag drie?")
    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    alice_client.post(f"{BASE}bulk/", {"items": ids[:2], "action": "close"})
    assert list(Item.objects.order_by("pk").values_list("status", flat=True)) == [
        "closed", "closed", "new",
    ]  # fmt: skip


def test_a_label_correction_is_stored_for_learning_and_shown(
    alice_client: Client, world: World, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Die taart was ziek goed")
    item = Item.objects.get()
    had_praise = "praise" in item.mention.intents
    alice_client.post(f"{BASE}{item.pk}/label/", {"sentiment": "positive"})
    alice_client.post(f"{BASE}{item.pk}/label/", {"intent": "praise"})
    correction = Correction.objects.filter(organisation=world.org).latest("pk")
    assert correction.source == "inbox" and correction.sentiment == "positive"
    assert ("praise" in correction.intents) is not had_praise  # one click toggles it
    item.mention.refresh_from_db()
    assert item.mention.sentiment == "positive"
    assert item.mention.intents == correction.intents


def test_someone_else_with_the_item_open_is_shown(
    alice_client: Client, world: World, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Waar blijft mijn bestelling?")
    item = Item.objects.get()
    services.viewing(item=item, by=world.bob)
    page = alice_client.get(f"{BASE}{item.pk}/").content.decode()
    assert "Bob has this item open too" in page


def test_a_client_reads_the_inbox_but_cannot_work_it(world: World, channel: Channel) -> None:
    client_user = make_member(world.org, "klant@bakkerij.test", Role.CLIENT).user
    arrive(mentions_source(channel), "Zijn jullie open?")
    item = Item.objects.get()
    browser = Client()
    browser.force_login(client_user)
    assert browser.get(BASE).status_code == 200
    assert (
        browser.post(
            f"{BASE}{item.pk}/actie/", {"action": "status", "status": "closed"}
        ).status_code
        == 403
    )
    assert browser.post(f"{BASE}{item.pk}/antwoord/", {"text": "Ja!"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "new"


def test_charlie_sees_nothing_of_alices_inbox(charlie_client: Client, channel: Channel) -> None:
    arrive(mentions_source(channel), "Zijn jullie open?")
    item = Item.objects.get()
    assert charlie_client.get(f"{BASE}{item.pk}/").status_code == 404
    own = charlie_client.get("/o/garage-charlie/inbox/").content.decode()
    assert "Zijn jullie open?" not in own
    assert charlie_client.get(f"/o/garage-charlie/inbox/{item.pk}/").status_code == 404


def test_saved_replies_are_filled_in_for_the_author(
    alice_client: Client, world: World, channel: Channel
) -> None:
    response = alice_client.post(
        f"{BASE}instellingen/",
        {"action": "saved_reply", "title": "Open", "language": "nl",
         "text": "Dag {naam}, we zijn open van 7 tot 18 uur. Groeten, {bedrijf}"},
    )  # fmt: skip
    assert response.status_code == 302
    arrive(mentions_source(channel), "Wanneer zijn jullie open?")
    page = alice_client.get(f"{BASE}{Item.objects.get().pk}/").content.decode()
    assert "Dag Klant, we zijn open van 7 tot 18 uur. Groeten, Bakkerij Alice" in page


def test_opening_hours_are_checked_in_the_users_language(alice_client: Client) -> None:
    data = {"action": "settings", "target_minutes": "120", "holiday_region": "BE-VLG",
            "day_0": "17:00-09:00"}  # fmt: skip
    response = alice_client.post(f"{BASE}instellingen/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Write the hours as 09:00-12:00" in response.content.decode()


def test_an_item_shows_the_thread_it_belongs_to(
    alice_client: Client, world: World, channel: Channel
) -> None:
    from django.utils import timezone

    from klankbord.publishing.models import PostTarget
    from klankbord.publishing.services import post_create

    post = post_create(
        organisation=world.org, author=world.alice, text="Ons nieuwe zuurdesembrood!",
        channels=[channel],
    )  # fmt: skip
    post.targets.update(status=PostTarget.Status.PUBLISHED, remote_id="111",
                        published_at=timezone.now())  # fmt: skip
    comments = Source.objects.get(channel=channel, kind=Source.Kind.COMMENTS)
    first = pipeline.Item(network="mastodon", remote_id="222", text="Met of zonder zaden?",
                          in_reply_to="111", author_handle="@an@x.test", kind="reply")  # fmt: skip
    second = pipeline.Item(network="mastodon", remote_id="333", text="En hoeveel kost het?",
                           in_reply_to="222", author_handle="@an@x.test", kind="reply")  # fmt: skip
    pipeline.run(comments, [first, second])
    item = Item.objects.get(mention__remote_id="333")
    page = alice_client.get(f"{BASE}{item.pk}/").content.decode()
    assert page.index("Ons nieuwe zuurdesembrood!") < page.index("Met of zonder zaden?")
    assert page.index("Met of zonder zaden?") < page.index("En hoeveel kost het?")


def test_days_out_of_range_are_ignored_instead_of_failing(
    alice_client: Client, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Zijn jullie open?")
    for day in ("0001-01-01", "9999-12-31", "2026-02-31", "gisteren"):
        response = alice_client.get(BASE, {"since": day, "until": day})
        assert response.status_code == 200
        assert "Zijn jullie open?" in response.content.decode()


def test_a_long_list_says_more_than_the_cap_instead_of_counting_all(
    alice_client: Client, channel: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klankbord.lib import paging

    monkeypatch.setattr(paging.CappedPaginator, "cap", 2)
    monkeypatch.setattr(paging, "CAP", 2)
    arrive(mentions_source(channel), "Vraag een?", "Vraag twee?", "Vraag drie?")
    page = alice_client.get(BASE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than 2 items" in page and "2+ open" in page


def test_the_dashboard_shows_open_and_overdue_items_and_the_monitors(
    alice_client: Client, world: World, channel: Channel
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    Monitor.objects.create(organisation=world.org, name="Bakkerij", query="open*")
    arrive(mentions_source(channel), "Zijn jullie open?", "Zijn jullie morgen open?")
    Item.objects.filter(mention__remote_id="r0").update(due_at=timezone.now() - timedelta(hours=1))
    page = alice_client.get("/o/bakkerij-alice/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2 open" in page and "1 overdue" in page
    assert "Bakkerij</a>: 2 mentions this week" in page


def test_an_action_from_the_list_returns_to_the_list_but_never_elsewhere(
    alice_client: Client, channel: Channel
) -> None:
    arrive(mentions_source(channel), "Zijn jullie open?")
    item = Item.objects.get()
    url = f"{BASE}{item.pk}/actie/"
    back = alice_client.post(
        url, {"action": "status", "status": "closed", "next": f"{BASE}?status=open"}
    )
    assert back.status_code == 302 and back["Location"] == f"{BASE}?status=open"
    away = alice_client.post(
        url, {"action": "status", "status": "new", "next": "https://evil.example/"}
    )
    assert away["Location"] == f"{BASE}{item.pk}/"


@pytest.mark.parametrize(
    ("network", "kind", "choice", "note"),
    [
        ("mastodon", "mention", True, False),
        ("bluesky", "mention", True, False),
        ("bluesky", "message", False, True),  # an answer to a message is private anyway
        ("rss", "mention", False, False),
    ],
)
def test_the_reply_form_offers_a_direct_message_where_the_network_has_one(
    world: World, alice_client: Client, network: str, kind: str, choice: bool, note: bool
) -> None:
    account = Channel.objects.create(
        organisation=world.org, network=network, external_id="7", handle="@alice.test"
    )
    source = Source.objects.create(
        organisation=world.org, channel=account, kind=Source.Kind.MENTIONS, name="x"
    )
    arrived = pipeline.Item(network=network, remote_id="m1", text="Zijn jullie open?", kind=kind,
                            author_handle="@klant.test")  # fmt: skip
    pipeline.run(source, [arrived])
    page = alice_client.get(f"{BASE}{Item.objects.get().pk}/", HTTP_ACCEPT_LANGUAGE="en")
    shown = page.content.decode()
    assert ('name="private"' in shown) is choice
    assert ("Your answer goes back as a direct message." in shown) is note
