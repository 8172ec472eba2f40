"""A living demo business, so a newcomer sees the product working on an empty install."""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import Profile
from klankbord.channels.services import channel_connect
from klankbord.core.demo_results import seed_audience, seed_results
from klankbord.lib.dates import aware_from_local
from klankbord.orgs.models import Membership, Organisation, Role
from klankbord.orgs.selectors import local_today
from klankbord.orgs.services import audit_record, organisation_create

DEMO_ORG_NAME = "Bakkerij Vandevelde"
DEMO_OWNER_EMAIL = "an@bakkerij-vandevelde.be"
DEMO_TEAM = [
    ("pieter@bakkerij-vandevelde.be", "Pieter Vandevelde", Role.MANAGER),
    ("lotte@bakkerij-vandevelde.be", "Lotte Janssens", Role.EDITOR),
    ("jonas@bakkerij-vandevelde.be", "Jonas Peeters", Role.CONTRIBUTOR),
    ("sofie@reclamebureau-leuven.be", "Sofie Claes (bureau)", Role.CLIENT),
]


@dataclass(frozen=True)
class DemoLogin:
    organisation: Organisation
    email: str
    password: str


def demo_exists() -> bool:
    return Organisation.objects.filter(name=DEMO_ORG_NAME).exists()


def database_is_empty() -> bool:
    return not User.objects.exists() and not Organisation.objects.exists()


@transaction.atomic
def demo_seed() -> DemoLogin:
    password = secrets.token_urlsafe(12)
    owner = User.objects.create_user(
        email=DEMO_OWNER_EMAIL, password=password, name="An Vandevelde", language="nl-be"
    )
    org = organisation_create(name=DEMO_ORG_NAME, owner=owner, timezone_name="Europe/Brussels")
    for email, name, role in DEMO_TEAM:
        # Team members get no usable password: they are there to be seen, not to log in.
        member = User.objects.create_user(email=email, password=None, name=name)
        Membership.objects.create(organisation=org, user=member, role=role)
        audit_record(
            organisation=org,
            actor=owner,
            action="member.join",
            target=email,
            data={"role": role},
        )
    channel = channel_connect(
        organisation=org,
        network="sandbox",
        profile=Profile(
            external_id="sandbox-demo", handle="bakkerij-vandevelde", display_name=DEMO_ORG_NAME
        ),
        by=owner,
        settings={"display_name": DEMO_ORG_NAME},
    )
    seed_posts(org, owner, channel)
    seed_listening(org, owner)
    seed_plan(org, owner)
    seed_results(org, owner, channel)
    seed_audience(org, channel)
    return DemoLogin(organisation=org, email=owner.email, password=password)


DEMO_POSTS = [
    (1, time(7, 30), "Vers desembrood vanaf 7 uur! Wie komt proeven? 🍞 #Leuven #bakkerij"),
    (
        3,
        time(11, 0),
        "Nieuw deze week: speculaastaart voor Sinterklaas 🎁 Bestel tijdig in de winkel.",
    ),
    (6, time(9, 0), "Zaterdag proeverij van onze kerststollen, van 10 tot 12 uur. Welkom!"),
]


def seed_posts(org: Organisation, owner: User, channel: Channel) -> None:
    """A few planned posts and weekly slots, so the calendar of the demo is not empty."""
    from klankbord.publishing.models import QueueSlot
    from klankbord.publishing.services import post_create, post_schedule

    membership = Membership.objects.get(organisation=org, user=owner)
    today = local_today(org)
    for days, at, text in DEMO_POSTS:
        post = post_create(organisation=org, author=owner, text=text, channels=[channel])
        moment = aware_from_local(datetime.combine(today + timedelta(days=days), at), org.timezone)
        post_schedule(post=post, at=moment, by=membership)
    for weekday in (1, 3, 5):
        QueueSlot.objects.create(channel=channel, weekday=weekday, time=time(8, 30))


def seed_listening(org: Organisation, owner: User) -> None:
    """Two monitors; the sandbox's mentions arrive with the first read by the worker."""
    from klankbord.listening.alerts import rule_for
    from klankbord.listening.models import Monitor
    from klankbord.listening.services import sources_sync

    sources_sync(org)
    Monitor.objects.create(
        organisation=org, name="Bakkerij Vandevelde", kind="brand", query="bakkerij OR bakker*",
        created_by=owner,
    )  # fmt: skip
    Monitor.objects.create(
        organisation=org, name="Leads in de buurt", kind="trade",
        query="(taart OR brood OR catering) near:Leuven~20km", created_by=owner,
    )  # fmt: skip
    rule_for(Membership.objects.get(organisation=org, user=owner))


def seed_plan(org: Organisation, owner: User) -> None:
    """A complete plan with a first saved version: the start of the loop is never empty."""
    from klankbord.core.demo_plan import demo_plan
    from klankbord.strategy.models import Plan
    from klankbord.strategy.services import plan_step_save, plan_version_save

    membership = Membership.objects.get(organisation=org, user=owner)
    for key, data in demo_plan(local_today(org)).items():
        plan_step_save(organisation=org, key=key, data=data, by=membership)
    plan = Plan.objects.get(organisation=org)
    plan_version_save(plan=plan, by=membership, note="Eerste versie van het plan")


@transaction.atomic
def demo_reset_password() -> DemoLogin:
    owner = User.objects.get(email=DEMO_OWNER_EMAIL)
    password = secrets.token_urlsafe(12)
    owner.set_password(password)
    owner.save(update_fields=["password"])
    org = Organisation.objects.get(name=DEMO_ORG_NAME)
    return DemoLogin(organisation=org, email=owner.email, password=password)
