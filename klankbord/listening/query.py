"""The search query of a listening monitor: which mentions the monitor picks up.

What users type:

    bakker               the word bakker, in any case, with or without accents ("cafe" finds
                         "Café"); whole words only, so bakker does not find "bakkerij"
    boekhoud*            words that start with boekhoud: boekhouder, boekhouding
    "vers brood"         these words one after the other (also “vers brood” and „vers brood”)
    #gent  @bakkerij     a hashtag or an account; plain gent finds #gent as well
    sint-niklaas  't     hyphens, apostrophes and digits belong to the word
    bakker brood         both words: a space means AND
    bakker AND brood     the same; EN works too
    bakker OR brood      either word; OF works too
    NOT brood  -brood    without that word; NIET works too
    (bakker OR slager)   parentheses group; NOT binds tighter than AND, and AND tighter than OR
    lang:nl              mentions in Dutch; also fr, en, de, and und for "language unknown"
    near:Gent~20km       mentions of a place within 20 km of Gent; 10 km without ~distance
    near:"Den Haag"      a place name with spaces goes between quotes

Operators count only in capitals: "and", "of" and "niet" in lower case are ordinary words.

For developers: parse() turns a query into a tree of small nodes, once per monitor.
MentionText.of() prepares a mention once for all monitors, after which Query.matches() costs a
few set lookups. Errors are QueryError with a translated message and a 0-based position; the
message itself counts characters from 1, as people do.
"""

import re
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import NoReturn

from django.utils.translation import gettext as _

from klankbord.language.detect import LANGUAGES, UNDETERMINED
from klankbord.language.places import Place, distance_km, fold, gazetteer

MAX_LENGTH = 1000
MAX_DEPTH = 12  # levels of ( and NOT: more than any real query needs, far from recursion limits
DEFAULT_RADIUS_KM = 10.0
LANGUAGE_CODES = (*LANGUAGES, UNDETERMINED)
# Letters, digits, hyphens, apostrophes; a leading # or @ only at the start of a word, so that
# info@bakkerij.be holds no @bakkerij.
WORD = re.compile(r"(?:(?<!\w)[#@])?[\w'-]+")
# Hyphens and apostrophes split a word into parts: "niklaas" finds Sint-Niklaas.
PART_SEPARATOR = re.compile(r"['-]+")
QUOTES = '"“”„'  # „ only ever opens a quotation
CLOSING_QUOTES = '"“”'
OPERATORS = {"AND": "AND", "EN": "AND", "OR": "OR", "OF": "OR", "NOT": "NOT", "NIET": "NOT"}
RADIUS = re.compile(r"(\d{1,4}(?:[.,]\d+)?)(?:km)?", re.IGNORECASE)
SEPARATE_KM = re.compile(r"\s+km(?=[\s()]|$)", re.IGNORECASE)  # near:Gent~20 km
PLAIN_PLACE_NAME = re.compile(r"[\w'-]+")


class QueryError(ValueError):
    """A query that cannot be understood, with where (0-based) the problem is."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def _human(position: int) -> int:
    """People count characters from 1."""
    return position + 1


def _parts(word: str) -> list[str]:
    if word.isalnum():
        return [word]  # most words: nothing to strip or split
    return [part for part in PART_SEPARATOR.split(word.lstrip("#@")) if part]


def _word(raw: str) -> str:
    return raw.strip("-")


@dataclass(frozen=True, slots=True)
class MentionText:
    """A mention prepared once, then matched against every monitor's query."""

    words: frozenset[str]  # whole words (#gent, sint-niklaas, 't) and their parts (gent, niklaas)
    tokens: tuple[str, ...]  # the parts in order, for phrases
    vocabulary: tuple[str, ...]  # the words sorted, for prefixes
    language: str = UNDETERMINED
    places: tuple[Place, ...] = ()

    @classmethod
    def of(
        cls,
        text: str,
        language: str = UNDETERMINED,
        places: Sequence[tuple[float, float]] = (),
    ) -> "MentionText":
        words: set[str] = set()
        tokens: list[str] = []
        for raw in WORD.findall(fold(text)):
            parts = _parts(raw)
            if not parts:
                continue  # a lone hyphen or apostrophe
            words.add(_word(raw))
            words.update(parts)
            tokens.extend(parts)
        return cls(
            words=frozenset(words),
            tokens=tuple(tokens),
            vocabulary=tuple(sorted(words)),
            language=(language or UNDETERMINED).lower(),
            places=tuple(_point(lat, lon) for lat, lon in places),
        )


