"""The signed addresses Instagram and Threads fetch a post's images from."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from klankbord.channels.models import Channel
from klankbord.publishing.models import PostImage, PostTarget
from klankbord.publishing.public_images import SALT, public_image_url
from klankbord.publishing.scheduler import outgoing
from klankbord.publishing.services import post_create
from klankbord.test import World

PUBLIC = "https://klankbord.example.be"


def _image(world: World, sandbox: Channel, *, on_post: bool = True) -> PostImage:
    post = post_create(
        organisation=world.org, author=world.alice, text="Verse pistolets", channels=[sandbox]
    )
    return PostImage.objects.create(
        organisation=world.org, post=post if on_post else None, filename="brood.jpg",
        content=b"\xff\xd8jpeg", mime_type="image/jpeg", width=1080, height=1080, size_bytes=6,
    )  # fmt: skip


def _path(url: str) -> str:
    assert url.startswith(PUBLIC + "/")
    return url.removeprefix(PUBLIC)


@override_settings(SITE_URL=PUBLIC)
def test_a_network_fetches_the_image_without_logging_in(world: World, sandbox: Channel) -> None:
    image = _image(world, sandbox)
    response = Client().get(_path(public_image_url(image)))
    assert response.status_code == 200
    assert response.content == b"\xff\xd8jpeg"
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"


@override_settings(SITE_URL=PUBLIC)
def test_the_scheduler_gives_each_image_its_public_address(world: World, sandbox: Channel) -> None:
    image = _image(world, sandbox)
    target = PostTarget.objects.get(post=image.post)
    (media,) = outgoing(target).media
    assert Client().get(_path(media.url)).content == b"\xff\xd8jpeg"


@override_settings(SITE_URL="http://127.0.0.1:8000")
def test_without_a_public_https_address_there_is_none(world: World, sandbox: Channel) -> None:
    assert public_image_url(_image(world, sandbox)) == ""


@pytest.mark.parametrize(
    "token",
    [
        "1",  # a bare image number
        signing.dumps(1, salt="another purpose"),
        signing.dumps("1", salt=SALT),
    ],
)
def test_an_unsigned_or_foreign_token_shows_nothing(
    world: World, sandbox: Channel, token: str
) -> None:
    _image(world, sandbox)
    response = Client().get(reverse("public_image", args=[token]))
    assert response.status_code == 404


@override_settings(SITE_URL=PUBLIC)
def test_an_expired_address_and_an_unsaved_upload_show_nothing(
    world: World, sandbox: Channel
) -> None:
    draft = _image(world, sandbox, on_post=False)
    assert Client().get(_path(public_image_url(draft))).status_code == 404
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = public_image_url(_image(world, sandbox))
    assert Client().get(_path(old)).status_code == 404
