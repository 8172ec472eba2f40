"""Text normalisation for social posts, before features are extracted. Imports no Django.

`normalize` lower-cases a post and makes its noise uniform: links become " URL ", e-mail
addresses " EMAIL ", @mentions " @USER ", a hashtag keeps its words ("#GoedVolk" -> "goed volk")
and drawn-out letters are squeezed to two ("suuuuper" -> "suuper", "!!!!!" -> "!!"). Emoji and
emoticons stay as they are, because they carry sentiment.

`tokens` splits a post into words, numbers, emoji and emoticons (":-)", "xD", "<3"), and splits
the clitics Flemish and Dutch glue on ("da'k" -> "dat", "'k"; "da's" -> "dat", "is").
"""

import re
import unicodedata

import regex

URL_PLACEHOLDER = "URL"
EMAIL_PLACEHOLDER = "EMAIL"
MENTION_PLACEHOLDER = "@USER"

_URL_END = r"[^\s.,;:!?)\]}'\"»…]"
_TOP_LEVEL_DOMAINS = r"\.(?:be|nl|com|eu|net|org|shop|info|io|app|social|store)\b"
# Private-use characters survive str.lower(), so the placeholders can stay upper case.
_URL_MARK = "\ue000"
_EMAIL_MARK = "\ue001"
_MENTION_MARK = "\ue002"
EMAIL = re.compile(r"(?<![@\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
MENTION = re.compile(r"(?<![\w@])@\w+(?:[._-]\w+)*(?:@\w+(?:[.-]\w+)+)?")
URL = re.compile(
    rf"(?:https?://|www\.)\S*{_URL_END}|\b[\w-]+(?:\.[\w-]+)*{_TOP_LEVEL_DOMAINS}(?:/\S*{_URL_END})?",
    re.IGNORECASE,
)
# Cheap tests that tell whether a post can hold a link at all; most posts do not.
URL_HINT = re.compile(rf"://|www\.|{_TOP_LEVEL_DOMAINS}", re.IGNORECASE)
HASHTAG = re.compile(r"(?<![\w#&])#(\w+)")
# "GoedVolk" -> Goed, Volk; "BBQFeest" -> BBQ, Feest; "Lekker2024" -> Lekker, 2024.
HASHTAG_WORD = regex.compile(r"\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|\p{N}+")
# Three or more of the same character; only letters, "!" and "?" are squeezed.
TRIPLED = re.compile(r"(.)\1\1+")
SQUEEZED_MARKS = frozenset("!?")
APOSTROPHES = ("\u2019", "\u2018", "`", "\u00b4")

# Skin tones and the emoji presentation selector do not change what an emoji says.
EMOJI_VARIANT = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff]")
_EMOTICON = r"(?:>?[:;=][-'^o]?(?:[)(\]\[/\\|*$@]+|[dpo3sx]+)|<3+|</3|-_+-|;_+;|\^_*\^)(?!\w)"
_NUMBER = r"\d+(?:[.,:/]\d+)*\w*"
_CLITIC = r"'[tknsm](?!\w)"
# Letters first, then letters, digits or "_": "xd", "o_o" and "t_t" come out whole too.
_WORD = r"[^\W\d_]\w*(?:'\w+)*"
_PUNCTUATION = r"[!?]+|[.,;:…]+"


def _emoji_class() -> str:
    """A character class of every Extended_Pictographic character, which stdlib re lacks."""
    candidates = "".join(map(chr, [*range(0xA0, 0x3300), *range(0x1F000, 0x1FB00)]))
    ranges: list[list[int]] = []
    for character in regex.findall(r"\p{Extended_Pictographic}", candidates):
        if ranges and ranges[-1][1] == ord(character) - 1:
            ranges[-1][1] = ord(character)
        else:
            ranges.append([ord(character), ord(character)])
    return "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)


_PICTOGRAPHIC = _emoji_class()
# A flag is a pair of regional indicators; U+200D joins emoji into one ("👨‍🍳").
_EMOJI = rf"[\U0001F1E6-\U0001F1FF]{{2}}|[{_PICTOGRAPHIC}](?:\u200d[{_PICTOGRAPHIC}])*"
# Words first: most tokens are words, and stdlib re tries the alternatives in order.
_TOKEN_PARTS = (_WORD, _NUMBER, _EMOTICON, _EMOJI, re.escape(MENTION_PLACEHOLDER), _CLITIC)
TOKEN = re.compile("|".join(_TOKEN_PARTS))
TOKEN_OR_PUNCTUATION = re.compile("|".join((*_TOKEN_PARTS, _PUNCTUATION)))

