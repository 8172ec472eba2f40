"""The review page puts the plan next to what happened since the last review; saving it keeps the
figures and the notes as a version and plans the next evaluation."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from klankbord.accounts.models import User
from klankbord.channels.models import Channel
from klankbord.orgs.models import Membership, Role
from klankbord.publishing.models import Post, PostTarget
from klankbord.strategy import services
from klankbord.strategy.models import Plan, PlanVersion
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
BASE = "/o/bakkerij-alice/plan/"
REVIEW = f"{BASE}evaluatie/"
NOW = datetime(2027, 4, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def plan(world: World, alice: Membership) -> Plan:
    steps = bakery_plan()
    steps["kpis"]["kpis"] = [
        {"goal": "awareness", "indicator": "posts", "target": 8, "period": "month",
         "metric": "posts_published", "evaluate_on": ""},
        {"goal": "loyalty", "indicator": "bereik", "target": 5000, "period": "month",
         "metric": "", "evaluate_on": ""},
    ]  # fmt: skip
    with time_machine.travel(datetime(2027, 1, 1, 9, 0, tzinfo=UTC), tick=False):
        for key, data in steps.items():
            services.plan_step_save(organisation=world.org, key=key, data=data, by=alice)
    return Plan.objects.get(organisation=world.org)


@pytest.fixture
def posts(world: World) -> None:
    """13 Facebook posts in the 13 weeks before NOW: one a week, half the plan's two."""
    channel = Channel.objects.create(organisation=world.org, network="facebook", external_id="fb",
                                     handle="@bakkerij")  # fmt: skip
    for week in range(13):
        post = Post.objects.create(organisation=world.org, text=f"Week {week}")
        PostTarget.objects.create(
            post=post, channel=channel, text=post.text, status=PostTarget.Status.PUBLISHED,
            published_at=NOW - timedelta(days=3 + 7 * week),
        )  # fmt: skip


def logged_in(user: User) -> Client:
    client = Client()
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
    return client


def at_now(call: Any, *args: Any, **kwargs: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return call(*args, **kwargs)


def test_the_review_page_compares_the_plan_with_what_happened(
    world: World, plan: Plan, posts: None
) -> None:
    page = at_now(logged_in(world.alice).get, REVIEW).content.decode()
    assert "From Jan. 1, 2027 to April 1, 2027." in page  # three months back
    # 13 posts over 91 days is 4.3 a month against a target of 8.
    assert "4.3 per month" in page
    assert "Behind target" in page
    assert "Measured by Klankbord: Posts published" in page
    assert 'name="actual_1"' in page and 'name="actual_0"' not in page
    assert "Entered by the team" in page
    assert "<td>Facebook</td><td>2</td><td>1</td>" in page  # planned vs published per week
    assert "Target: an answer within 120 working minutes." in page
    assert "Planned: € 808.33 a month." in page
    assert "What worked? What do you change?" in page


def test_saving_the_review_keeps_its_figures_and_plans_the_next_one(
    world: World, plan: Plan, posts: None
) -> None:
    alice = logged_in(world.alice)
    response = at_now(alice.post, REVIEW, {"actual_1": "6200", "notes": "Reels werken."})
    version = PlanVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}versies/{version.pk}/"
    assert version.kind == PlanVersion.Kind.REVIEW
    review = version.data["review"]
    assert review["period"] == {"start": "2027-01-01", "end": "2027-04-01"}
    assert [(row["indicator"], row["target"], row["actual"], row["status"], row["source"])
            for row in review["kpis"]] == [
        ("posts", 8, 4.3, "behind", "measured"),
        ("bereik", 5000, 6200.0, "achieved", "entered"),
    ]  # fmt: skip
    assert review["notes"] == "Reels werken."
    assert version.steps["goals"] == plan.goals  # the plan as it stood
    plan.refresh_from_db()
    assert plan.next_review_on == date(2027, 7, 1)
    page = at_now(alice.get, response["Location"]).content.decode()
    assert "Reels werken." in page and "Achieved" in page and "6,200" in page
    assert f'href="{BASE}stap/6/"' in page  # adjust the plan, step by step
    listing = at_now(alice.get, f"{BASE}versies/").content.decode()
    assert "Review" in listing and "Reels werken." in listing


def test_the_next_review_starts_where_the_last_one_ended(
    world: World, alice: Membership, plan: Plan
) -> None:
    with time_machine.travel(datetime(2027, 2, 10, 10, 0, tzinfo=UTC), tick=False):
        services.plan_review_save(plan=plan, by=alice, record={"kpis": [], "notes": ""})
    page = at_now(logged_in(world.alice).get, REVIEW).content.decode()
    assert "From Feb. 10, 2027 to April 1, 2027." in page


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("veel", "Enter the actual of “bereik” as a number, e.g. 42."),
        ("-5", "The actual of “bereik” cannot be negative."),
    ],
)
def test_a_wrong_actual_is_explained_and_nothing_is_stored(
    world: World, plan: Plan, typed: str, message: str
) -> None:
    response = at_now(logged_in(world.alice).post, REVIEW, {"actual_1": typed, "notes": "x"})
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "nothing was saved yet" in page
    assert not PlanVersion.objects.exists()
    assert Plan.objects.get().next_review_on == plan.next_review_on


def test_an_actual_may_stay_empty(world: World, plan: Plan) -> None:
    response = at_now(logged_in(world.alice).post, REVIEW, {"actual_1": "", "notes": ""})
    assert response.status_code == 302
    [_posts, reach] = PlanVersion.objects.get().data["review"]["kpis"]
    assert (reach["actual"], reach["status"]) == (None, "manual")


def test_a_client_reads_the_review_but_cannot_save_it(world: World, plan: Plan) -> None:
    client = logged_in(world.member(Role.CLIENT))
    page = at_now(client.get, REVIEW).content.decode()
    assert "You can read the review" in page
    assert "Save the review" not in page
    assert at_now(client.post, REVIEW, {"actual_1": "1"}).status_code == 403
    assert not PlanVersion.objects.exists()


def test_without_a_plan_the_review_page_sends_you_to_the_steps(world: World) -> None:
    response = at_now(logged_in(world.alice).get, REVIEW, follow=True)
    assert "Fill in at least one step before evaluating the plan." in response.content.decode()


def test_an_outsider_gets_404(world: World, plan: Plan) -> None:
    assert at_now(logged_in(world.charlie).get, REVIEW).status_code == 404
