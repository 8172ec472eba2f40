"""Full-text search over mentions' title and text, for the monitor page's search box.

The index is made by migration 0005_mention_search:
- SQLite: the FTS5 table listening_mention_fts (unicode61 tokenizer, diacritics removed), kept in
  sync with listening_mention by triggers. We look up matching rowids there.
- PostgreSQL: the stored column search_words, to_tsvector('simple', listening_unaccent(title ||
  ' ' || text)), with a GIN index (migration 0008). Checking a row reads its words, never
  tokenises its text again.

What people type is never handed to MATCH or to_tsquery as it is. It is cut into words (runs of
letters and digits); every word is quoted as a plain term, so quotes, brackets, AND/OR/NOT/NEAR
and column filters are just text or separators. A `*` right after a word of at least
MIN_PREFIX characters makes it a prefix ("boekhoud*" finds "boekhouding"). All words must
occur, in the title or the text, in any case and with or without accents.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from operator import and_
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, Q, QuerySet, Value
from django.db.models.expressions import Expression, RawSQL
from django.db.models.sql.compiler import SQLCompiler

from klankbord.listening.models import Mention

MAX_INPUT = 1000  # characters of the search box looked at
MAX_WORDS = 32  # words beyond these are ignored: all must match, so results only widen
MIN_PREFIX = 2  # a shorter word followed by * is searched as a whole word

FTS_TABLE = "listening_mention_fts"
SEARCH_COLUMN = "search_words"  # PostgreSQL's stored words, from migration 0008
WORD = re.compile(r"([^\W_]+)(\*?)")  # letters and digits, and whether a * follows directly


@dataclass(frozen=True)
class Term:
    word: str
    prefix: bool


def terms(words: str) -> list[Term]:
    """The words of a search, in order and without repeats, each possibly a prefix."""
    text = unicodedata.normalize("NFC", words[:MAX_INPUT])
    found: dict[tuple[str, bool], Term] = {}
    for match in WORD.finditer(text):
        word = match.group(1)
        prefix = bool(match.group(2)) and len(word) >= MIN_PREFIX
        found.setdefault((word.casefold(), prefix), Term(word, prefix))
    return list(found.values())[:MAX_WORDS]


def fts5_query(found: list[Term]) -> str:
    """An FTS5 query: each word a quoted string (implicitly ANDed), prefixes starred."""
    return " ".join(
        '"' + term.word.replace('"', '""') + '"' + ("*" if term.prefix else "") for term in found
    )


# One word as a tsquery: accents stripped first, then quoted as a single lexeme (unaccent can turn
# a letter such as U+02BC into a quote, so the quoting has to come after it), :* for a prefix.
PG_TERM = (
    "to_tsquery('simple'::regconfig, chr(39) || replace(replace(listening_unaccent({word}),"
    " chr(92), chr(92) || chr(92)), chr(39), chr(39) || chr(39)) || chr(39) || {suffix})"
)


class PostgresMatch(Expression):
    """The stored words of title and text (migration 0008) against all words."""

    output_field = BooleanField()

    def __init__(self, found: list[Term]) -> None:
        super().__init__()
        self.term_count = len(found)
        words = [Value(term.word) for term in found]
        suffixes = [Value(":*" if term.prefix else "") for term in found]
        self.parts: list[Any] = [F("title"), F("text"), *words, *suffixes]

    def get_source_expressions(self) -> list[Any]:
        return self.parts

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.parts = list(exprs)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        # The title resolved to the mention table's column: its alias names the stored words too.
        table = compiler.quote_name_unless_alias(self.parts[0].alias)
        values = [compiler.compile(part) for part in self.parts[2:]]
        words, suffixes = values[: self.term_count], values[self.term_count :]
        params: list[Any] = []
        queries = []
        for (word, word_params), (suffix, suffix_params) in zip(words, suffixes, strict=True):
            queries.append(PG_TERM.format(word=word, suffix=suffix))
            params += [*word_params, *suffix_params]
        column = connection.ops.quote_name(SEARCH_COLUMN)
        return f"{table}.{column} @@ ({' && '.join(queries)})", tuple(params)


def search_mentions(queryset: QuerySet[Mention], words: str) -> QuerySet[Mention]:
    """The mentions of `queryset` that contain all the words (blank words: all of them)."""
    if not words or not words.strip():
        return queryset
    found = terms(words)
    if not found:
        return queryset.none()  # only punctuation: nothing a word index can find
    vendor = connections[queryset.db].vendor
    if vendor == "sqlite":
        # A constant table name; the words go in as a parameter, already made a safe query.
        matching = RawSQL(  # noqa: S611
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [fts5_query(found)],
        )
        return queryset.filter(pk__in=matching)
    if vendor == "postgresql":
        return queryset.filter(PostgresMatch(found))
    # Any other database has no index from 0005: a slow but equivalent scan.
    return queryset.filter(
        reduce(and_, (Q(title__icontains=t.word) | Q(text__icontains=t.word) for t in found))
    )
