"""Which images each network takes, and what to do with one it would refuse.

Checked in the composer before anything is uploaded; nothing here touches the database.
"""

import io
import math
import warnings
from dataclasses import dataclass

from babel.numbers import format_decimal
from django.utils.translation import get_language, ngettext, to_locale
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from klankbord.publishing.counting import network_label

MB = 1_000_000  # Where a network says "MB" without saying how many bytes, we read the smaller.
MIB = 1024 * 1024
FORMATS = {
    "JPEG": "image/jpeg",
    # Pillow's name for the JPEGs some phones write; their first picture is a plain JPEG.
    "MPO": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}
FORMAT_NAMES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP"}
COMMON_RATIOS = [(1, 1), (4, 5), (5, 4), (3, 4), (4, 3), (2, 3), (3, 2), (9, 16), (16, 9)]
COMMON_RATIOS += [(1, 2), (2, 1), (1, 3), (3, 1), (191, 100), (100, 191)]


@dataclass(frozen=True)
class ImageInfo:
    width: int
    height: int
    size_bytes: int
    mime_type: str

    @property
    def ratio(self) -> float:
        return self.width / self.height


@dataclass(frozen=True)
class ImageRule:
    max_bytes: int
    max_count: int
    mime_types: frozenset[str]
    # Narrowest and widest width:height, e.g. ("4:5", "1.91:1"); None: any shape.
    aspect: tuple[str, str] | None = None
    max_pixels: int | None = None


@dataclass(frozen=True)
class ImageProblem:
    index: int | None  # which image (from 0), or None for the set as a whole
    message: str
    hint: str


ALL = frozenset(FORMAT_NAMES)
IMAGE_RULES: dict[str, ImageRule] = {
    # Mastodon 4.x defaults, per instance: /api/v2/instance media_attachments.image_size_limit.
    "mastodon": ImageRule(max_bytes=16 * MIB, max_count=4, mime_types=ALL),
    # app.bsky.embed.images lexicon: maxSize 1000000, at most 4 images.
    "bluesky": ImageRule(max_bytes=1_000_000, max_count=4, mime_types=ALL),
    # X media best practices: images up to 5 MB (GIFs 15 MB), at most 4.
    "x": ImageRule(max_bytes=5 * MB, max_count=4, mime_types=ALL),
    # LinkedIn Images API: JPG, PNG, GIF under 36,152,320 pixels; MultiImage API: up to 20.
    # LinkedIn documents no byte limit; 5 MB is what publishing tools report it enforcing.
    "linkedin": ImageRule(
        max_bytes=5 * MB,
        max_count=20,
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif"}),
        max_pixels=36_152_320,
    ),
    # Graph API photo uploads: JPEG, PNG, GIF (and BMP, TIFF); page photos up to 10 MB.
    # Meta documents no maximum for multi-photo posts; 10 is what publishing tools use.
    "facebook": ImageRule(
        max_bytes=10 * MB,
        max_count=10,
        mime_types=frozenset({"image/jpeg", "image/png", "image/gif"}),
    ),
    # Instagram content publishing: JPEG only, 8 MB, 4:5 to 1.91:1, carousels of up to 10.
    "instagram": ImageRule(
        max_bytes=8 * MB,
        max_count=10,
        mime_types=frozenset({"image/jpeg"}),
        aspect=("4:5", "1.91:1"),
    ),
    # Threads API: JPEG and PNG, 8 MB, aspect ratio up to 10:1, carousels of up to 20.
    "threads": ImageRule(
        max_bytes=8 * MB,
        max_count=20,
        mime_types=frozenset({"image/jpeg", "image/png"}),
        aspect=("1:10", "10:1"),
    ),
    # Business Profile local posts: one photo, JPG or PNG, fetched by Google from sourceUrl; 5 MB.
    "google": ImageRule(
        max_bytes=5 * MB, max_count=1, mime_types=frozenset({"image/jpeg", "image/png"})
    ),
    "sandbox": ImageRule(max_bytes=10 * MB, max_count=4, mime_types=ALL),
    "rss": ImageRule(max_bytes=0, max_count=0, mime_types=frozenset()),
}