# Contractions written as one word, and their parts.
CONTRACTIONS = {
    "da's": ("dat", "is"),
    "wa's": ("wat", "is"),
    "t's": ("'t", "is"),
    "'t's": ("'t", "is"),
    "hoe's": ("hoe", "is"),
    "waar's": ("waar", "is"),
    "hij's": ("hij", "is"),
    "zij's": ("zij", "is"),
    "dat's": ("dat", "is"),
    "wat's": ("wat", "is"),
}
# Endings split off a word: "da'k" -> "da", "'k"; "was't" -> "was", "'t".
SPLIT_CLITICS = ("'k", "'t")
# What the first half of a split word stands for in full.
SHORT_FORMS = {"da": "dat", "wa": "wat", "as": "als"}


def normalize(text: str) -> str:
    return normalized_with_elongations(text)[0]


def normalized_with_elongations(text: str) -> tuple[str, int]:
    """The normalised text, and how many drawn-out letters were squeezed ("suuuuper" is one)."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _replace_links_and_tags(_straight_apostrophes(text)).lower()
    elongations = 0
    if TRIPLED.search(text):
        elongations = sum(1 for found in TRIPLED.finditer(text) if found.group(1).isalpha())
        text = TRIPLED.sub(_squeeze, text)
    text = " ".join(text.split())
    if not text.isascii():
        text = _restore_placeholders(text)
    return text, elongations


def tokens(text: str, punctuation: bool = False) -> list[str]:
    """Word, number, emoji and emoticon tokens of the normalised text; "!", "?", "." runs too
    when `punctuation` is true."""
    return split_tokens(normalize(text), punctuation)


def split_tokens(normalized: str, punctuation: bool = False) -> list[str]:
    """Tokens of text that `normalize` has already seen."""
    if not normalized.isascii() and EMOJI_VARIANT.search(normalized):
        normalized = EMOJI_VARIANT.sub("", normalized)
    find = (TOKEN_OR_PUNCTUATION if punctuation else TOKEN).findall
    found: list[str] = []
    for chunk in normalized.split():
        # Most chunks are plain words; the pattern is only needed for the rest.
        if chunk.isalpha():
            found.append(chunk)
        else:
            found.extend(find(chunk))
    if "'" in normalized:
        return [part for token in found for part in _split_contraction(token)]
    return found


def _straight_apostrophes(text: str) -> str:
    for apostrophe in APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    return text


def _replace_links_and_tags(text: str) -> str:
    """Each test first: most posts have no e-mail address, mention, link or hashtag."""
    if "@" in text:
        text = EMAIL.sub(f" {_EMAIL_MARK} ", text)
        text = MENTION.sub(f" {_MENTION_MARK} ", text)
    if URL_HINT.search(text):
        text = URL.sub(f" {_URL_MARK} ", text)
    if "#" in text:
        text = HASHTAG.sub(_hashtag_words, text)
    return text


def _hashtag_words(found: re.Match[str]) -> str:
    return " " + " ".join(HASHTAG_WORD.findall(found.group(1))) + " "


def _squeeze(found: re.Match[str]) -> str:
    character = found.group(1)
    if character.isalpha() or character in SQUEEZED_MARKS:
        return character * 2
    return found.group()


def _restore_placeholders(text: str) -> str:
    return (
        text.replace(_URL_MARK, URL_PLACEHOLDER)
        .replace(_EMAIL_MARK, EMAIL_PLACEHOLDER)
        .replace(_MENTION_MARK, MENTION_PLACEHOLDER)
    )


def _split_contraction(token: str) -> tuple[str, ...]:
    if "'" not in token or len(token) < 3:
        return (token,)
    if token in CONTRACTIONS:
        return CONTRACTIONS[token]
    if token.endswith(SPLIT_CLITICS) and token[-3] != "'":
        head = token[:-2]
        return SHORT_FORMS.get(head, head), token[-2:]
    return (token,)