def _point(lat: float, lon: float) -> Place:
    return Place(name="", official="", country="", lat=lat, lon=lon)


class Node(ABC):
    """One part of a compiled query."""

    __slots__ = ()

    @abstractmethod
    def matches(self, mention: MentionText) -> bool: ...

    def terms(self) -> Iterator[str]:
        """The words and phrases to highlight in a mention."""
        return iter(())


@dataclass(frozen=True, slots=True)
class Term(Node):
    word: str

    def matches(self, mention: MentionText) -> bool:
        return self.word in mention.words

    def terms(self) -> Iterator[str]:
        yield self.word

    def __str__(self) -> str:
        return self.word


@dataclass(frozen=True, slots=True)
class Prefix(Node):
    start: str

    def matches(self, mention: MentionText) -> bool:
        vocabulary = mention.vocabulary
        at = bisect_left(vocabulary, self.start)
        return at < len(vocabulary) and vocabulary[at].startswith(self.start)

    def terms(self) -> Iterator[str]:
        yield str(self)

    def __str__(self) -> str:
        return f"{self.start}*"


@dataclass(frozen=True, slots=True)
class Phrase(Node):
    words: tuple[str, ...]

    def matches(self, mention: MentionText) -> bool:
        if not all(word in mention.words for word in self.words):
            return False  # most mentions stop here, before any scanning
        tokens, first, size = mention.tokens, self.words[0], len(self.words)
        return any(
            tokens[at : at + size] == self.words
            for at in range(len(tokens) - size + 1)
            if tokens[at] == first
        )

    def terms(self) -> Iterator[str]:
        yield " ".join(self.words)

    def __str__(self) -> str:
        return '"' + " ".join(self.words) + '"'


@dataclass(frozen=True, slots=True)
class And(Node):
    children: tuple[Node, ...]

    def matches(self, mention: MentionText) -> bool:
        return all(child.matches(mention) for child in self.children)

    def terms(self) -> Iterator[str]:
        for child in self.children:
            yield from child.terms()

    def __str__(self) -> str:
        return " AND ".join(f"({c})" if isinstance(c, Or) else str(c) for c in self.children)


@dataclass(frozen=True, slots=True)
class Or(Node):
    children: tuple[Node, ...]

    def matches(self, mention: MentionText) -> bool:
        return any(child.matches(mention) for child in self.children)

    def terms(self) -> Iterator[str]:
        for child in self.children:
            yield from child.terms()

    def __str__(self) -> str:
        return " OR ".join(str(child) for child in self.children)


@dataclass(frozen=True, slots=True)
class Not(Node):
    child: Node

    def matches(self, mention: MentionText) -> bool:
        return not self.child.matches(mention)

    # terms(): nothing to highlight in words the mention must not contain

    def __str__(self) -> str:
        grouped = isinstance(self.child, And | Or)
        return f"NOT ({self.child})" if grouped else f"NOT {self.child}"


@dataclass(frozen=True, slots=True)
class Language(Node):
    code: str

    def matches(self, mention: MentionText) -> bool:
        return mention.language == self.code

    def __str__(self) -> str:
        return f"lang:{self.code}"


@dataclass(frozen=True, slots=True)
class Near(Node):
    name: str  # as the user wrote it, so the normalised query finds the same place again
    centre: Place
    radius_km: float

    def matches(self, mention: MentionText) -> bool:
        return any(distance_km(self.centre, place) <= self.radius_km for place in mention.places)

    def __str__(self) -> str:
        name = self.name if PLAIN_PLACE_NAME.fullmatch(self.name) else f'"{self.name}"'
        return f"near:{name}~{self.radius_km:g}km"


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: match it against many mentions."""

    root: Node

    def matches(self, mention: MentionText) -> bool:
        return self.root.matches(mention)

    def terms(self) -> tuple[str, ...]:
        """Words ("bakker"), prefixes ("boekhoud*") and phrases ("vers brood"), not negated."""
        return tuple(dict.fromkeys(self.root.terms()))

    def __str__(self) -> str:
        return str(self.root)


def parse(query: str) -> Query:
    """The compiled query, or QueryError saying what is wrong and where."""
    if len(query) > MAX_LENGTH:
        message = _("The search query is too long: %(length)s characters, at most %(limit)s.")
        raise QueryError(message % {"length": len(query), "limit": MAX_LENGTH}, MAX_LENGTH)
    tokens = _Lexer(query).tokens()
    if not tokens:
        raise QueryError(_("The search query is empty: type at least one word."), 0)
    return Query(_Parser(tokens).parse())


# Lexing: the query text becomes operators, parentheses and leaves (words, phrases, filters).


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # "leaf", "(", ")", "AND", "OR" or "NOT"
    position: int
    text: str  # as written, for messages
    leaf: Node | None = None


def _leaf_of_words(raws: list[str]) -> Node | None:
    """One word is a term; several (bakkerij.be, sint-niklaas) must follow each other."""
    if len(raws) == 1 and len(_parts(raws[0])) == 1:
        return Term(_word(raws[0]))
    parts = [part for raw in raws for part in _parts(raw)]
    if not parts:
        return None  # only punctuation: nothing to look for
    return Term(parts[0]) if len(parts) == 1 else Phrase(tuple(parts))


def _leaf_of_text(text: str, position: int) -> Node | None:
    """A bare word as typed: bakker, boekhoud*, #gent, bakkerij.be."""
    raws = WORD.findall(fold(text))
    if not text.endswith("*"):
        return _leaf_of_words(raws)
    if not raws:
        raise QueryError(_("A * needs letters before it, for example boekhoud*."), position)
    if len(raws) == 1 and _parts(raws[0]):
        return Prefix(_word(raws[0]))
    return _leaf_of_words(raws)  # a wildcard after several words (bakkerij.be*) is ignored


