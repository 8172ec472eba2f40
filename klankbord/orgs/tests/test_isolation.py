"""Every URL, generated from the URL conf, keeps one organisation's data from another.

A new view is covered without anyone remembering to add it: an unknown URL parameter or an
unclassified public URL fails this test until it is described here.
"""

from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from klankbord.accounts.models import ApiToken
from klankbord.accounts.services import api_token_create
from klankbord.analytics.models import ClientReport, ReportLink
from klankbord.channels.fields import address_token
from klankbord.channels.models import Channel
from klankbord.core.models import ImportJob
from klankbord.inbox.models import Item, Reply, SavedReply
from klankbord.listening.models import Mention, MentionMedia, Monitor, Source, Webhook
from klankbord.orgs.models import Invitation, Membership
from klankbord.publishing.models import PostImage, QueueSlot
from klankbord.publishing.services import post_create
from klankbord.strategy.models import PlanVersion
from klankbord.strategy.services import plan_step_save, plan_version_save
from klankbord.test import World
from klankbord.timekeeping.models import AdSpend, RunningTimer, TimeEntry
from klankbord.understanding.models import Correction

# Reachable without logging in, on purpose.
PUBLIC = {
    "login",
    "login_2fa",
    "logout",
    "language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    "healthz",
    "metrics",  # a bearer token (KLANKBORD_METRICS_TOKEN) or a staff member; else 401
    "favicon",
    "openapi",
    "api_docs",
    "api_not_found",
    "ical",
    "monitor_feed_atom",
    "monitor_feed_json",
    "plan_shared",
    "plan_shared_pdf",
    "report_shared",  # a read-only report address: an unguessable token, revocable
    "report_shared_pdf",
    "meta_webhook",  # Meta calls it: an unguessable address and a signed body, no login
    "threads_webhook",  # the same for the Threads app
    "whatsapp_webhook",  # Meta verifies it for one WhatsApp number: an unguessable address
    "public_image",  # Instagram and Threads fetch a post's image: a signed, expiring address
    "short_link",  # a tracked link in a post: anyone who clicks it is sent on to its target
}


def url_names() -> list[str]:
    return sorted(name for name in get_resolver().reverse_dict if isinstance(name, str))


def parameters(name: str) -> list[str]:
    possibilities = get_resolver().reverse_dict.getlist(name)[0][0]
    return list(possibilities[0][1])


def fill(name: str, world: World, objects: dict[str, object]) -> str:
    values = {param: objects[param] for param in parameters(name)}
    return reverse(name, kwargs=values)


@pytest.fixture
def objects(world: World) -> dict[str, object]:
    bob = Membership.objects.get(user=world.bob, organisation=world.org)
    invitation = Invitation.objects.create(
        organisation=world.org,
        email="new@bakkerij.test",
        role="editor",
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    token, _secret = api_token_create(user=world.alice, name="Alice's script")
    channel = Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="sandbox-alice", handle="alice"
    )
    post = post_create(
        organisation=world.org, author=world.alice, text="Verse pistolets", channels=[channel]
    )
    image = PostImage.objects.create(
        organisation=world.org,
        post=post,
        filename="brood.png",
        content=b"png",
        mime_type="image/png",
        width=1,
        height=1,
        size_bytes=3,
    )
    slot = QueueSlot.objects.create(channel=channel, weekday=0, time=time(9, 0))
    correction = Correction.objects.create(
        organisation=world.org, text="Die taart is ziek!", sentiment="positive"
    )
    monitor = Monitor.objects.create(organisation=world.org, name="Merk", query="bakkerij")
    webhook = Webhook.objects.create(organisation=world.org, url="https://example.org/hook")
    source = Source.objects.create(organisation=world.org, kind=Source.Kind.FEED, name="Nieuws")
    mention = Mention.objects.create(
        organisation=world.org, source=source, network="rss", remote_id="1", key="k1", text="Hallo"
    )
    media = MentionMedia.objects.create(
        organisation=world.org, mention=mention, kind="image", mime_type="image/png",
        size_bytes=3, sha256="0" * 64, content=b"png",
    )  # fmt: skip
    item = Item.objects.create(organisation=world.org, mention=mention)
    reply = Reply.objects.create(item=item, text="Dag!", idempotency_key="isolation-reply")
    saved = SavedReply.objects.create(organisation=world.org, title="Open", text="Dag {naam}")
    alice = Membership.objects.get(user=world.alice, organisation=world.org)
    plan = plan_step_save(organisation=world.org, key="goals", data={"goals": ["leads"]}, by=alice)
    version = plan_version_save(plan=plan, by=alice, note="eerste")
    job = ImportJob.objects.create(
        organisation=world.org, kind="mentions", filename="x.csv", content=b"", size_bytes=0
    )
    time_entry = TimeEntry.objects.create(
        organisation=world.org, member=world.alice, activity="writing", day=date(2026, 1, 5),
        minutes=30,
    )  # fmt: skip
    ad_spend = AdSpend.objects.create(
        organisation=world.org, start=date(2026, 1, 1), end=date(2026, 1, 31), amount=50
    )
    return {
        "job_id": job.pk,
        "entry_id": time_entry.pk,
        "spend_id": ad_spend.pk,
        "step": 1,
        "lang": "nl",
        "month": "2026-01",
        "version_id": version.pk,
        "item_id": item.pk,
        "reply_id": reply.pk,
        "media_id": media.pk,
        "mention_id": mention.pk,
        "saved_reply_id": saved.pk,
        "webhook_id": webhook.pk,
        "monitor_id": monitor.pk,
        "correction_id": correction.pk,
        "org_slug": world.org.slug,
        "post_id": post.pk,
        "target_id": post.targets.get().pk,
        "image_id": image.pk,
        "slot_id": slot.pk,
        "member_id": bob.pk,
        "invitation_id": invitation.pk,
        "token_id": token.pk,
        "channel_id": channel.pk,
        "token": "not-a-real-token",
        "client_report_id": ClientReport.objects.create(organisation=world.org, name="Jan").pk,
        "report_link_id": ReportLink.objects.create(
            organisation=world.org, **address_token()[1]
        ).pk,
        "code": "not-a-real-code",
        "table": "channels",
        "fmt": "csv",
        "key": "not-a-real-webhook-key",
        "uidb64": "MQ",
        "path": "",
    }


