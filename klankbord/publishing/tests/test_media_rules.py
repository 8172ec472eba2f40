"""The composer says which images a network would refuse, and how to fix them."""

import io
from collections.abc import Iterator

import pytest
from django.utils import translation
from PIL import Image

from klankbord.publishing.media_rules import (
    IMAGE_RULES,
    ImageInfo,
    check_images,
    inspect_image,
    ratio_label,
)

MB = 1_000_000
BY = "\N{MULTIPLICATION SIGN}"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def image_bytes(width: int, height: int, image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 150, 90)).save(buffer, format=image_format)
    return buffer.getvalue()


def jpeg(width: int = 1080, height: int = 1080, size: int = 200_000) -> ImageInfo:
    return ImageInfo(width=width, height=height, size_bytes=size, mime_type="image/jpeg")


@pytest.mark.parametrize(
    ("image_format", "mime_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("GIF", "image/gif"), ("WEBP", "image/webp")],
)
def test_it_reads_size_and_type_of_the_formats_we_take(image_format: str, mime_type: str) -> None:
    content = image_bytes(64, 48, image_format)
    assert inspect_image(content) == ImageInfo(64, 48, len(content), mime_type)


def test_it_refuses_other_image_formats() -> None:
    with pytest.raises(ValueError, match="JPEG, PNG, GIF and WebP images; this one is BMP"):
        inspect_image(image_bytes(8, 8, "BMP"))


def test_it_refuses_a_file_that_is_not_an_image() -> None:
    with pytest.raises(ValueError, match="not an image, or it is damaged"):
        inspect_image(b"%PDF-1.7 this is a price list")


def test_it_refuses_a_damaged_image() -> None:
    damaged = image_bytes(64, 64, "PNG")[:-30]
    with pytest.raises(ValueError, match="not an image, or it is damaged"):
        inspect_image(damaged)


def test_it_refuses_a_decompression_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    content = image_bytes(100, 100, "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 6_000)  # Pillow warns above, fails above twice
    with pytest.raises(ValueError, match="too many pixels"):
        inspect_image(content)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 4_000)
    with pytest.raises(ValueError, match="too many pixels"):
        inspect_image(content)


def test_images_within_the_rules_have_no_problems() -> None:
    for network in IMAGE_RULES:
        if network != "rss":
            assert check_images(network, [jpeg()]) == [], network


def test_too_many_images_is_a_problem_of_the_whole_post() -> None:
    [problem] = check_images("bluesky", [jpeg()] * 5)
    assert problem.index is None
    assert problem.message == "Bluesky takes at most 4 images per post; this post has 5."
    assert problem.hint == "Remove 1 image or spread them over more posts."
    assert check_images("instagram", [jpeg()] * 10) == []


def test_a_feed_takes_no_images() -> None:
    [problem] = check_images("rss", [jpeg()])
    assert (problem.index, problem.message) == (None, "RSS feed takes no images.")
    assert check_images("rss", []) == []


def test_an_image_over_bluesky_s_million_bytes_is_too_big() -> None:
    assert check_images("bluesky", [jpeg(size=1_000_000)]) == []
    [problem] = check_images("bluesky", [jpeg(), jpeg(size=1_000_001)])
    assert problem.index == 1
    assert problem.message == "Bluesky takes images up to 1 MB; this one is 1.1 MB."
    assert problem.hint == "Save it again at 85 % quality or make it smaller than 1 MB."


def test_a_big_png_is_advised_to_become_a_jpeg() -> None:
    big_png = ImageInfo(4000, 3000, 7 * MB, "image/png")
    [problem] = check_images("x", [big_png])
    assert problem.message == "X takes images up to 5 MB; this one is 7 MB."
    assert problem.hint == "Save it as JPEG at 85 % quality or make it smaller than 5 MB."


def test_mastodon_takes_images_up_to_16_mebibytes() -> None:
    assert check_images("mastodon", [jpeg(size=16 * 1024 * 1024)]) == []
    [problem] = check_images("mastodon", [jpeg(size=16 * 1024 * 1024 + 1)])
    assert problem.message == "Mastodon takes images up to 16.7 MB; this one is 16.8 MB."


def test_instagram_takes_only_jpeg() -> None:
    [problem] = check_images("instagram", [ImageInfo(1080, 1080, 300_000, "image/png")])
    assert problem.message == "Instagram takes only JPEG images; this one is PNG."
    assert problem.hint == "Save it as JPEG."


def test_threads_takes_jpeg_and_png_but_not_webp() -> None:
    [problem] = check_images("threads", [ImageInfo(1080, 1080, 300_000, "image/webp")])
    assert problem.message == "Threads takes only JPEG, PNG images; this one is WebP."


def test_a_story_shaped_image_is_too_tall_for_instagram() -> None:
    [problem] = check_images("instagram", [jpeg(1080, 1920)])
    assert problem.index == 0
    assert problem.message == (
        "Instagram takes images from 4:5 (tall) to 1.91:1 (wide); this image is 9:16."
    )
    assert problem.hint == (
        f"Crop it to 4:5 (1080{BY}1350) or fit it on a 4:5 canvas (1536{BY}1920) with borders."
    )


def test_a_panorama_is_too_wide_for_instagram() -> None:
    [problem] = check_images("instagram", [jpeg(3000, 1000)])
    assert problem.message.endswith("this image is 3:1.")
    assert problem.hint == (
        f"Crop it to 1.91:1 (1910{BY}1000) "
        f"or fit it on a 1.91:1 canvas (3000{BY}1571) with borders."
    )


def test_the_edges_of_instagram_s_range_are_allowed() -> None:
    assert check_images("instagram", [jpeg(1080, 1350), jpeg(1910, 1000)]) == []
    assert check_images("mastodon", [jpeg(1080, 1920), jpeg(3000, 1000)]) == []


def test_linkedin_refuses_images_over_36_megapixels() -> None:
    [problem] = check_images("linkedin", [jpeg(8000, 6000, 4 * MB)])
    assert (
        problem.message
        == f"LinkedIn takes images up to 36.15 megapixels; this one is 8000{BY}6000."
    )
    assert problem.hint == f"Scale it down, for example to 6942{BY}5207."


def test_one_image_can_have_several_problems() -> None:
    problems = check_images("instagram", [ImageInfo(1080, 1920, 9 * MB, "image/png")])
    assert [p.index for p in problems] == [0, 0, 0]
    assert [p.message.split(";")[0] for p in problems] == [
        "Instagram takes only JPEG images",
        "Instagram takes images up to 8 MB",
        "Instagram takes images from 4:5 (tall) to 1.91:1 (wide)",
    ]


def test_ratios_are_named_as_people_know_them() -> None:
    assert ratio_label(1080, 1920) == "9:16"
    assert ratio_label(1200, 628) == "1.91:1"
    assert ratio_label(4032, 3024) == "4:3"
    assert ratio_label(1000, 700) == "10:7"
    assert ratio_label(2370, 1000) == "2.37:1"
    assert ratio_label(1000, 4100) == "1:4.10"


def test_an_unknown_network_is_an_error() -> None:
    with pytest.raises(ValueError, match="myspace"):
        check_images("myspace", [jpeg()])
