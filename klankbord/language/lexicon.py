"""Lexicon-based sentiment for Flemish and Netherlands Dutch posts about small businesses.

Imports no Django. The word lists live in data/lexicon/ (see its README.md) and are read once
per process, on first use:

- pattern-nl.tsv: the Dutch adjective lexicon of the Pattern project (BSD licence);
- social-nl.tsv: everyday, review and Flemish words and phrases, and corrections to Pattern;
- emoji.tsv: emoji and emoticons;
- modifiers.tsv: intensifiers ("wreed lekker") and dampers ("een beetje duur");
- negators.txt: "niet", "geen", "nie", "gene"... flip and damp the next polarity word.

`score(text)` is a number in [-1, 1], 0 when the post has no sentiment words. `features(text)`
is a fixed-length vector for a linear classifier, in the order of `FEATURE_NAMES`; `analyse(text)`
gives the same values by name. Negation, intensifiers, "maar", questions and emphasis are each
tuned by one constant below.
"""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

from klankbord.language.normalize import normalized_with_elongations, split_tokens

DATA = Path(__file__).resolve().parent / "data" / "lexicon"
# "niet lekker" is less negative than "vies": a negated word flips and loses half its weight.
NEGATION = -0.5
# A negator reaches this many ordinary words ahead; intensifiers in between do not count.
NEGATION_REACH = 3
# An intensifier reaches this many ordinary words ahead: "echt een aanrader".
MODIFIER_REACH = 2
# "duur, maar lekker": what follows "maar" is what the writer means.
BEFORE_BUT = 0.5
AFTER_BUT = 1.5
BUT = "maar"
# Each "!" (up to three) and drawn-out word (up to two) adds a little emphasis.
EXCLAMATION_EMPHASIS = 0.08
MAX_EXCLAMATIONS = 3
ELONGATION_EMPHASIS = 0.1
MAX_ELONGATIONS = 2
# Squashes the weighted sum into [-1, 1]; one plain "lekker" (0.7) scores about 0.57.
SQUASH = 1.0
PUNCTUATION_STARTS = frozenset("!?.,;:…")
SENTENCE_END_STARTS = frozenset("!?.…")
# "Iemand een goede loodgieter?" asks; it does not praise. A question's words count half.
QUESTION = 0.5
# Words that end a negation's or an intensifier's reach, like punctuation does.
CLAUSE_WORDS = frozenset(
    {BUT, "en", "of", "want", "omdat", "terwijl", "dus", "alleen", "but", "mais"}
)
# Words after which the writer turns: "lekker, alleen de bediening ...". See `Clauses`.
CONTRAST_WORDS = frozenset({BUT, "alleen", "but", "mais"})
DOUBLED_LETTER = re.compile(r"([^\W\d_])\1")
# Pattern lists adjectives as predicates ("lekker"); posts also write "lekkere", "lekkerder".
UNSTRESSED_ENDINGS = ("ig", "lijk", "isch", "er", "el", "en", "em", "es", "ief")
VOWELS = frozenset("aeiouyàáâäèéêëïíîóôöúûü")
VOICED = {"f": "v", "s": "z"}
MAX_CAPPED_COUNT = 5.0


class Entry(NamedTuple):
    polarity: float = 0.0  # for a modifier: its weight when no polarity word follows
    factor: float = 1.0  # above 1 intensifies the next polarity word, below 1 damps it
    negates: bool = False
    emoji: bool = False


@dataclass(frozen=True)
class Lexicon:
    entries: dict[str, Entry]
    # First token of a multi-word entry -> the entry lengths in tokens, longest first.
    phrase_lengths: dict[str, tuple[int, ...]]


class Analysis(NamedTuple):
    positive_sum: float
    negative_sum: float
    positive_words: float
    negative_words: float
    negated_words: float
    modified_words: float
    positive_emoji: float
    negative_emoji: float
    exclamation_marks: float
    question_marks: float
    elongated_words: float
    max_polarity: float
    min_polarity: float
    but_clause: float
    score: float


# positive_sum, negative_sum: weighted polarities after negation, modifiers, "maar", questions;
# *_words, *_emoji, negated_words, modified_words, marks, elongations: counts capped at 5;
# max_polarity, min_polarity: the extremes (0 without any); but_clause: 1 if "maar" occurs.
FEATURE_NAMES: tuple[str, ...] = Analysis._fields


