"""Planning many posts from a CSV file: each line checked as in the composer, bad lines
reported with their number, good lines kept."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from klankbord.channels.models import Channel
from klankbord.core.tests.workers import worker_at_hand
from klankbord.orgs.models import Role
from klankbord.publishing.models import Post, PostTarget
from klankbord.strategy.models import Plan
from klankbord.strategy.tests.plans import bakery_plan
from klankbord.test import World

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
Status = PostTarget.Status


def upload(client: Client, world: World, content: str, name: str = "december.csv") -> str:
    """The page after the upload: the form with its errors, or the import's result."""
    with time_machine.travel(NOW, tick=False), worker_at_hand():
        response = client.post(
            reverse("publish_bulk", args=[world.org.slug]),
            {"file": SimpleUploadedFile(name, content.encode(), content_type="text/csv")},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    if response.status_code == 302:
        response = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    return response.content.decode()


def test_good_lines_are_planned_and_bad_ones_reported_by_line(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    Plan.objects.create(organisation=world.org, **bakery_plan())
    shown = upload(
        alice_client,
        world,
        "date;time;text;channels;pillar\n"
        "2026-12-05;08:30;Sinterklaasbrood vers uit de oven!;sandbox;Tips\n"
        "05/12/2026;19:30;Speculaas, zo maken we hem.;;\n"
        "2026-11-01;09:00;Te laat;;\n"
        "2026-12-40;09:00;Geen datum;;\n"
        "2026-12-06;9 uur;Geen tijd;;\n"
        ";;;;\n"
        "2026-12-07;10:00;;;\n"
        "2026-12-08;10:00;Onbekend kanaal;facebook;\n"
        "2026-12-09;10:00;Onbekende pijler;;Recepten\n",
    )
    planned = PostTarget.objects.filter(status=Status.SCHEDULED).order_by("scheduled_at")
    assert [(t.post.text, t.scheduled_at, t.post.pillar) for t in planned] == [
        ("Sinterklaasbrood vers uit de oven!", datetime(2026, 12, 5, 7, 30, tzinfo=UTC), "Tips"),
        ("Speculaas, zo maken we hem.", datetime(2026, 12, 5, 18, 30, tzinfo=UTC), ""),
    ]
    assert Post.objects.count() == 2  # nothing of a bad line stays behind
    assert "2 posts planned." in shown
    for expected in [
        "Line 4: That moment has already passed.",
        "Line 5: The date is not a date (use 2026-12-24).",
        "Line 6: The time is not a time (use 09:30).",
        "Line 8: Write something first.",
        "Line 9: “facebook” is not a connected channel that can publish.",
        "Line 10: “Recepten” is not a content pillar of your plan.",
    ]:
        assert expected in shown, expected
    assert "Line 7" not in shown  # an empty line is skipped


def test_a_contributors_posts_wait_for_approval(world: World, sandbox: Channel) -> None:
    client = Client()
    client.force_login(world.member(Role.CONTRIBUTOR))
    upload(client, world, "date,time,text\n2026-12-05,08:30,Kerststol bestellen kan nu\n")
    assert PostTarget.objects.get().status == Status.AWAITING_APPROVAL


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("dag;moment;bericht\n2026-12-05;08:30;Hallo\n", "The first line must name the columns"),
        ("date;time;text\n" + "x" * 2_000_000, "This file is 1.9\xa0MB; files up to 1.0\xa0MB"),
    ],
)
def test_a_file_that_cannot_be_read_plans_nothing(
    world: World, alice_client: Client, sandbox: Channel, content: str, message: str
) -> None:
    assert message in upload(alice_client, world, content)
    assert not Post.objects.exists()


def test_at_most_500_posts_are_read(world: World, alice_client: Client, sandbox: Channel) -> None:
    lines = "".join(f"2026-12-05;08:30;Bericht {n}\n" for n in range(501))
    shown = upload(alice_client, world, "date;time;text\n" + lines)
    assert Post.objects.count() == 500
    assert "Line 502: More than 500 posts: the rest was not read." in shown


def test_a_client_viewer_cannot_and_outsiders_get_404(world: World, charlie_client: Client) -> None:
    viewer = Client()
    viewer.force_login(world.member(Role.CLIENT))
    url = reverse("publish_bulk", args=[world.org.slug])
    assert viewer.get(url).status_code == 403
    assert charlie_client.get(url).status_code == 404


def test_the_columns_may_have_dutch_or_french_names(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    upload(
        alice_client,
        world,
        "Datum;Tijd;Tekst;Kanalen\n2026-12-05;08:30;Verse pistolets;@oefenbakker\n",
    )
    upload(alice_client, world, "date;heure;texte\n2026-12-06;08:30;Pain frais\n")
    assert sorted(Post.objects.values_list("text", flat=True)) == ["Pain frais", "Verse pistolets"]


def test_a_text_too_long_for_its_network_is_reported(world: World, alice_client: Client) -> None:
    Channel.objects.create(
        organisation=world.org, network="bluesky", external_id="did:plc:x", handle="@bakker.bsky"
    )
    shown = upload(alice_client, world, f"date;time;text\n2026-12-05;08:30;{'brood ' * 60}\n")
    assert "Line 2: @bakker.bsky: This is" in shown and "too long for Bluesky" in shown
    assert not Post.objects.exists()


def test_the_command_line_plans_them_as_a_member(
    world: World, sandbox: Channel, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "december.csv"
    path.write_text("date;time;text\n2026-12-05;08:30;Verse pistolets\n2026-12-40;08:30;Fout\n")
    with time_machine.travel(NOW, tick=False):
        call_command(
            "publish", "import", str(path), "--org", world.org.slug, "--as", "alice@bakkerij.test"
        )
    out, err = capsys.readouterr()
    assert out.strip() == "1 post planned, 1 line not planned"
    assert "line 3: The date is not a date (use 2026-12-24).; not planned" in err
    assert PostTarget.objects.get().status == Status.SCHEDULED
    with pytest.raises(CommandError, match="is not a member"):
        call_command(
            "publish", "import", str(path), "--org", world.org.slug, "--as", "charlie@garage.test"
        )


@pytest.mark.parametrize("with_plan", [False, True])
def test_the_example_on_the_page_plans_as_it_is(
    world: World, alice_client: Client, sandbox: Channel, with_plan: bool
) -> None:
    """A new user copies the example: its days lie ahead, its channel is one they have and its
    pillars are their plan's."""
    if with_plan:
        Plan.objects.create(organisation=world.org, **bakery_plan())
    with time_machine.travel(NOW, tick=False):
        page = alice_client.get(reverse("publish_bulk", args=[world.org.slug])).content.decode()
    example = page.split('<pre class="example">')[1].split("</pre>")[0]
    assert "2026-11-27;08:30" in example  # three days ahead
    assert ";sandbox;" in example

    upload(alice_client, world, example)

    assert PostTarget.objects.filter(status=Status.SCHEDULED).count() == 2
