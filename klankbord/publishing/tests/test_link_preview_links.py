"""A link preview keeps only an http(s) address: a javascript:, data: or vbscript: address sent
with the composer (or fetched) is not stored on the post, so nothing can show or send it."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_httpserver import HTTPServer

from klankbord.channels.models import Channel
from klankbord.publishing.links import fetch_preview
from klankbord.publishing.models import Post
from klankbord.test import World

pytestmark = pytest.mark.django_db


def compose(client: Client, world: World, channel: Channel, link_url: str) -> Post:
    client.post(
        reverse("compose", kwargs={"org_slug": world.org.slug}),
        {"text": "Verse desem vandaag", "channels": [channel.pk], "action": "draft",
         "link_url": link_url, "link_title": "Klik hier", "link_site": "bakkerij.test"},
    )  # fmt: skip
    return Post.objects.latest("pk")


@pytest.mark.parametrize(
    "link_url",
    [
        "javascript:alert(document.domain)",
        " JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.test/x",
    ],
)
def test_a_preview_with_an_executable_address_is_not_kept(
    world: World, alice_client: Client, sandbox: Channel, link_url: str
) -> None:
    post = compose(alice_client, world, sandbox, link_url)
    assert post.link_preview == {}
    page = alice_client.get(reverse("post_detail", args=[world.org.slug, post.pk])).content
    assert b"Klik hier" not in page and b"alert(" not in page


def test_a_preview_of_an_http_address_is_kept(
    world: World, alice_client: Client, sandbox: Channel
) -> None:
    post = compose(alice_client, world, sandbox, "https://bakkerij.test/desem")
    assert post.link_preview["url"] == "https://bakkerij.test/desem"


def test_a_fetched_preview_names_the_http_address_it_read(httpserver: HTTPServer) -> None:
    page = '<title>Desem</title><meta property="og:url" content="javascript:alert(1)">'
    httpserver.expect_request("/desem").respond_with_data(page, content_type="text/html")
    preview = fetch_preview(httpserver.url_for("/desem"), allow_loopback=True)
    assert preview["url"] == httpserver.url_for("/desem") and preview["title"] == "Desem"