def score(text: str) -> float:
    normalized, elongations = normalized_with_elongations(text)
    found = _collect(split_tokens(normalized, punctuation=True), elongations > 0)
    return _squash(sum(found.weighted_values()) * _emphasis(normalized, elongations))


def features(text: str) -> list[float]:
    """The values of `FEATURE_NAMES`, in that order; counts are capped at 5."""
    return list(analyse(text))


def analyse(text: str) -> Analysis:
    normalized, elongations = normalized_with_elongations(text)
    return analyse_normalized(normalized, elongations, split_tokens(normalized, punctuation=True))


def score_tokens(tokens: list[str]) -> float:
    """`score` of tokens that `split_tokens` gave, without emphasis: for part of a post."""
    return _squash(sum(_collect(tokens, elongated=False).weighted_values()))


class Clauses(NamedTuple):
    """Scores of parts of a post, from the same pass as its `Analysis` (0 without the part)."""

    before_contrast: float  # before the last "maar", "alleen", "but", "mais"
    after_contrast: float  # after it: what the writer means
    last_clause: float  # after the last punctuation or clause word
    negated_positive: int  # praise words a negation reaches: "niet lekker", "geen goede"
    negated_negative: int  # criticism a negation reaches: "niet slecht", "geen probleem"


def analyse_normalized(normalized: str, elongations: int, tokens: list[str]) -> Analysis:
    """`analyse` of a post that normalize and split_tokens (with punctuation) have seen."""
    return analyse_with_clauses(normalized, elongations, tokens)[0]


def analyse_with_clauses(
    normalized: str, elongations: int, tokens: list[str]
) -> tuple[Analysis, Clauses]:
    found = _collect(tokens, elongations > 0)
    values = found.values
    last = next((at for at in reversed(found.boundaries) if at < len(values)), 0)
    at = found.contrast_at
    clauses = Clauses(
        before_contrast=_squash(sum(values[:at])) if at >= 0 else 0.0,
        after_contrast=_squash(sum(values[at:])) if at >= 0 else 0.0,
        last_clause=_squash(sum(values[last:])),
        negated_positive=found.negated_positive,
        negated_negative=found.negated_negative,
    )
    return _analysis(found, normalized, elongations), clauses


def _analysis(found: "_Found", normalized: str, elongations: int) -> Analysis:
    values = found.weighted_values()
    # One pass for the four counts: this runs for every post, in both tiers.
    positive_words = negative_words = positive_emoji = negative_emoji = 0
    for value, emoji in zip(found.values, found.emoji, strict=True):
        if value > 0:
            if emoji:
                positive_emoji += 1
            else:
                positive_words += 1
        elif value < 0:
            if emoji:
                negative_emoji += 1
            else:
                negative_words += 1
    return Analysis(
        positive_sum=math.fsum([value for value in values if value > 0]) if values else 0.0,
        negative_sum=math.fsum([value for value in values if value < 0]) if values else 0.0,
        positive_words=_capped(positive_words),
        negative_words=_capped(negative_words),
        negated_words=_capped(found.negated),
        modified_words=_capped(found.modified),
        positive_emoji=_capped(positive_emoji),
        negative_emoji=_capped(negative_emoji),
        exclamation_marks=_capped(normalized.count("!")),
        question_marks=_capped(normalized.count("?")),
        elongated_words=_capped(elongations),
        max_polarity=max(values, default=0.0),
        min_polarity=min(values, default=0.0),
        but_clause=1.0 if found.but_at >= 0 else 0.0,
        score=_squash(sum(values) * _emphasis(normalized, elongations)),
    )