def _language(value: str, position: int) -> Language:
    choices = ", ".join(LANGUAGE_CODES)
    if not value:
        message = _("After lang: there must be a language: %(choices)s.")
        raise QueryError(message % {"choices": choices}, position)
    if value.lower() not in LANGUAGE_CODES:
        message = _("Unknown language: %(language)s. Use one of %(choices)s.")
        raise QueryError(message % {"language": value, "choices": choices}, position)
    return Language(value.lower())


def _place(name: str, position: int) -> Place:
    if not name:
        message = _("After near: there must be a place, for example near:Gent~20km.")
        raise QueryError(message, position)
    found = gazetteer().get(" ".join(fold(name).split()))
    if found is None:
        message = _(
            "Unknown place: %(place)s. Check the spelling, and put a name with spaces "
            'between quotes, for example near:"Den Haag".'
        )
        raise QueryError(message % {"place": name}, position)
    return Place(
        name=name,
        official=str(found["name"]),
        country=str(found["country"]),
        lat=float(found["lat"]),  # type: ignore[arg-type]
        lon=float(found["lon"]),  # type: ignore[arg-type]
    )


def _radius(text: str, position: int) -> float:
    found = RADIUS.fullmatch(text)
    if found is None:
        message = _("Distance not understood: ~%(radius)s. Write it in km, for example ~20km.")
        raise QueryError(message % {"radius": text}, position)
    return float(found.group(1).replace(",", "."))  # Dutch writes 2,5 km


class _Lexer:
    def __init__(self, query: str) -> None:
        self.query = query
        self.at = 0
        self.found: list[_Token] = []

    def tokens(self) -> list[_Token]:
        while self.at < len(self.query):
            char = self.query[self.at]
            if char.isspace():
                self.at += 1
            elif char in "()":
                self._emit(char, char)
                self.at += 1
            elif char in QUOTES:
                self._quoted_phrase()
            elif char == "-" and self._operand_starts(self.at + 1):
                self._emit("NOT", char)  # -brood
                self.at += 1
            else:
                self._bare()
        return self.found

    def _emit(self, kind: str, text: str, leaf: Node | None = None, at: int = -1) -> None:
        self.found.append(_Token(kind, self.at if at < 0 else at, text, leaf))

    def _operand_starts(self, at: int) -> bool:
        return at < len(self.query) and not self.query[at].isspace() and self.query[at] != ")"

    def _run_end(self, at: int, stops: str = "") -> int:
        """Where a bare run of characters (a word, an operator, a filter) ends."""
        query = self.query
        while at < len(query) and not (query[at].isspace() or query[at] in f"(){QUOTES}{stops}"):
            at += 1
        return at

    def _quoted(self, start: int) -> tuple[str, int]:
        """The text between the quotation mark at start and its closing one, and the end."""
        for at in range(start + 1, len(self.query)):
            if self.query[at] in CLOSING_QUOTES:
                return self.query[start + 1 : at], at + 1
        message = _(
            "Quotation mark not closed: the %(quote)s at position %(position)s "
            "has no closing quotation mark."
        )
        details = {"quote": self.query[start], "position": _human(start)}
        raise QueryError(message % details, start)

    def _quoted_phrase(self) -> None:
        start = self.at
        inside, self.at = self._quoted(start)
        leaf = _leaf_of_words(WORD.findall(fold(inside)))
        if leaf is not None:
            self._emit("leaf", self.query[start : self.at], leaf, at=start)

    def _bare(self) -> None:
        start = self.at
        self.at = self._run_end(start)
        text = self.query[start : self.at]
        keyword = text[:5].lower()
        if text in OPERATORS:
            self._emit(OPERATORS[text], text, at=start)
        elif keyword == "lang:":
            self._emit("leaf", text, _language(text[5:], start + 5), at=start)
        elif keyword == "near:":
            self._emit("leaf", text, self._near(start), at=start)
        else:
            leaf = _leaf_of_text(text, start)
            if leaf is not None:
                self._emit("leaf", text, leaf, at=start)

    def _near(self, start: int) -> Near:
        name_at = start + 5
        if name_at < len(self.query) and self.query[name_at] in QUOTES:
            name, name_end = self._quoted(name_at)
        else:
            name_end = self._run_end(name_at, stops="~")
            name = self.query[name_at:name_end]
        centre = _place(" ".join(name.split()), name_at)
        self.at = name_end
        radius = DEFAULT_RADIUS_KM
        if name_end < len(self.query) and self.query[name_end] == "~":
            self.at = self._run_end(name_end + 1)
            written = self.query[name_end + 1 : self.at]
            radius = _radius(written, name_end)
            if not written.lower().endswith("km"):
                self._skip_separate_km()
        return Near(" ".join(name.split()), centre, radius)

    def _skip_separate_km(self) -> None:
        km = SEPARATE_KM.match(self.query, self.at)
        if km is not None:
            self.at = km.end()


