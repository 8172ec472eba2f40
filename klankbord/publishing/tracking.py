"""Tracked links: a post's links go out as short links of this Klankbord that count clicks.

Each http(s) link of a post gets, per channel, a short address `{SITE_URL}/r/<code>` that leads
to the link with UTM parameters added, so the website's own statistics see where visitors came
from too. A click is counted per link and day (and per organisation and day, for the totals of
a period), without anything about the visitor: no address, no browser. Link previews (the
networks fetch every link to show a card) and other robots are not counted.
"""

import ipaddress
import re
import secrets
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, IntegerField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from klankbord.publishing.counting import link_spans, replace_spans
from klankbord.publishing.models import ClickDay, LinkClick, PostTarget, ShortLink

CODE_LENGTH = 8
# No 0/O and 1/l/I: a code read aloud or retyped stays the same code.
ALPHABET = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
DEFAULT_CAMPAIGN = "klankbord"
# Link-preview fetchers of the networks and messengers, search engines, and HTTP libraries.
# Not "linkedin" or "instagram" alone: their apps' own browsers are people clicking.
BOTS = re.compile(
    r"bot|crawl|spider|preview|slurp|facebookexternalhit|facebookcatalog|meta-external"
    r"|whatsapp|mastodon/|pleroma|akkoma|misskey|cardyb|embedly|iframely|skypeuri|vkshare"
    r"|headless|lighthouse|google-|curl/|wget/|python-|httpx|aiohttp|go-http-client|okhttp"
    r"|java/|libwww|node-fetch|axios/|http\.rb|scrapy|validator",
    re.IGNORECASE,
)
# Longer links stay as written: the short link's row keeps the link and its UTM parameters.
MAX_LINK_CHARS = 1800
LOCAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".lan", ".test", ".example")


def short_url(code: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("short_link", args=[code])


def site_is_public() -> bool:
    """Whether people elsewhere can reach SITE_URL: not localhost, a private address or a
    name without a dot."""
    host = (urlsplit(settings.SITE_URL).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "." in host and not host.endswith(LOCAL_NAMES)
    return address.is_global


def web_address(url: str) -> str:
    """An http(s) address with a host, its scheme in lower case; "" for anything else."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    if any(char.isspace() or ord(char) < 32 for char in url.strip()):
        return ""
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))


def with_utm(url: str, *, source: str, campaign: str) -> str:
    """The address with utm_source, utm_medium and utm_campaign after its own parameters;
    unchanged when it already has UTM parameters (the author chose them)."""
    parts = urlsplit(url)
    if any(key.lower().startswith("utm_") for key, _v in parse_qsl(parts.query, True)):
        return url
    added = urlencode(
        {"utm_source": source, "utm_medium": "social", "utm_campaign": campaign or DEFAULT_CAMPAIGN}
    )
    query = f"{parts.query}&{added}" if parts.query else added
    return urlunsplit(parts._replace(query=query))


def _is_ours(url: str) -> bool:
    return url.startswith(short_url("x")[:-1])


def short_link_for(*, target: PostTarget, url: str) -> ShortLink:
    """The short link of `url` in this post on this channel: the same one on every call."""
    address = web_address(url)
    if not address:
        raise ValidationError(_("Only http and https links can be tracked."))
    if len(address) > MAX_LINK_CHARS:
        raise ValidationError(_("This link is too long to track."))
    found = ShortLink.objects.filter(target=target, url=address).first()
    if found is not None:
        return found
    destination = with_utm(
        address, source=target.channel.network, campaign=target.post.pillar or DEFAULT_CAMPAIGN
    )
    for _attempt in range(5):
        code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
        try:
            with transaction.atomic():
                return ShortLink.objects.create(
                    organisation_id=target.post.organisation_id,
                    target=target,
                    code=code,
                    url=address,
                    destination=destination,
                )
        except IntegrityError:
            # Another worker made this link first, or (rarely) the code is taken: look again.
            found = ShortLink.objects.filter(target=target, url=address).first()
            if found is not None:
                return found
    raise RuntimeError("no free short-link code")


def _may_track(url: str) -> bool:
    address = web_address(url)
    return bool(address) and len(address) <= MAX_LINK_CHARS and not _is_ours(url)


def _trackable(text: str) -> list[tuple[int, int]]:
    return [
        (start, end) for start, end in link_spans(text, bare=False) if _may_track(text[start:end])
    ]


def tracked_text(target: PostTarget) -> str:
    """The channel's text as it goes out: with its links as short links when the post tracks
    clicks."""
    text = target.text
    if not target.post.track_clicks:
        return text
    return replace_spans(
        text,
        _trackable(text),
        lambda link: short_url(short_link_for(target=target, url=link).code),
    )


def tracked_options(target: PostTarget) -> dict[str, object]:
    """The network's options as they go out: a Google button's link tracked too (Google takes
    only https, so it stays as it is when this Klankbord has no https address)."""
    options = dict(target.post.network_options.get(target.channel.network) or {})
    url = str(options.get("url") or "")
    if target.post.track_clicks and _may_track(url) and settings.SITE_URL.startswith("https://"):
        options["url"] = short_url(short_link_for(target=target, url=url).code)
    return options


def counted_text(text: str) -> str:
    """The text with a short link in place of each tracked link, to count its length."""
    sample = short_url("x" * CODE_LENGTH)
    return replace_spans(text, _trackable(text), lambda _link: sample)


def is_bot(user_agent: str) -> bool:
    # Every browser names itself: an empty user agent is a script.
    return not user_agent.strip() or bool(BOTS.search(user_agent))


def click_record(*, link: ShortLink, day: date) -> None:
    """One more click on `day`: on the link's row of the day and on the organisation's, both or
    neither. Always the link's row first, then the organisation's: two clicks at once never
    each hold a row the other one waits for."""
    with transaction.atomic():
        _add_one(LinkClick, link=link, day=day)
        _add_one(ClickDay, organisation_id=link.organisation_id, day=day)


def _add_one(model: type[LinkClick] | type[ClickDay], **row: object) -> None:
    """One UPDATE, or the day's first row."""
    if model.objects.filter(**row).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():  # a savepoint: a refused INSERT leaves the click's transaction
            model.objects.create(**row, count=1)
    except IntegrityError:  # another request made the day's row in the meantime
        model.objects.filter(**row).update(count=F("count") + 1)


def click_annotations(target: str) -> dict[str, Exists | Coalesce]:
    """`tracked_links` and `link_clicks` (all clicks so far) of the target that the field
    named `target` of the annotated rows points at ("pk" for targets themselves)."""
    clicks = (
        LinkClick.objects.filter(link__target=OuterRef(target))
        .values("link__target")
        .annotate(total=Sum("count"))
        .values("total")
    )
    return {
        "tracked_links": Exists(ShortLink.objects.filter(target=OuterRef(target))),
        "link_clicks": Coalesce(Subquery(clicks, output_field=IntegerField()), 0),
    }


def clicks_of(row: object) -> int | None:
    """The clicks of a row annotated with click_annotations; None when nothing was tracked."""
    return getattr(row, "link_clicks", 0) if getattr(row, "tracked_links", False) else None


def clicks_per_target(target_ids: list[int]) -> dict[int, int]:
    """All clicks on each target's short links; targets without tracked links are left out."""
    rows = (
        ShortLink.objects.filter(target_id__in=target_ids)
        .values_list("target_id")
        .annotate(total=Sum("clicks__count"))
    )
    return {target_id: total or 0 for target_id, total in rows}