class _Found:
    """The polarity values of a post, in order, and how they came about."""

    __slots__ = (
        "boundaries",
        "but_at",
        "contrast_at",
        "emoji",
        "modified",
        "negated",
        "negated_negative",
        "negated_positive",
        "values",
    )

    def __init__(self) -> None:
        self.values: list[float] = []
        self.emoji: list[bool] = []
        self.negated = 0
        self.negated_positive = 0  # of `negated`, the words that were praise before negation
        self.negated_negative = 0  # and those that were criticism
        self.modified = 0
        self.but_at = -1  # how many values came before the last "maar"; -1 without one
        self.contrast_at = -1  # the same for the last of CONTRAST_WORDS
        self.boundaries: list[int] = []  # how many values came before each clause end

    def add(self, polarity: float, negated: bool = False, modified: bool = False) -> None:
        if negated:
            self.negated += 1
            if polarity > 0:
                self.negated_positive += 1
            elif polarity < 0:
                self.negated_negative += 1
        self.modified += modified
        self.values.append(polarity * NEGATION if negated else polarity)
        self.emoji.append(False)

    def add_emoji(self, polarity: float) -> None:
        self.values.append(polarity)
        self.emoji.append(True)

    def scale_since(self, start: int, factor: float) -> None:
        self.values[start:] = [value * factor for value in self.values[start:]]

    def weighted_values(self) -> list[float]:
        if self.but_at < 0:
            return self.values
        before, after = self.values[: self.but_at], self.values[self.but_at :]
        return [value * BEFORE_BUT for value in before] + [value * AFTER_BUT for value in after]


def _collect(tokens: list[str], elongated: bool) -> _Found:
    """One pass over the tokens; written as one loop with local state because it is hot."""
    known = lexicon()
    entries, phrase_lengths = known.entries, known.phrase_lengths
    found = _Found()
    negation_left = modifier_left = 0
    factor = modifier_polarity = 0.0
    position = sentence_start = 0
    while position < len(tokens):
        token = tokens[position]
        entry, width = entries.get(token), 1
        if token in phrase_lengths:
            entry, width = _phrase_at(entries, tokens, position, phrase_lengths[token], entry)
        elif entry is None and elongated:
            entry = _squeezed_entry(entries, token)
        position += width
        ends_clause = entry is None and (token in CLAUSE_WORDS or token[0] in PUNCTUATION_STARTS)
        if ends_clause or (entry is not None and entry.emoji):
            if modifier_left and modifier_polarity:
                # A modifier with nothing to modify counts as a word of its own: "Super!".
                found.add(modifier_polarity, negated=negation_left > 0)
            modifier_left = negation_left = 0
            found.boundaries.append(len(found.values))
            if token == BUT:
                found.but_at = len(found.values)
            if token in CONTRAST_WORDS:
                found.contrast_at = len(found.values)
            if entry is not None:
                found.add_emoji(entry.polarity)
            elif token[0] in SENTENCE_END_STARTS:
                if "?" in token:
                    found.scale_since(sentence_start, QUESTION)
                sentence_start = len(found.values)
        elif entry is None:
            if negation_left:
                negation_left -= 1
            if modifier_left:
                modifier_left -= 1
                if not modifier_left and modifier_polarity:
                    found.add(modifier_polarity, negated=negation_left > 0)
                    negation_left = 0
        elif entry.negates:
            negation_left = NEGATION_REACH
        elif entry.factor != 1.0:
            # Chained modifiers multiply: "echt heel lekker".
            earlier = factor if modifier_left else 1.0
            factor, modifier_polarity = earlier * entry.factor, earlier * entry.polarity
            modifier_left = MODIFIER_REACH
        else:
            modified = modifier_left > 0
            found.add(
                entry.polarity * factor if modified else entry.polarity,
                negated=negation_left > 0,
                modified=modified,
            )
            modifier_left = negation_left = 0
    if modifier_left and modifier_polarity:
        found.add(modifier_polarity, negated=negation_left > 0)
    return found


def _phrase_at(
    entries: dict[str, Entry],
    tokens: list[str],
    position: int,
    lengths: tuple[int, ...],
    single: Entry | None,
) -> tuple[Entry | None, int]:
    """The longest entry starting at `position`, or the single word's entry."""
    for length in lengths:
        phrase = " ".join(tokens[position : position + length])
        if phrase in entries:
            return entries[phrase], length
    return single, 1


def _squeezed_entry(entries: dict[str, Entry], token: str) -> Entry | None:
    # "suuuuper" was squeezed to "suuper" by normalize; the lexicon knows "super". Only the
    # drawn-out letter is undoubled, last run first: "lekkerrr" is "lekkerr", so "lekker" (and
    # not "leker", an inflection of "lek"); all runs at once only when no single one gives a word.
    runs = list(DOUBLED_LETTER.finditer(token))
    for run in reversed(runs):
        entry = entries.get(token[: run.start()] + token[run.start() + 1 :])
        if entry is not None:
            return entry
    if runs:
        return entries.get(DOUBLED_LETTER.sub(r"\1", token))
    return None