def inspect_image(content: bytes) -> ImageInfo:
    """Read an upload's size and format; ValueError if it is not an image we take."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its pixel limit and twice that; we refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format, (width, height) = image.format or "", image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(
            _("This image has too many pixels to handle safely. Make it smaller and try again.")
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValueError(_("This file is not an image, or it is damaged.")) from error
    if image_format not in FORMATS:
        raise ValueError(
            _("Klankbord takes JPEG, PNG, GIF and WebP images; this one is %(format)s.")
            % {"format": image_format}
        )
    return ImageInfo(width, height, len(content), FORMATS[image_format])


def check_images(network: str, images: list[ImageInfo]) -> list[ImageProblem]:
    if network not in IMAGE_RULES:
        raise ValueError(f"unknown network {network!r}")
    rule = IMAGE_RULES[network]
    label = network_label(network)
    problems = count_problems(rule, label, len(images))
    for index, image in enumerate(images):
        problems += [
            ImageProblem(index, message, hint)
            for message, hint in image_problems(rule, label, image)
        ]
    return problems


def count_problems(rule: ImageRule, label: str, count: int) -> list[ImageProblem]:
    if rule.max_count == 0 and count:
        return [ImageProblem(None, _("%(network)s takes no images.") % {"network": label}, "")]
    if count <= rule.max_count:
        return []
    extra = count - rule.max_count
    message = ngettext(
        "%(network)s takes at most %(max)s image per post; this post has %(count)s.",
        "%(network)s takes at most %(max)s images per post; this post has %(count)s.",
        rule.max_count,
    ) % {"network": label, "max": rule.max_count, "count": count}
    hint = ngettext(
        "Remove %(extra)s image or spread them over more posts.",
        "Remove %(extra)s images or spread them over more posts.",
        extra,
    ) % {"extra": extra}
    return [ImageProblem(None, message, hint)]


def image_problems(rule: ImageRule, label: str, image: ImageInfo) -> list[tuple[str, str]]:
    if rule.max_count == 0:
        return []
    found = []
    if image.mime_type not in rule.mime_types:
        found.append(format_problem(rule, label, image))
    if image.size_bytes > rule.max_bytes:
        found.append(size_problem(rule, label, image))
    if rule.max_pixels and image.width * image.height > rule.max_pixels:
        found.append(pixel_problem(rule.max_pixels, label, image))
    if rule.aspect:
        found += aspect_problems(rule.aspect, label, image)
    return found


def format_problem(rule: ImageRule, label: str, image: ImageInfo) -> tuple[str, str]:
    allowed = sorted(FORMAT_NAMES[mime] for mime in rule.mime_types)
    message = _("%(network)s takes only %(formats)s images; this one is %(format)s.") % {
        "network": label,
        "formats": ", ".join(allowed),
        "format": format_name(image.mime_type),
    }
    return message, _("Save it as %(format)s.") % {"format": allowed[0]}


def size_problem(rule: ImageRule, label: str, image: ImageInfo) -> tuple[str, str]:
    message = _("%(network)s takes images up to %(max)s; this one is %(size)s.") % {
        "network": label,
        "max": megabytes(rule.max_bytes),
        "size": megabytes(image.size_bytes, up=True),
    }
    if image.mime_type == "image/jpeg":
        hint = _("Save it again at 85 %% quality or make it smaller than %(max)s.")
    else:
        hint = _("Save it as JPEG at 85 %% quality or make it smaller than %(max)s.")
    return message, hint % {"max": megabytes(rule.max_bytes)}


def pixel_problem(max_pixels: int, label: str, image: ImageInfo) -> tuple[str, str]:
    scale = math.sqrt(max_pixels / (image.width * image.height))
    message = _("%(network)s takes images up to %(max)s megapixels; this one is %(size)s.") % {
        "network": label,
        "max": number(max_pixels / 1_000_000),
        "size": dimensions(image.width, image.height),
    }
    hint = _("Scale it down, for example to %(size)s.") % {
        "size": dimensions(int(image.width * scale), int(image.height * scale))
    }
    return message, hint


def aspect_problems(aspect: tuple[str, str], label: str, image: ImageInfo) -> list[tuple[str, str]]:
    narrowest, widest = aspect
    width, height = image.width, image.height
    if image.ratio < ratio(narrowest):
        # Too tall: keep the width and crop the height, or widen the canvas.
        limit, crop = narrowest, (width, round(width / ratio(narrowest)))
        canvas = (round(height * ratio(narrowest)), height)
    elif image.ratio > ratio(widest):
        # Too wide: keep the height and crop the width, or heighten the canvas.
        limit, crop = widest, (round(height * ratio(widest)), height)
        canvas = (width, round(width / ratio(widest)))
    else:
        return []
    message = _(
        "%(network)s takes images from %(narrowest)s (tall) to %(widest)s (wide); "
        "this image is %(ratio)s."
    ) % {
        "network": label,
        "narrowest": narrowest,
        "widest": widest,
        "ratio": ratio_label(width, height),
    }
    hint = _(
        "Crop it to %(ratio)s (%(crop)s) or fit it on a %(ratio)s canvas (%(canvas)s) with borders."
    ) % {"ratio": limit, "crop": dimensions(*crop), "canvas": dimensions(*canvas)}
    return [(message, hint)]


def ratio(label: str) -> float:
    width, height = label.split(":")
    return float(width) / float(height)


def ratio_label(width: int, height: int) -> str:
    """'9:16' for 1080 by 1920: a common ratio when within 1 %, else '2.37:1'."""
    for w, h in COMMON_RATIOS:
        if abs(width / height - w / h) <= 0.01 * (w / h):
            return f"{w / 100:g}:{h / 100:g}" if 100 in (w, h) else f"{w}:{h}"
    divisor = math.gcd(width, height)
    if max(width, height) // divisor <= 20:
        return f"{width // divisor}:{height // divisor}"
    if width >= height:
        return f"{width / height:.2f}:1"
    return f"1:{height / width:.2f}"


def format_name(mime_type: str) -> str:
    return FORMAT_NAMES.get(mime_type, mime_type.rpartition("/")[2].upper())


def dimensions(width: int, height: int) -> str:
    return f"{width}\N{MULTIPLICATION SIGN}{height}"


def megabytes(size: int, *, up: bool = False) -> str:
    """One decimal; an image's own size rounds up, so 1,000,001 bytes never reads '1 MB'."""
    tenths = math.ceil(size / MB * 10) if up else math.floor(size / MB * 10)
    return _("%(size)s MB") % {"size": number(tenths / 10)}


def number(value: float) -> str:
    return format_decimal(value, format="#,##0.##", locale=to_locale(get_language() or "nl"))
