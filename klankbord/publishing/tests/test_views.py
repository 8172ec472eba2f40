"""The publishing pages: composer, post page, approvals, calendar moves, slots and the iCal feed."""

import io
import os
from datetime import datetime, time, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from PIL import Image

from klankbord.channels.models import Channel
from klankbord.channels.networks.base import Quota
from klankbord.channels.networks.sandbox import SandboxConnector
from klankbord.orgs.models import Membership, Role
from klankbord.publishing.models import (
    CalendarFeed,
    Notification,
    Post,
    PostComment,
    PostImage,
    PostTarget,
    QueueSlot,
)
from klankbord.publishing.services import image_upload, post_create
from klankbord.test import World

Status = PostTarget.Status
BRUSSELS = ZoneInfo("Europe/Brussels")


def png(width: int = 800, height: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 160, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def bluesky(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org,
        network="bluesky",
        external_id="did:plc:x",
        handle="bakker.bsky.social",
    )


def url(name: str, world: World, **kwargs: object) -> str:
    return reverse(name, kwargs={"org_slug": world.org.slug, **kwargs})


def client_for(world: World, role: str) -> tuple[Client, Membership]:
    user = world.member(role)
    client = Client()
    client.force_login(user)
    return client, Membership.objects.get(user=user)


def tomorrow_at_ten() -> tuple[str, str]:
    day = timezone.now().astimezone(BRUSSELS).date() + timedelta(days=1)
    return day.isoformat(), "10:00"


def compose(client: Client, world: World, **fields: object) -> object:
    return client.post(url("compose", world), fields)


# --- composer ---------------------------------------------------------------------------------


def test_the_composer_lists_only_channels_that_can_publish(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    Channel.objects.create(organisation=world.org, network="rss", external_id="f", handle="blog")
    page = alice_client.get(url("compose", world)).content.decode()
    assert "oefenbakker" in page
    assert f'value="{sandbox.pk}"' in page
    assert ">blog" not in page


def test_a_draft_keeps_its_variant_and_image_with_alt_text(
    world: World, alice_client: Client, sandbox: Channel, bluesky: Channel
) -> None:
    image = image_upload(
        organisation=world.org, by=world.alice, filename="brood.png", content=png()
    )
    response = compose(
        alice_client,
        world,
        text="Verse desem vandaag! #brood",
        channels=[sandbox.pk, bluesky.pk],
        **{f"variant_{bluesky.pk}": "Desem op Bluesky 🍞", "images": [image.pk]},
        **{f"alt_{image.pk}": "Drie desembroden op een houten toog", "action": "draft"},
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("post_detail", world, post_id=post.pk)
    texts = {t.channel_id: t.text for t in post.targets.all()}
    assert texts == {sandbox.pk: "Verse desem vandaag! #brood", bluesky.pk: "Desem op Bluesky 🍞"}
    assert set(post.targets.values_list("status", flat=True)) == {Status.DRAFT}
    image.refresh_from_db()
    assert image.post == post and image.alt_text == "Drie desembroden op een houten toog"
    detail = alice_client.get(response["Location"]).content.decode()
    assert "Desem op Bluesky" in detail and "Drie desembroden" in detail


def test_an_image_without_alt_text_blocks_scheduling_until_the_user_opts_out(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    image = image_upload(organisation=world.org, by=world.alice, filename="a.png", content=png())
    day, at = tomorrow_at_ten()
    fields = {"text": "Nieuw", "channels": [sandbox.pk], "images": [image.pk], "date": day}
    response = compose(alice_client, world, **fields, time=at, action="schedule")
    assert response.status_code == 422
    assert "has no alt text" in response.content.decode()
    assert not Post.objects.exists()  # refused: no draft left behind to be posted twice
    response = compose(
        alice_client, world, **fields, time=at, action="schedule", **{f"noalt_{image.pk}": "on"}
    )
    assert response.status_code == 302
    assert Post.objects.get().images.get() == image
    target = PostTarget.objects.get()
    assert target.status == Status.SCHEDULED
    assert target.scheduled_at == datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=BRUSSELS)


def test_text_over_the_limit_cannot_be_scheduled_and_says_why(
    world: World, alice_client: Client, bluesky: Channel
) -> None:
    day, at = tomorrow_at_ten()
    response = compose(
        alice_client,
        world,
        text="é" * 301,
        channels=[bluesky.pk],
        date=day,
        time=at,
        action="schedule",
    )
    assert response.status_code == 422
    assert "301 of 300" in response.content.decode()
    assert not PostTarget.objects.filter(status=Status.SCHEDULED).exists()


def test_scheduling_needs_a_date_and_a_time(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    response = compose(alice_client, world, text="x", channels=[sandbox.pk], action="schedule")
    assert response.status_code == 422
    assert "Choose a date and a time" in response.content.decode()
    assert not Post.objects.exists()


def test_a_time_in_the_skipped_spring_hour_is_refused(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    response = compose(
        alice_client,
        world,
        text="x",
        channels=[sandbox.pk],
        date="2027-03-28",
        time="02:30",
        action="schedule",
    )
    assert response.status_code == 422
    assert "clocks go forward" in response.content.decode()


def test_the_counter_shows_each_channel_by_its_own_rules(
    world: World, alice_client: Client, sandbox: Channel, bluesky: Channel
) -> None:
    text = "Kom proeven 👨‍👩‍👧 https://bakkerij-alice.be/" + "a" * 200
    response = alice_client.post(
        url("compose_count", world), {"text": text, "channels": [sandbox.pk, bluesky.pk]}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-channel="{bluesky.pk}"' in page and f'data-channel="{sandbox.pk}"' in page
    # Bluesky counts the link in full and the family emoji as one grapheme.
    assert f"{len('Kom proeven ') + 1 + 1 + len('https://bakkerij-alice.be/') + 200} / 300" in page
    assert 'data-network="x"' in page


def test_the_counter_shows_what_is_left_of_a_networks_posting_limit(
    world: World, alice_client: Client, sandbox: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Instagram and Threads say how many posts they still take today; the composer shows it."""
    asked: list[int] = []

    def quota(self: SandboxConnector) -> Quota:
        asked.append(1)
        return Quota(used=asked_used.pop(0), total=50, window=timedelta(hours=24))

    asked_used = [12, 50]
    monkeypatch.setattr(SandboxConnector, "has_quota", True)
    monkeypatch.setattr(SandboxConnector, "publishing_quota", quota)
    cache.clear()
    data = {"text": "Verse kerststol", "channels": [sandbox.pk]}
    page = alice_client.post(url("compose_count", world), data).content.decode()
    assert "38 more posts possible here today (12 of 50 used in the last 24 hours)." in page
    # Typing on asks the network no more: the figure is kept a few minutes.
    alice_client.post(url("compose_count", world), data)
    assert len(asked) == 1
    cache.clear()
    page = alice_client.post(url("compose_count", world), data).content.decode()
    assert "limit of 50 posts in 24 hours is reached" in page


def test_a_network_that_downloads_images_needs_a_public_address(
    world: World, alice_client: Client, sandbox: Channel, monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:  # fmt: skip
    monkeypatch.setattr(SandboxConnector, "fetches_media", True)
    image = image_upload(organisation=world.org, by=world.alice, filename="a.png", content=png())
    data = {"text": "Verse kerststol", "channels": [sandbox.pk], "images": [image.pk]}
    settings.SITE_URL = "http://127.0.0.1:8000"
    page = alice_client.post(url("compose_count", world), data).content.decode()
    assert "public address, and it has none" in page
    settings.SITE_URL = "https://klankbord.example.be"
    page = alice_client.post(url("compose_count", world), data).content.decode()
    assert "public address" not in page


def test_a_network_without_text_only_posts_asks_for_an_image(
    world: World, alice_client: Client, sandbox: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SandboxConnector, "needs_media", True)
    data = {"text": "Verse kerststol", "channels": [sandbox.pk]}
    page = alice_client.post(url("compose_count", world), data).content.decode()
    assert "publishes no text without an image" in page


def test_publish_now_is_due_at_once(world: World, alice_client: Client, sandbox: Channel) -> None:
    compose(alice_client, world, text="Nu!", channels=[sandbox.pk], action="now")
    target = PostTarget.objects.get()
    assert target.status == Status.SCHEDULED
    assert target.due_at is not None and target.due_at <= timezone.now()


def test_an_upload_that_is_not_an_image_is_refused_plainly(
    world: World, alice_client: Client
) -> None:
    bad = io.BytesIO(b"<html>not an image</html>")
    bad.name = "folder.png"
    response = alice_client.post(url("image_upload", world), {"upload": bad})
    assert response.status_code == 200
    assert "folder.png" in response.content.decode()
    assert not PostImage.objects.exists()
    good = io.BytesIO(png())
    good.name = "brood.png"
    response = alice_client.post(url("image_upload", world), {"upload": good})
    image = PostImage.objects.get()
    assert f'name="images" value="{image.pk}"' in response.content.decode()
    served = alice_client.get(url("image", world, image_id=image.pk))
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


# --- approvals --------------------------------------------------------------------------------


def test_a_contributors_post_waits_for_approval_and_the_author_hears_the_verdict(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    client, contributor = client_for(world, Role.CONTRIBUTOR)
    day, at = tomorrow_at_ten()
    compose(
        client, world, text="Mag dit?", channels=[sandbox.pk], date=day, time=at, action="schedule"
    )
    post = Post.objects.get()
    assert post.targets.get().status == Status.AWAITING_APPROVAL
    # The contributor cannot approve their own post.
    assert client.post(url("post_approve", world, post_id=post.pk)).status_code == 403

    response = alice_client.post(url("post_reject", world, post_id=post.pk), {"text": ""})
    assert post.targets.get().status == Status.AWAITING_APPROVAL
    response = alice_client.post(
        url("post_reject", world, post_id=post.pk), {"text": "Graag een foto erbij"}
    )
    assert response.status_code == 302
    assert post.targets.get().status == Status.DRAFT
    assert PostComment.objects.get().kind == PostComment.Kind.REJECTION
    assert Notification.objects.get(user=contributor.user).message.endswith(
        "sent your post back with a comment."
    )

    compose_again = client.post(
        url("post_edit", world, post_id=post.pk),
        {
            "text": "Mag dit? Met foto",
            "channels": [sandbox.pk],
            "date": day,
            "time": at,
            "action": "schedule",
        },
    )
    assert compose_again.status_code == 302
    assert post.targets.get().status == Status.AWAITING_APPROVAL
    alice_client.post(url("post_approve", world, post_id=post.pk))
    assert post.targets.get().status == Status.SCHEDULED
    assert Notification.objects.filter(user=contributor.user).count() == 2
    page = client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    assert "Graag een foto erbij" in page


def test_approval_mail_goes_to_the_author_in_their_language(
    world: World, alice_client: Client, sandbox: Channel, django_capture_on_commit_callbacks: object
) -> None:
    client, contributor = client_for(world, Role.CONTRIBUTOR)
    contributor.user.language = "nl-be"
    contributor.user.save()
    day, at = tomorrow_at_ten()
    compose(
        client, world, text="Taart", channels=[sandbox.pk], date=day, time=at, action="schedule"
    )
    post = Post.objects.get()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        alice_client.post(url("post_approve", world, post_id=post.pk))
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [contributor.user.email]
    assert "keurde je bericht goed" in mail.outbox[0].subject


def test_comments_thread_and_notify_the_author(world: World, sandbox: Channel) -> None:
    client, _editor = client_for(world, Role.EDITOR)
    post = post_create(organisation=world.org, author=world.alice, text="Idee", channels=[sandbox])
    client.post(url("post_comment", world, post_id=post.pk), {"text": "Goed idee, @Alice!"})
    assert PostComment.objects.get().text == "Goed idee, @Alice!"
    assert Notification.objects.get().user == world.alice


# --- per-channel status and actions -----------------------------------------------------------


def test_each_status_is_explained_with_its_action(
    world: World, alice_client: Client, sandbox: Channel, bluesky: Channel
) -> None:
    post = post_create(
        organisation=world.org, author=world.alice, text="x", channels=[sandbox, bluesky]
    )
    PostTarget.objects.filter(channel=sandbox).update(
        status=Status.PUBLISHED, remote_url="https://example.test/p/1", published_at=timezone.now()
    )
    PostTarget.objects.filter(channel=bluesky).update(status=Status.FAILED, error="Ongeldige tekst")
    page = alice_client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    assert 'href="https://example.test/p/1"' in page
    assert "Ongeldige tekst" in page
    failed = PostTarget.objects.get(channel=bluesky)
    assert url("target_retry", world, target_id=failed.pk) in page
    alice_client.post(url("target_retry", world, target_id=failed.pk))
    failed.refresh_from_db()
    assert failed.status == Status.SCHEDULED and failed.error == ""


def test_look_it_up_claims_an_unconfirmed_target_for_one_lookup(
    world: World, alice_client: Client, sandbox: Channel, django_capture_on_commit_callbacks: object
) -> None:
    post = post_create(organisation=world.org, author=world.alice, text="x", channels=[sandbox])
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(status=Status.UNCONFIRMED)
    page = alice_client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    assert "check before you post again" in page
    with (
        mock.patch("klankbord.publishing.tasks.resolve_target.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),  # type: ignore[operator]
    ):
        alice_client.post(url("target_look_up", world, target_id=target.pk))
    target.refresh_from_db()
    delay.assert_called_once_with(target.pk, target.lease_token)


def test_delete_and_duplicate(world: World, alice_client: Client, sandbox: Channel) -> None:
    post = post_create(
        organisation=world.org, author=world.alice, text="Kerststol", channels=[sandbox]
    )
    response = alice_client.post(url("post_duplicate", world, post_id=post.pk))
    copy = Post.objects.exclude(pk=post.pk).get()
    assert response["Location"] == url("post_edit", world, post_id=copy.pk)
    assert copy.text == "Kerststol" and copy.targets.get().channel == sandbox
    alice_client.post(url("post_delete", world, post_id=post.pk))
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert post.targets.get().status == Status.CANCELLED


# --- calendar ---------------------------------------------------------------------------------


def scheduled(world: World, channel: Channel, at: datetime, text: str = "Brood") -> PostTarget:
    post = post_create(organisation=world.org, author=world.alice, text=text, channels=[channel])
    target = post.targets.get()
    PostTarget.objects.filter(pk=target.pk).update(
        status=Status.SCHEDULED, scheduled_at=at, due_at=at
    )
    target.refresh_from_db()
    return target


@time_machine.travel(datetime(2026, 10, 20, 9, tzinfo=BRUSSELS))
def test_dragging_to_another_day_keeps_the_local_time_across_dst(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    # 10:00 in summer time (UTC+2) moved to a day in winter time (UTC+1) stays 10:00 local.
    target = scheduled(world, sandbox, datetime(2026, 10, 23, 10, tzinfo=BRUSSELS))
    response = alice_client.post(
        url("target_move", world, target_id=target.pk), {"date": "2026-10-27"}
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.scheduled_at == datetime(2026, 10, 27, 9, tzinfo=ZoneInfo("UTC"))
    assert target.due_at == target.scheduled_at


@time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=BRUSSELS))
def test_the_week_view_moves_to_another_hour(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    target = scheduled(world, sandbox, datetime(2026, 11, 3, 10, 30, tzinfo=BRUSSELS))
    page = alice_client.get(url("calendar", world), {"view": "week"}).content.decode()
    assert f'data-target="{target.pk}"' in page and 'data-hour="10"' in page
    alice_client.post(
        url("target_move", world, target_id=target.pk), {"date": "2026-11-05", "hour": 15}
    )
    target.refresh_from_db()
    assert target.scheduled_at == datetime(2026, 11, 5, 15, 30, tzinfo=BRUSSELS)


def test_a_published_post_cannot_be_dragged(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    target = scheduled(world, sandbox, timezone.now() + timedelta(days=1))
    PostTarget.objects.filter(pk=target.pk).update(status=Status.PUBLISHED)
    day = (timezone.now() + timedelta(days=3)).date().isoformat()
    response = alice_client.post(url("target_move", world, target_id=target.pk), {"date": day})
    assert response.status_code == 422
    target.refresh_from_db()
    assert target.scheduled_at is not None and target.scheduled_at.date() != day


def test_a_contributor_moving_a_scheduled_post_sends_it_back_for_approval(
    world: World, sandbox: Channel
) -> None:
    client, contributor = client_for(world, Role.CONTRIBUTOR)
    post = post_create(
        organisation=world.org, author=contributor.user, text="x", channels=[sandbox]
    )
    at = timezone.now() + timedelta(days=1)
    PostTarget.objects.filter(post=post).update(status=Status.SCHEDULED, scheduled_at=at, due_at=at)
    day = (timezone.now() + timedelta(days=2)).astimezone(BRUSSELS).date().isoformat()
    client.post(url("target_move", world, target_id=post.targets.get().pk), {"date": day})
    assert post.targets.get().status == Status.AWAITING_APPROVAL


@time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=BRUSSELS))
def test_the_month_shows_posts_holidays_and_filters(
    world: World, alice_client: Client, sandbox: Channel, bluesky: Channel
) -> None:
    first = scheduled(world, sandbox, datetime(2026, 11, 12, 10, tzinfo=BRUSSELS), "Sint-Maarten")
    second = scheduled(world, bluesky, datetime(2026, 11, 13, 10, tzinfo=BRUSSELS), "Bluesky")
    page = alice_client.get(url("calendar", world)).content.decode()
    assert f'data-target="{first.pk}"' in page and f'data-target="{second.pk}"' in page
    assert "Wapenstilstand" in page or "Armistice" in page
    filtered = alice_client.get(url("calendar", world), {"channel": sandbox.pk}).content.decode()
    assert f'data-target="{first.pk}"' in filtered and f'data-target="{second.pk}"' not in filtered
    by_status = alice_client.get(url("calendar", world), {"status": "published"}).content.decode()
    assert f'data-target="{first.pk}"' not in by_status


def test_the_regularity_monitor_warns_about_silence_clashes_and_duplicates(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    now = timezone.now()
    scheduled(world, sandbox, now + timedelta(days=1), "Brood van de week")
    scheduled(world, sandbox, now + timedelta(days=1, minutes=20), "Brood van de week")
    scheduled(world, sandbox, now + timedelta(days=13, hours=1), "Taart")
    page = alice_client.get(url("calendar", world)).content.decode()
    assert "oefenbakker: 12 days with nothing planned." in page
    assert "two posts within 60 minutes" in page
    assert "the same text is planned twice" in page


def test_a_text_is_warned_about_once_and_only_while_a_repeat_is_still_to_come(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    now = timezone.now()
    for days in (2, 1):
        went_out = scheduled(world, sandbox, now - timedelta(days=days), "Soep van de dag")
        PostTarget.objects.filter(pk=went_out.pk).update(status=Status.PUBLISHED)
    page = alice_client.get(url("calendar", world)).content.decode()
    assert "the same text is planned twice" not in page  # both went out: past changing
    for days in (1, 2, 3):
        scheduled(world, sandbox, now + timedelta(days=days), "Soep van de dag")
    page = alice_client.get(url("calendar", world)).content.decode()
    assert page.count("the same text is planned twice") == 1


# --- queue slots ------------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=BRUSSELS))  # a Monday
def test_add_to_queue_takes_the_next_free_slot(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    response = alice_client.post(
        url("slot_add", world, channel_id=sandbox.pk), {"weekday": 1, "time": "09:30"}
    )
    assert response.status_code == 302
    QueueSlot.objects.create(channel=sandbox, weekday=3, time=time(12, 0))
    for text in ["Eerste", "Tweede", "Derde"]:
        compose(alice_client, world, text=text, channels=[sandbox.pk], action="queue")
    moments = [
        t.scheduled_at.astimezone(BRUSSELS).strftime("%a %d %H:%M")
        for t in PostTarget.objects.order_by("scheduled_at")
        if t.scheduled_at
    ]
    assert moments == ["Tue 24 09:30", "Thu 26 12:00", "Tue 01 09:30"]


def test_queue_without_slots_explains_what_to_do(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    response = compose(alice_client, world, text="x", channels=[sandbox.pk], action="queue")
    assert response.status_code == 422
    assert "has no queue slots" in response.content.decode()


# --- iCalendar feed ---------------------------------------------------------------------------


def test_the_ical_feed_is_secret_valid_and_revocable(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    target = scheduled(world, sandbox, timezone.now() + timedelta(days=2), "Soep van de dag")
    alice_client.post(url("feed_create", world))
    page = alice_client.get(url("calendar", world)).content.decode()
    feed_url = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    anonymous = Client()
    response = anonymous.get(feed_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["[oefenbakker] Soep van de dag"]
    assert target.scheduled_at is not None
    assert events[0].decoded("dtstart") == target.scheduled_at.replace(microsecond=0)
    assert CalendarFeed.objects.get().token_hash not in feed_url

    alice_client.post(url("feed_revoke", world))
    assert anonymous.get(feed_url).status_code == 404


def test_the_feed_stops_when_its_owner_leaves(world: World, sandbox: Channel) -> None:
    client, editor = client_for(world, Role.EDITOR)
    client.post(url("feed_create", world))
    page = client.get(url("calendar", world)).content.decode()
    feed_url = page.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]
    assert Client().get(feed_url).status_code == 200
    editor.delete()
    assert Client().get(feed_url).status_code == 404
    assert Client().get("/kalender/not-a-token.ics").status_code == 404


# --- isolation --------------------------------------------------------------------------------


def test_charlie_cannot_reach_alices_posts_through_his_own_organisation(
    world: World, charlie_client: Client, sandbox: Channel
) -> None:
    post = post_create(
        organisation=world.org, author=world.alice, text="Geheim", channels=[sandbox]
    )
    target = post.targets.get()
    image = image_upload(organisation=world.org, by=world.alice, filename="a.png", content=png())
    slug = world.other_org.slug
    for name, kwargs in [
        ("post_detail", {"post_id": post.pk}),
        ("post_edit", {"post_id": post.pk}),
        ("post_approve", {"post_id": post.pk}),
        ("post_delete", {"post_id": post.pk}),
        ("post_duplicate", {"post_id": post.pk}),
        ("target_retry", {"target_id": target.pk}),
        ("target_move", {"target_id": target.pk}),
        ("target_look_up", {"target_id": target.pk}),
        ("image", {"image_id": image.pk}),
        ("slot_add", {"channel_id": sandbox.pk}),
    ]:
        address = reverse(name, kwargs={"org_slug": slug, **kwargs})
        assert charlie_client.post(address, {"date": "2030-01-01"}).status_code in (404, 405), name
        assert charlie_client.get(address).status_code in (404, 405), name
    # Alice's image cannot be attached to Charlie's post either.
    theirs = Channel.objects.create(
        organisation=world.other_org, network="sandbox", external_id="c", handle="c"
    )
    charlie_client.post(
        reverse("compose", kwargs={"org_slug": slug}),
        {"text": "x", "channels": [theirs.pk], "images": [image.pk], "action": "draft"},
    )
    image.refresh_from_db()
    assert image.post is None
    assert Post.objects.get(organisation=world.other_org).images.count() == 0
    assert not PostTarget.objects.filter(pk=target.pk).exclude(status=Status.DRAFT).exists()


def test_an_image_too_large_for_bluesky_blocks_scheduling_with_a_hint(
    world: World, alice_client: Client, bluesky: Channel, sandbox: Channel
) -> None:
    noise = Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert buffer.tell() > 1_000_000
    image = image_upload(
        organisation=world.org, by=world.alice, filename="ruis.png", content=buffer.getvalue()
    )
    day, at = tomorrow_at_ten()
    fields = {"text": "Foto", "images": [image.pk], f"alt_{image.pk}": "Ruis", "date": day}
    response = compose(
        alice_client, world, **fields, channels=[bluesky.pk], time=at, action="schedule"
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "bakker.bsky.social: Bluesky takes images up to 1 MB" in page
    assert "JPEG at 85" in page
    assert not Post.objects.exists()
    # The practice channel takes it: the same image is fine there.
    response = compose(
        alice_client, world, **fields, channels=[sandbox.pk], time=at, action="schedule"
    )
    assert response.status_code == 302
    assert Post.objects.get().targets.get().status == Status.SCHEDULED


def test_a_contributor_editing_an_approved_post_needs_approval_again(
    world: World, sandbox: Channel
) -> None:
    client, contributor = client_for(world, Role.CONTRIBUTOR)
    post = post_create(
        organisation=world.org, author=contributor.user, text="x", channels=[sandbox]
    )
    at = timezone.now() + timedelta(days=1)
    PostTarget.objects.filter(post=post).update(status=Status.SCHEDULED, scheduled_at=at, due_at=at)
    response = client.post(
        url("post_edit", world, post_id=post.pk),
        {"text": "Iets helemaal anders", "channels": [sandbox.pk], "action": "draft"},
    )
    assert response.status_code == 302
    target = post.targets.get()
    assert target.text == "Iets helemaal anders"
    assert target.status == Status.AWAITING_APPROVAL


def test_uploads_that_never_joined_a_post_are_removed_after_a_day(
    world: World, sandbox: Channel
) -> None:
    kept = image_upload(organisation=world.org, by=world.alice, filename="a.png", content=png())
    post_create(
        organisation=world.org, author=world.alice, text="x", channels=[sandbox], images=[kept]
    )
    left = image_upload(organisation=world.org, by=world.alice, filename="b.png", content=png())
    assert tasks_tidy_after(timedelta(hours=23)) == 0
    assert tasks_tidy_after(timedelta(hours=25)) == 1
    assert list(PostImage.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not PostImage.objects.filter(pk=left.pk).exists()


def tasks_tidy_after(delay: timedelta) -> int:
    from klankbord.publishing.services import images_forget_unused

    return images_forget_unused(timezone.now() + delay)


def test_the_calendar_survives_odd_addresses(world: World, alice_client: Client) -> None:
    for query in [
        {"date": "9999-12-31"},
        {"date": "0001-01-01", "view": "week"},
        {"date": "2026-02-30"},
        {"date": "gisteren", "channel": "x", "status": "nope"},
    ]:
        response = alice_client.get(url("calendar", world), query)
        assert response.status_code == 200, query
        assert '<table class="calendar' in response.content.decode()


def test_the_main_menu_counts_unread_notifications_until_they_are_read(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    client, contributor = client_for(world, Role.CONTRIBUTOR)
    post = post_create(
        organisation=world.org, author=contributor.user, text="x", channels=[sandbox]
    )
    alice_client.post(url("post_comment", world, post_id=post.pk), {"text": "Mooi!"})
    page = client.get(url("dashboard", world)).content.decode()
    assert 'class="badge count"' in page
    assert "Mooi!" not in page
    assert "commented on a post." in client.get(url("publish", world)).content.decode()
    client.post(url("notifications_read", world))
    assert 'class="badge count"' not in client.get(url("dashboard", world)).content.decode()


def test_a_post_on_the_sandbox_says_it_has_no_public_page(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    post = post_create(
        organisation=world.org, author=world.alice, text="Oefenen", channels=[sandbox]
    )
    post.targets.update(
        status=Status.PUBLISHED,
        published_at=timezone.now(),
        remote_url="https://sandbox.klankbord.invalid/@oefenbakker/1",
    )
    page = alice_client.get(url("post_detail", world, post_id=post.pk)).content.decode()
    assert "klankbord.invalid" not in page  # a link that can never open is no link
    assert "it has no public page" in page
