"""The composer refuses an image LinkedIn does not take, with the reason, before sending."""

import io
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from klankbord.channels.models import Channel
from klankbord.channels.tests.connected import connect_linkedin
from klankbord.channels.tests.fakes.linkedin import FakeLinkedIn
from klankbord.publishing.models import Post
from klankbord.publishing.services import image_upload
from klankbord.publishing.tests.test_views import tomorrow_at_ten
from klankbord.test import World


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


def webp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 400), (200, 160, 90)).save(buffer, format="WEBP")
    return buffer.getvalue()


def test_a_webp_image_is_refused_for_linkedin_with_the_formats_it_takes(
    world: World, alice_client: Client, fake_linkedin: FakeLinkedIn
) -> None:
    channel: Channel = connect_linkedin(world, fake_linkedin)
    image = image_upload(organisation=world.org, by=world.alice, filename="t.webp", content=webp())
    day, at = tomorrow_at_ten()
    response = alice_client.post(
        reverse("compose", kwargs={"org_slug": world.org.slug}),
        {
            "text": "Nieuwe taart",
            "images": [image.pk],
            f"alt_{image.pk}": "Taart",
            "channels": [channel.pk],
            "date": day,
            "time": at,
            "action": "schedule",
        },
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "LinkedIn takes only GIF, JPEG, PNG images; this one is WebP." in page
    assert not Post.objects.exists()
    assert fake_linkedin.requests_to("POST", r"/rest/images") == 0
