"""How long a post is on each network, counted the way that network counts it.

The composer shows these numbers live as the user types; nothing here touches the database.
"""

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import regex
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from klankbord.lib.text import GRAPHEME, grapheme_count, threads_length

# Common top-level domains for links written without http(s)://, as in "bakkerij.be/brood".
BARE_TLDS = "be|nl|com|org|net|eu|io|de|fr|lu|uk|co|info|shop|app|dev"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_REST = r"""(?:[:/?#][^\s<>"]*)?"""
LINK = regex.compile(
    r"(?<![\w@.\-/:])(?:"
    r"""(?P<scheme>https?://)[^\s<>"]+"""
    rf"|www\.(?:{_LABEL}\.)+[^\W\d_]{{2,63}}\b{_REST}"
    rf"|(?:{_LABEL}\.)+(?:{BARE_TLDS})\b{_REST}"
    r")",
    regex.IGNORECASE,
)
TRAILING = ".,:;!?'\"\N{RIGHT SINGLE QUOTATION MARK}\N{RIGHT DOUBLE QUOTATION MARK}"
REMOTE_MENTION = regex.compile(r"(?<![\w@/])(@\w+(?:[.-]+\w+)*)@[\w-]+(?:\.[\w-]+)+")
HASHTAG = regex.compile(r"(?<![\w#&])#\w+")
# What twemoji (X's emoji parser) takes for an emoji: © ® ™ only with the emoji selector.
EMOJI = regex.compile(
    r"\p{Regional_Indicator}|[#*0-9]\uFE0F?\u20E3|[\u00A9\u00AE\u2122]\uFE0F"
    r"|(?![\u00A9\u00AE\u2122])\p{Extended_Pictographic}"
)


@dataclass(frozen=True)
class WeightConfig:
    """twitter-text's configuration: weights are in 1/scale of a character."""

    max_length: int
    scale: int
    default_weight: int
    url_length: int
    emoji_parsing: bool
    ranges: tuple[tuple[int, int, int], ...]

    def weight(self, code_point: int) -> int:
        for start, end, weight in self.ranges:
            if start <= code_point <= end:
                return weight
        return self.default_weight


@cache
def x_config() -> WeightConfig:
    data = files("klankbord.publishing").joinpath("data").joinpath("twitter-text-v3.json")
    raw = json.loads(data.read_text(encoding="utf-8"))
    return WeightConfig(
        max_length=raw["maxWeightedTweetLength"],
        scale=raw["scale"],
        default_weight=raw["defaultWeight"],
        url_length=raw["transformedURLLength"],
        emoji_parsing=raw["emojiParsingEnabled"],
        ranges=tuple((r["start"], r["end"], r["weight"]) for r in raw["ranges"]),
    )


def x_weighted_length(text: str) -> int:
    """twitter-text v3: an emoji counts once at the default weight, other code points by range."""
    config = x_config()
    total = 0
    for cluster in GRAPHEME.findall(text):
        if config.emoji_parsing and EMOJI.match(cluster):
            total += config.default_weight
        else:
            total += sum(config.weight(ord(char)) for char in cluster)
    return total // config.scale


@dataclass(frozen=True)
class TextRule:
    label: str  # marked with gettext_noop; translated when shown
    limit: int  # 0: the network takes no posts from us
    measure: Callable[[str], int]
    counting: str  # how_counted(), marked with gettext_noop
    link_length: int | None = None  # every link counts this much; None: as written
    bare_links: bool = False  # "bakkerij.be/brood" is a link too, not only "https://…"
    local_mentions: bool = False  # @name@server counts as @name
    max_hashtags: int | None = None
    explanation: str = ""  # added to the reasons when the count differs from what one sees


# LinkedIn, Facebook and Instagram count UTF-16 units in practice; we count code points.
NETWORK_TEXT_RULES: dict[str, TextRule] = {
    "mastodon": TextRule(
        label="Mastodon",
        limit=500,
        measure=grapheme_count,
        link_length=23,
        local_mentions=True,
        counting=gettext_noop(
            "%(limit)s characters; every link counts as %(link)s and @name@server as @name"
        ),
        explanation=gettext_noop(
            "Mastodon counts every link as %(link)s characters and @name@server only as @name."
        ),
    ),
    "bluesky": TextRule(
        label="Bluesky",
        limit=300,
        measure=grapheme_count,
        counting=gettext_noop("%(limit)s characters as you see them; links count in full"),
    ),
    # Must match data/twitter-text-v3.json (maxWeightedTweetLength, transformedURLLength).
    "x": TextRule(
        label="X",
        limit=280,
        measure=x_weighted_length,
        link_length=23,
        bare_links=True,
        counting=gettext_noop(
            "%(limit)s; most emoji and CJK characters count as 2 and every link as %(link)s"
        ),
        explanation=gettext_noop(
            "X counts most emoji and CJK characters as 2 and every link as %(link)s."
        ),
    ),
    "linkedin": TextRule(
        label="LinkedIn",
        limit=3000,
        measure=len,
        counting=gettext_noop("%(limit)s characters"),
    ),
    "facebook": TextRule(
        label="Facebook",
        limit=63206,
        measure=len,
        counting=gettext_noop("%(limit)s characters"),
    ),
    "instagram": TextRule(
        label="Instagram",
        limit=2200,
        measure=len,
        max_hashtags=30,
        counting=gettext_noop("%(limit)s characters and at most %(hashtags)s hashtags"),
    ),
    "threads": TextRule(
        label="Threads",
        limit=500,
        # https://developers.facebook.com/docs/threads/posts — "Emojis are counted as the
        # number of UTF-8 bytes".
        measure=threads_length,
        counting=gettext_noop("%(limit)s characters; links count in full"),
        explanation=gettext_noop("Threads counts an emoji as 4 characters or more."),
    ),
    "google": TextRule(
        label="Google Business Profile",
        # https://developers.google.com/my-business/content/posts-data — a local post's summary.
        limit=1500,
        measure=len,
        counting=gettext_noop("%(limit)s characters"),
    ),
    "sandbox": TextRule(
        label=gettext_noop("Sandbox"),
        limit=500,
        measure=len,
        counting=gettext_noop("%(limit)s characters"),
    ),
    "whatsapp": TextRule(
        label="WhatsApp Business",
        # Nothing is posted; an answer is a message of up to 4096 characters (the connector's
        # private_limit, https://developers.facebook.com/docs/whatsapp/cloud-api/messages/text-messages).
        limit=0,
        measure=len,
        counting=gettext_noop("only answers to customers' messages are sent"),
    ),
    "rss": TextRule(
        label=gettext_noop("RSS feed"),
        limit=0,
        measure=len,
        counting=gettext_noop("a feed is only read: nothing is posted to it"),
    ),
}


