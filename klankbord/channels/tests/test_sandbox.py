"""The sandbox lets a newcomer try the whole loop without any account, and says what it is."""

from django.test import Client

from klankbord.channels import services
from klankbord.channels.models import Channel
from klankbord.channels.networks.base import OutgoingPost
from klankbord.test import World


def make_sandbox(client: Client, world: World) -> Channel:
    response = client.post(
        f"/o/{world.org.slug}/instellingen/kanalen/oefenen/", {"name": "Oefenbakkerij"}
    )
    assert response.status_code == 302
    return Channel.objects.get(organisation=world.org, network="sandbox")


def test_it_is_clearly_labelled_as_not_a_real_network(alice_client: Client, world: World) -> None:
    make_sandbox(alice_client, world)
    page = alice_client.get(f"/o/{world.org.slug}/instellingen/kanalen/").text
    assert "Sandbox — not a real network" in page


def test_it_accepts_a_post_once_and_answers_with_a_reply(
    alice_client: Client, world: World
) -> None:
    channel = make_sandbox(alice_client, world)
    connector = services.connector_for(channel)
    post = OutgoingPost(text="Proef", idempotency_key="k1")
    published = connector.publish(post)
    assert connector.publish(post) == published
    assert ".invalid/" in published.url
    channel.refresh_from_db()
    later = services.connector_for(channel)
    assert later.find_published(post) == published
    mentions = later.mentions("").mentions
    assert any(m.kind == "reply" and m.in_reply_to == published.remote_id for m in mentions)
    assert any("Oefenbakkerij" in m.text for m in mentions)


def test_its_mention_cursor_only_moves_forward(alice_client: Client, world: World) -> None:
    channel = make_sandbox(alice_client, world)
    connector = services.connector_for(channel)
    first = connector.mentions("")
    assert connector.mentions(first.cursor).mentions == []
    connector.publish(OutgoingPost(text="Nieuw", idempotency_key="k2"))
    assert [m.kind for m in connector.mentions(first.cursor).mentions] == ["reply"]


def test_search_finds_the_example_mentions(alice_client: Client, world: World) -> None:
    channel = make_sandbox(alice_client, world)
    hits = services.connector_for(channel).search("bakker leuven").mentions
    assert [m.author_name for m in hits] == ["Jeroen"]


def test_its_made_up_results_are_stable_and_include_views(
    alice_client: Client, world: World
) -> None:
    channel = make_sandbox(alice_client, world)
    connector = services.connector_for(channel)
    published = connector.publish(OutgoingPost(text="Verse pistolets", idempotency_key="k3"))
    first = connector.metrics([published.remote_id])[published.remote_id]
    assert first == connector.metrics([published.remote_id])[published.remote_id]
    assert first.views is not None and first.views >= 200 > (first.likes or 0)