def _emphasis(normalized: str, elongations: int) -> float:
    return (
        1.0
        + EXCLAMATION_EMPHASIS * min(normalized.count("!"), MAX_EXCLAMATIONS)
        + ELONGATION_EMPHASIS * min(elongations, MAX_ELONGATIONS)
    )


def _squash(total: float) -> float:
    return total / math.sqrt(total * total + SQUASH)


def _capped(count: int) -> float:
    return float(min(count, MAX_CAPPED_COUNT))


@cache
def lexicon() -> Lexicon:
    """All word lists, merged; read once per process."""
    modifiers = _read_weights("modifiers.tsv")
    polarities = _read_weights("pattern-nl.tsv")
    for word in modifiers:
        # Pattern's "zeer" is "sore" and its "erg" is "bad"; here they intensify.
        polarities.pop(word, None)
    polarities.update(_read_weights("social-nl.tsv"))
    polarities = _with_inflections(polarities)
    entries = {word: Entry(polarity=value) for word, value in polarities.items() if value}
    for word, factor in modifiers.items():
        entries[word] = Entry(polarity=polarities.get(word, 0.0), factor=factor)
    for word in _read_lines("negators.txt"):
        entries[_key(word)] = Entry(negates=True)
    for symbol, value in _read_weights("emoji.tsv").items():
        entries[symbol] = Entry(polarity=value, emoji=True)
    return Lexicon(entries=entries, phrase_lengths=_phrase_lengths(entries))


def _read_lines(name: str) -> Iterator[str]:
    with (DATA / name).open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                yield line


def _read_weights(name: str) -> dict[str, float]:
    weights = {}
    for line in _read_lines(name):
        word, weight = line.split("\t")
        weights[_key(word)] = float(weight)
    return weights


def _key(text: str) -> str:
    """An entry in the form the tokens of a post take, so that lookups match."""
    normalized, _ = normalized_with_elongations(text)
    return " ".join(split_tokens(normalized, punctuation=True))


def _phrase_lengths(entries: dict[str, Entry]) -> dict[str, tuple[int, ...]]:
    lengths: dict[str, set[int]] = {}
    for key in entries:
        if " " in key:
            words = key.split(" ")
            lengths.setdefault(words[0], set()).add(len(words))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


def _with_inflections(polarities: dict[str, float]) -> dict[str, float]:
    """Adds "lekkere", "lekkerder", "lekkerste", "lekkeren" for "lekker"; listed forms win."""
    inflected: dict[str, float] = {}
    for word, value in polarities.items():
        if value and word.isalpha():
            for form in _inflections(word):
                inflected.setdefault(form, value)
    return inflected | polarities


def _inflections(word: str) -> Iterator[str]:
    if len(word) < 3 or word.endswith(("e", "en")):
        return
    for stem in _attributive_stems(word):
        yield stem + "e"
        yield stem + "en"  # Flemish "ne goeien bakker"
        comparative = stem + ("der" if word.endswith("r") else "er")
        yield comparative
        yield comparative + "e"
    superlative = word + ("t" if word.endswith("s") else "st")
    yield superlative
    yield superlative + "e"


def _attributive_stems(word: str) -> Iterator[str]:
    """What comes before the "-e": "traag" -> "trag", "lief" -> "liev", "snel" -> "snell"."""
    last, before, before_that = word[-1], word[-2], word[-3]
    if last in VOWELS:
        yield word
        return
    if before in VOWELS and before_that == before:
        # A long vowel loses a letter in an open syllable: "groot" -> "grote".
        yield word[:-2] + VOICED.get(last, last)
        return
    if before in VOWELS and before_that in VOWELS:
        yield word[:-1] + VOICED.get(last, last)  # "lief" -> "lieve", "vies" -> "vieze"
        return
    yield word
    if before in VOWELS and not word.endswith(UNSTRESSED_ENDINGS):
        yield word + last  # a short vowel keeps its sound: "snel" -> "snelle"
