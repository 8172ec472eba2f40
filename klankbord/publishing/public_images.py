"""Signed, expiring addresses of a post's images, for networks that fetch an image themselves.

Instagram and Threads take an `image_url` and download it from us; they send no cookie, so the
address itself is the permission: signed with SECRET_KEY, naming one image, valid two days.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from klankbord.publishing.models import PostImage

SALT = "klankbord.publishing.public-image"
# Instagram fetches the image when the container is created; a container lives 24 hours.
VALID_SECONDS = 2 * 24 * 3600


def has_public_address() -> bool:
    # A network fetches over HTTPS from the internet: a plain http:// SITE_URL is this machine.
    return settings.SITE_URL.startswith("https://")


def public_image_url(image: PostImage) -> str:
    """The address a network can fetch this image from, or "" without a public HTTPS SITE_URL."""
    if not has_public_address():
        return ""
    token = signing.dumps(image.pk, salt=SALT, compress=True)
    return settings.SITE_URL + reverse("public_image", args=[token])


def image_for_token(token: str) -> PostImage | None:
    try:
        image_id = signing.loads(token, salt=SALT, max_age=VALID_SECONDS)
    except signing.BadSignature:  # also expired
        return None
    if not isinstance(image_id, int):
        return None
    return PostImage.objects.filter(pk=image_id, post__isnull=False).first()
