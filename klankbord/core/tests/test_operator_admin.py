"""The operators' admin: staff with two-factor authentication only, read-only, no secrets."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from klankbord.channels.models import Channel
from klankbord.publishing import scheduler
from klankbord.publishing.models import PostTarget
from klankbord.publishing.services import post_create
from klankbord.test import World

Status = PostTarget.Status
SECRET = "very-secret-access-token-0123456789"


@pytest.fixture
def channel(world: World) -> Channel:
    return Channel.objects.create(
        organisation=world.org,
        network="sandbox",
        external_id="s1",
        handle="oefenbakker",
        secrets={"access_token": SECRET},
    )


def staff(world: World, client: Client, *, verified: bool) -> Client:
    world.alice.is_staff = True
    world.alice.save(update_fields=["is_staff"])
    client.force_login(world.alice)
    if verified:
        device = TOTPDevice.objects.create(user=world.alice, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def in_flight(world: World, channel: Channel, status: str) -> PostTarget:
    post = post_create(organisation=world.org, author=world.alice, text="x", channels=[channel])
    post.targets.update(
        status=status,
        lease_token="held-by-a-stuck-worker",
        lease_expires_at=timezone.now() + timedelta(minutes=5),
        due_at=timezone.now(),
        scheduled_at=timezone.now(),
    )
    return post.targets.get()


def test_it_turns_away_a_member_who_is_not_staff(world: World, client: Client) -> None:
    client.force_login(world.alice)
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert response["Location"].startswith("/beheer/login/")


def test_it_turns_away_staff_without_two_factor(world: World, client: Client) -> None:
    staff(world, client, verified=False)
    assert client.get("/beheer/").status_code == 302
    assert client.get("/beheer/publishing/posttarget/").status_code == 302


def test_it_shows_channels_to_verified_staff_without_their_secrets(
    world: World, client: Client, channel: Channel
) -> None:
    staff(world, client, verified=True)
    listing = client.get("/beheer/channels/channel/")
    page = client.get(f"/beheer/channels/channel/{channel.pk}/change/")
    assert listing.status_code == page.status_code == 200
    assert b"oefenbakker" in listing.content and b"oefenbakker" in page.content
    for response in (listing, page):
        assert SECRET.encode() not in response.content
        assert b"access_token" not in response.content


def test_nothing_can_be_changed_through_it(world: World, client: Client, channel: Channel) -> None:
    staff(world, client, verified=True)
    response = client.post(
        f"/beheer/channels/channel/{channel.pk}/change/", {"handle": "someone-else"}
    )
    assert response.status_code == 403
    channel.refresh_from_db()
    assert channel.handle == "oefenbakker"
    assert client.get("/beheer/channels/channel/add/").status_code == 403


def test_a_stuck_lease_is_released_after_confirmation_and_swept(
    world: World, client: Client, channel: Channel
) -> None:
    target = in_flight(world, channel, Status.CLAIMED)
    staff(world, client, verified=True)
    chosen = {"action": "release_lease", "_selected_action": [target.pk]}
    asked = client.post("/beheer/publishing/posttarget/", chosen)
    assert asked.status_code == 200
    assert "Release these leases?" in asked.content.decode()
    target.refresh_from_db()
    # Nothing happens before the answer.
    assert target.lease_expires_at is not None and target.lease_expires_at > timezone.now()

    done = client.post("/beheer/publishing/posttarget/", {**chosen, "confirm": "yes"})
    assert done.status_code == 302
    target.refresh_from_db()
    assert target.lease_expires_at is not None and target.lease_expires_at < timezone.now()
    scheduler.sweep()
    target.refresh_from_db()
    assert (target.status, target.lease_token) == (Status.SCHEDULED, "")


def test_a_failed_post_is_retried_through_the_service(
    world: World, client: Client, channel: Channel
) -> None:
    target = in_flight(world, channel, Status.FAILED)
    staff(world, client, verified=True)
    response = client.post(
        "/beheer/publishing/posttarget/", {"action": "retry", "_selected_action": [target.pk]}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.status, target.attempts) == (Status.SCHEDULED, 0)


def test_every_page_of_it_opens_for_verified_staff(
    world: World, client: Client, channel: Channel
) -> None:
    in_flight(world, channel, Status.PUBLISHING)
    staff(world, client, verified=True)
    for page in ("", "core/heartbeat/", "channels/ratebudgetstate/", "orgs/auditevent/"):
        assert client.get(f"/beheer/{page}").status_code == 200, page
    listing = client.get("/beheer/publishing/posttarget/")
    assert b"held-by-a-stuck-worker" not in listing.content  # the token shows on its own page
    target = PostTarget.objects.get()
    assert (
        b"held-by-a-stuck-worker"
        in client.get(f"/beheer/publishing/posttarget/{target.pk}/change/").content
    )