@dataclass(frozen=True)
class TextCount:
    used: int
    limit: int  # 0 when the network takes no posts: there is nothing to compare against
    # Why the text does not fit, in plain words; empty when it fits.
    reasons: tuple[str, ...] = ()

    @property
    def remaining(self) -> int:
        return self.limit - self.used

    @property
    def over(self) -> bool:
        return self.limit > 0 and self.used > self.limit

    @property
    def ok(self) -> bool:
        return not self.reasons


def text_rule(network: str) -> TextRule:
    if network not in NETWORK_TEXT_RULES:
        raise ValueError(f"unknown network {network!r}")
    return NETWORK_TEXT_RULES[network]


def network_label(network: str) -> str:
    return _(text_rule(network).label)


def link_spans(text: str, *, bare: bool) -> list[tuple[int, int]]:
    """Where the links are; `bare` also finds links written without http(s)://."""
    spans = []
    for match in LINK.finditer(text):
        if not bare and not match.group("scheme"):
            continue
        start, end = match.span()
        # A sentence's full stop or a closing bracket is not part of the link.
        while end > start and (
            text[end - 1] in TRAILING
            or (text[end - 1] == ")" and text.count("(", start, end) < text.count(")", start, end))
        ):
            end -= 1
        spans.append((start, end))
    return spans


def replace_spans(
    text: str, spans: list[tuple[int, int]], replacement: Callable[[str], str]
) -> str:
    parts, last = [], 0
    for start, end in spans:
        parts += [text[last:start], replacement(text[start:end])]
        last = end
    return "".join(parts) + text[last:]


def countable_text(text: str, rule: TextRule, link_length: int) -> str:
    """The text as the network counts it: links become placeholders of their counted length."""
    if rule.link_length is not None:
        spans = link_spans(text, bare=rule.bare_links)
        text = replace_spans(text, spans, lambda _link: "x" * link_length)
    if rule.local_mentions:
        text = REMOTE_MENTION.sub(lambda match: match.group(1), text)
    return text


def hashtag_count(text: str) -> int:
    # A #fragment at the end of a link is not a hashtag.
    without_links = replace_spans(text, link_spans(text, bare=True), lambda _link: " ")
    return len(HASHTAG.findall(without_links))


def count(
    text: str, network: str, *, limit: int | None = None, link_length: int | None = None
) -> TextCount:
    """Count `text` as `network` does. Pass a Mastodon instance's own limit and link length."""
    rule = text_rule(network)
    limit = rule.limit if limit is None else limit
    link_length = link_length or rule.link_length or 0
    # Networks keep the composed form: é typed as e + accent is one character, as X counts it.
    text = unicodedata.normalize("NFC", text)
    used = rule.measure(countable_text(text, rule, link_length))
    label = _(rule.label)
    reasons = []
    if limit and used > limit:
        reasons.append(
            ngettext(
                "This is %(over)s character too long for %(network)s (%(used)s of %(limit)s).",
                "This is %(over)s characters too long for %(network)s (%(used)s of %(limit)s).",
                used - limit,
            )
            % {"over": used - limit, "network": label, "used": used, "limit": limit}
        )
        if rule.explanation and used != grapheme_count(text):
            reasons.append(_(rule.explanation) % {"link": link_length})
    hashtags = hashtag_count(text) if rule.max_hashtags is not None else 0
    if rule.max_hashtags is not None and hashtags > rule.max_hashtags:
        reasons.append(
            _("%(network)s allows at most %(max)s hashtags (this text has %(count)s).")
            % {"network": label, "max": rule.max_hashtags, "count": hashtags}
        )
    return TextCount(used=used, limit=limit, reasons=tuple(reasons))


def how_counted(network: str, *, limit: int | None = None, link_length: int | None = None) -> str:
    """The network's rule in one line of plain words, for next to the counter."""
    rule = text_rule(network)
    return _(rule.counting) % {
        "limit": rule.limit if limit is None else limit,
        "link": link_length or rule.link_length,
        "hashtags": rule.max_hashtags,
    }
