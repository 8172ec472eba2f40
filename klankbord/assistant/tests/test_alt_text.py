"""Alt text from the writing help: only for a model that reads images, which gets the image
itself (our media addresses are not for outside servers), and only the organisation's own."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from klankbord.assistant.models import Connection
from klankbord.assistant.tests.fake_llm import FakeLLM
from klankbord.channels.models import Channel
from klankbord.publishing.models import PostImage
from klankbord.publishing.services import image_upload
from klankbord.test import World


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 160, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def image(world: World) -> PostImage:
    return image_upload(organisation=world.org, by=world.alice, filename="brood.png", content=png())


def ask(client: Client, world: World, image: PostImage) -> object:
    return client.post(
        reverse("assistant_suggest", args=[world.org.slug]),
        {"kind": "alt_text", "image": image.pk, "text": "Ons brood", "language": "nl-BE"},
    )


def test_a_model_that_reads_images_gets_the_image_itself(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, image: PostImage
) -> None:
    connection.accepts_images = True
    connection.save()
    fake_llm.answer = lambda messages: "Drie desembroden op een houten toog"
    response = ask(alice_client, world, image)
    assert response.json() == {"text": "Drie desembroden op een houten toog"}
    parts = fake_llm.requests[0]["messages"][1]["content"]
    assert parts[1]["image_url"]["url"].startswith("data:image/png;base64,")
    Channel.objects.create(organisation=world.org, network="sandbox", external_id="s1")
    page = alice_client.get(reverse("compose", args=[world.org.slug])).content.decode()
    assert "Ons brood" not in page  # nothing was put in a post by itself


def test_a_model_that_does_not_read_images_is_not_asked(
    world: World, alice_client: Client, connection: Connection, fake_llm: FakeLLM, image: PostImage
) -> None:
    response = ask(alice_client, world, image)
    assert response.status_code == 400
    assert response.json()["kind"] == "no_images"
    assert fake_llm.requests == []


def test_another_organisations_image_is_not_found(
    world: World, charlie_client: Client, fake_llm: FakeLLM, image: PostImage
) -> None:
    Connection.objects.create(
        organisation=world.other_org, enabled=True, base_url=fake_llm.base_url, model="m",
        accepts_images=True,
    )  # fmt: skip
    response = charlie_client.post(
        reverse("assistant_suggest", args=[world.other_org.slug]),
        {"kind": "alt_text", "image": image.pk, "text": "x"},
    )
    assert response.status_code == 404
    assert fake_llm.requests == []