# Parsing: OR of ANDs of (NOT) operands; a space between operands is an AND.


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0
        self.depth = 0

    def parse(self) -> Node:
        node = self._any_of()
        if self._peek() is not None:
            self._unopened(self._next())  # only a stray ) can stop an expression early
        return node

    def _peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def _peek_kind(self) -> str:
        token = self._peek()
        return token.kind if token is not None else ""

    def _next(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def _any_of(self) -> Node:
        children = [self._all_of()]
        while self._peek_kind() == "OR":
            children.append(self._operand_after(self._next(), self._all_of))
        return _combine(Or, children)

    def _all_of(self) -> Node:
        children = [self._unary()]
        while (kind := self._peek_kind()) in ("AND", "leaf", "(", "NOT"):
            if kind == "AND":
                children.append(self._operand_after(self._next(), self._unary))
            else:
                children.append(self._unary())
        return _combine(And, children)

    def _unary(self) -> Node:
        if self._peek_kind() != "NOT":
            return self._primary()
        operator = self._next()
        self._enter(operator)
        operand = self._operand_after(operator, self._unary)
        self.depth -= 1
        return Not(operand)

    def _primary(self) -> Node:
        token = self._next()
        if token.kind == "(":
            return self._group(token)
        if token.kind == ")":
            self._unopened(token)
        if token.leaf is None:
            message = _("Before %(operator)s there must be a word or group.")
            raise QueryError(message % {"operator": token.text}, token.position)
        return token.leaf

    def _group(self, opening: _Token) -> Node:
        self._enter(opening)
        if self._peek_kind() == ")":
            message = _("Empty parentheses at position %(position)s: put a word between ( and ).")
            raise QueryError(message % {"position": _human(opening.position)}, opening.position)
        node = self._any_of() if self._peek() is not None else None
        if node is None or self._peek_kind() != ")":
            message = _("Parenthesis not closed: the ( at position %(position)s has no ) after it.")
            raise QueryError(message % {"position": _human(opening.position)}, opening.position)
        self._next()
        self.depth -= 1
        return node

    def _operand_after(self, operator: _Token, operand: Callable[[], Node]) -> Node:
        if self._peek_kind() in ("", ")", "AND", "OR"):
            message = _("After %(operator)s there must be a word or group.")
            raise QueryError(message % {"operator": operator.text}, operator.position)
        return operand()

    def _enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            message = _("Too many levels of parentheses or NOT: at most %(limit)s.")
            raise QueryError(message % {"limit": MAX_DEPTH}, token.position)

    def _unopened(self, token: _Token) -> NoReturn:
        message = _("Parenthesis not opened: the ) at position %(position)s has no ( before it.")
        raise QueryError(message % {"position": _human(token.position)}, token.position)


def _combine(kind: type[And] | type[Or], children: list[Node]) -> Node:
    """One child stands alone; nested groups of the same kind flatten: (a b) c is a b c."""
    if len(children) == 1:
        return children[0]
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))