def test_every_url_parameter_is_known(objects: dict[str, object]) -> None:
    unknown = {(name, p) for name in url_names() for p in parameters(name) if p not in objects}
    assert not unknown, f"Describe these URL parameters in test_isolation.py: {unknown}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_member_of_another_organisation_gets_404_everywhere(
    world: World, objects: dict[str, object], charlie_client: Client, method: str
) -> None:
    checked = 0
    for name in url_names():
        if "org_slug" not in parameters(name):
            continue
        response = getattr(charlie_client, method)(fill(name, world, objects))
        assert response.status_code == 404, (name, method, response.status_code)
        checked += 1
    assert checked >= 10
    # Nothing of Alice's organisation changed.
    assert Membership.objects.filter(organisation=world.org).count() == 2
    assert Invitation.objects.filter(organisation=world.org).count() == 1
    assert Channel.objects.get(organisation=world.org).status == Channel.Status.CONNECTED
    assert Correction.objects.filter(organisation=world.org).count() == 1
    assert Monitor.objects.filter(organisation=world.org).count() == 1
    assert Webhook.objects.filter(organisation=world.org).count() == 1
    assert PlanVersion.objects.filter(organisation=world.org).count() == 1
    assert PlanVersion.objects.get().plan.goals == {"goals": ["leads"]}
    assert ClientReport.objects.filter(organisation=world.org).count() == 1
    assert ReportLink.objects.get(organisation=world.org).revoked_at is None
    assert TimeEntry.objects.get(organisation=world.org).minutes == 30
    assert AdSpend.objects.filter(organisation=world.org).count() == 1
    assert not RunningTimer.objects.exists()


def test_charlie_cannot_revoke_alices_api_token(
    world: World, objects: dict[str, object], charlie_client: Client
) -> None:
    response = charlie_client.post(fill("api_token_revoke", world, objects))
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=objects["token_id"]).revoked_at is None


def test_the_api_hides_other_organisations(world: World, charlie_client: Client) -> None:
    for path in ["", "/members", "/audit-events"]:
        response = charlie_client.get(f"/api/v1/organisations/{world.org.slug}{path}")
        assert response.status_code == 404, path
        assert response.json() == {"detail": response.json()["detail"]}
    listed = charlie_client.get("/api/v1/organisations").json()["results"]
    assert [org["slug"] for org in listed] == [world.other_org.slug]


def test_anonymous_visitors_are_sent_to_login_or_get_401(
    world: World, objects: dict[str, object], client: Client
) -> None:
    for name in url_names():
        if name in PUBLIC:
            continue
        url = fill(name, world, objects)
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 401, (name, response.status_code)
            assert "detail" in response.json()
        else:
            assert response.status_code == 302, (name, response.status_code)
            assert response["Location"].startswith(reverse("login")), name
