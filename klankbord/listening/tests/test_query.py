"""The monitor query language: words, phrases, wildcards, operators, filters and friendly errors."""

from collections.abc import Iterator, Sequence

import pytest
from django.utils import translation

from klankbord.listening.query import (
    MAX_DEPTH,
    MAX_LENGTH,
    And,
    Language,
    MentionText,
    Near,
    Not,
    Or,
    Phrase,
    Prefix,
    QueryError,
    Term,
    parse,
)

GENT = (51.05, 3.71667)
LOKEREN = (51.10, 3.99)  # about 20 km from Gent, 13 km from Sint-Niklaas
BRUGGE = (51.20, 3.22)  # about 38 km from Gent
LIEGE = (50.63, 5.57)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # The msgids are English; tests read them without depending on the translation files.
    with translation.override("en"):
        yield


def matches(
    query: str,
    text: str,
    language: str = "und",
    places: Sequence[tuple[float, float]] = (),
) -> bool:
    return parse(query).matches(MentionText.of(text, language, places))


def error(query: str) -> QueryError:
    with pytest.raises(QueryError) as raised:
        parse(query)
    return raised.value


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("bakker", "De beste Bakker van de stad", True),
        ("bakker", "Bakkerij De Zon", False),
        ("bakkerij", "de bakker om de hoek", False),
        ("cafe", "Gezellig Café in Gent", True),
        ("café", "gezellig cafe", True),
        ("CAFÉ", "Gezellig café", True),
        ("liege", "Vendu à Liège", True),
        ("bakker", "bakker, slager en kruidenier", True),
        ("bakker", "(bakker)", True),
    ],
)
def test_words_ignore_case_and_accents_but_respect_word_boundaries(
    query: str, text: str, expected: bool
) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Op zoek naar een boekhouder", True),
        ("Boekhouding voor kmo's", True),
        ("boekhoud", True),
        ("onze nieuwe boekenkast", False),
        ("de boekhoud-software", True),
    ],
)
def test_a_wildcard_finds_words_that_start_with_it(text: str, expected: bool) -> None:
    assert matches("boekhoud*", text) is expected


def test_a_wildcard_after_a_hashtag_keeps_the_hashtag() -> None:
    assert matches("#gent*", "Mooie dag #GentseFeesten")
    assert not matches("#gent*", "Gentse feesten")


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ('"vers brood"', "Elke ochtend vers brood!", True),
        ('"vers brood"', "Vers, warm brood", False),
        ('"vers brood"', "brood vers", False),
        ('"vers brood"', "VERS BRÔOD", True),
        ("“vers brood”", "vers brood", True),
        ("„vers brood”", "vers brood", True),
        ("„vers brood“", "vers brood", True),
        ('"bakkerij de zon"', "Bij Bakkerij De Zon in Gent", True),
        ('"bakkerij de zon"', "Bakkerij Maan, de zon schijnt", False),
        ('"de zon"', "de zon de zon", True),
        ('"sint niklaas"', "Sint-Niklaas", True),
    ],
)
def test_phrases_are_consecutive_words(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("#gent", "Zonnig in #Gent vandaag", True),
        ("#gent", "Zonnig in Gent vandaag", False),
        ("gent", "Zonnig in #Gent vandaag", True),
        ("@bakkerij", "Dank je @Bakkerij!", True),
        ("@bakkerij", "mail info@bakkerij.be", False),
        ("bakkerij", "Dank je @bakkerij", True),
        ("sint-niklaas", "Frieten in Sint-Niklaas", True),
        ("sint-niklaas", "Frieten in Sint Niklaas", True),
        ("niklaas", "Frieten in Sint-Niklaas", True),
        ("'t", "Naar 't Stad", True),
        ("'t", "Naar \u2019t Stad", True),
        ("'s-hertogenbosch", "Vandaag in \u2019s-Hertogenbosch", True),
        ("covid19", "Na covid19 weer open", True),
        ("3d-print", "Onze 3D-print service", True),
    ],
)
def test_hashtags_mentions_hyphens_apostrophes_and_digits(
    query: str, text: str, expected: bool
) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("bakker AND brood", "bakker met brood", True),
        ("bakker AND brood", "bakker zonder koek", False),
        ("bakker brood", "brood van de bakker", True),
        ("bakker brood", "alleen een bakker", False),
        ("bakker OR slager", "de slager", True),
        ("bakker OR slager", "de kruidenier", False),
        ("bakker NOT slager", "de bakker", True),
        ("bakker NOT slager", "de bakker en de slager", False),
        ("NOT slager", "de bakker", True),
        ("NOT NOT slager", "de slager", True),
        ("bakker -slager", "de bakker en de slager", False),
        ("bakker -slager", "de bakker", True),
        ('bakker -"vers brood"', "bakker, vers brood", False),
        ("bakker -(slager OR beenhouwer)", "bakker en beenhouwer", False),
        ("bakker -(slager OR beenhouwer)", "bakker en kruidenier", True),
        ("bakker EN brood", "bakker brood", True),
        ("bakker OF slager", "slager", True),
        ("bakker NIET slager", "bakker slager", False),
        ("bakker NIET slager", "bakker", True),
    ],
)
def test_operators(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # AND binds tighter than OR: bakker OR (slager AND gent)
        ("bakker OR slager AND gent", "bakker in brugge", True),
        ("bakker OR slager AND gent", "slager in brugge", False),
        ("bakker OR slager gent", "slager in brugge", False),
        ("bakker OR slager gent", "slager in gent", True),
        # Parentheses change that.
        ("(bakker OR slager) AND gent", "bakker in brugge", False),
        ("(bakker OR slager) gent", "bakker in gent", True),
        # NOT binds tighter than AND: (NOT bakker) AND gent
        ("NOT bakker AND gent", "slager in gent", True),
        ("NOT bakker AND gent", "bakker in gent", False),
        ("NOT bakker AND gent", "slager in brugge", False),
        ("NOT bakker OR gent", "bakker in gent", True),
        ("NOT (bakker OR slager) gent", "slager in gent", False),
        ("((bakker))", "bakker", True),
    ],
)
def test_precedence_not_then_and_then_or(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


@pytest.mark.parametrize("word", ["and", "or", "not", "en", "of", "niet", "Niet", "Of"])
def test_operators_in_lower_case_are_plain_words(word: str) -> None:
    query = parse(f"bakker {word} slager")
    assert isinstance(query.root, And)
    assert len(query.root.children) == 3
    assert matches(f"bakker {word} slager", f"bakker {word.lower()} slager")
    assert not matches(f"bakker {word} slager", "bakker slager")


def test_a_hyphen_inside_a_word_or_alone_is_no_not() -> None:
    assert matches("sint-niklaas", "Sint-Niklaas")
    assert matches("bakker - slager", "bakker slager")


def test_languages() -> None:
    assert matches("lang:nl", "iets", language="nl")
    assert not matches("lang:nl", "quelque chose", language="fr")
    assert matches("LANG:FR cafe", "le café", language="fr")
    assert matches("lang:und", "👍")
    assert matches("cafe -lang:fr", "het café", language="nl")
    assert not matches("cafe -lang:fr", "le café", language="fr")
    assert matches("lang:nl OR lang:en", "hello", language="en")


def test_near_a_place_within_the_radius() -> None:
    assert matches("near:Gent~25km", "", places=[LOKEREN])
    assert not matches("near:Gent~15km", "", places=[LOKEREN])
    assert matches('near:"Sint-Niklaas"~20km', "", places=[LOKEREN])
    assert matches("near:Gent~40km", "", places=[LIEGE, BRUGGE])
    assert not matches("near:Gent~20km", "")
    assert matches("near:Gent~2,5km", "", places=[GENT])
    assert matches("near:Gent~40", "", places=[BRUGGE])
    assert matches("near:gand~1km", "", places=[GENT])


def test_near_without_a_radius_means_ten_kilometres() -> None:
    query = parse("near:Gent")
    assert isinstance(query.root, Near)
    assert query.root.radius_km == 10
    assert query.matches(MentionText.of("", places=[GENT]))
    assert not query.matches(MentionText.of("", places=[LOKEREN]))


def test_near_accepts_a_space_before_km_and_a_quoted_name_with_spaces() -> None:
    query = parse('near:"Den Haag"~5 km bakker')
    assert str(query) == 'near:"Den Haag"~5km AND bakker'


def test_near_combines_with_words() -> None:
    query = '(bakker OR slager) near:"Sint-Niklaas"~15km'
    assert matches(query, "Nieuwe bakker!", places=[(51.165, 4.144)])
    assert not matches(query, "Nieuwe bakker!", places=[LIEGE])
    assert not matches(query, "Nieuwe kapper!", places=[(51.165, 4.144)])


def test_parse_builds_small_nodes() -> None:
    root = parse('bakker OR "vers brood" boekhoud* -lang:fr').root
    assert root == Or(
        (
            Term("bakker"),
            And((Phrase(("vers", "brood")), Prefix("boekhoud"), Not(Language("fr")))),
        )
    )


@pytest.mark.parametrize(
    ("query", "normalised"),
    [
        ("Bakker  brood", "bakker AND brood"),
        ("bakker OF slager EN gent", "bakker OR slager AND gent"),
        ("(bakker OR slager) gent", "(bakker OR slager) AND gent"),
        ("a OR (b OR c)", "a OR b OR c"),
        ("(a b) c", "a AND b AND c"),
        ("NIET (a OF b)", "NOT (a OR b)"),
        ("-Café", "NOT cafe"),
        ("„Vers Brood”", '"vers brood"'),
        ('"Bakker"', "bakker"),
        ("BoekHoud*", "boekhoud*"),
        ("lang:NL", "lang:nl"),
        ('near:"Gent"', "near:Gent~10km"),
        ("near:Gent~2,5km", "near:Gent~2.5km"),
    ],
)
def test_str_is_a_normalised_query_that_parses_to_itself(query: str, normalised: str) -> None:
    assert str(parse(query)) == normalised
    assert str(parse(normalised)) == normalised


def test_terms_are_the_words_to_highlight_without_negated_ones() -> None:
    query = parse('bakker OR "vers brood" boekhoud* -slager lang:nl bakker #Gent')
    assert query.terms() == ("bakker", "vers brood", "boekhoud*", "#gent")


def test_punctuation_alone_is_ignored() -> None:
    assert str(parse("bakker & slager !")) == "bakker AND slager"
    assert str(parse('bakker ""')) == "bakker"


def test_a_mention_is_prepared_once() -> None:
    mention = MentionText.of("Bakkerij \u2019t Hoekske in Sint-Niklaas #Gent", "NL", [GENT])
    assert {"bakkerij", "'t", "t", "sint-niklaas", "sint", "niklaas", "#gent", "gent"} <= set(
        mention.words
    )
    assert mention.tokens == ("bakkerij", "t", "hoekske", "in", "sint", "niklaas", "gent")
    assert mention.vocabulary == tuple(sorted(mention.words))
    assert mention.language == "nl"
    assert (mention.places[0].lat, mention.places[0].lon) == GENT


@pytest.mark.parametrize(
    ("query", "position", "fragment"),
    [
        ("(bakker OR brood", 0, "the ( at position 1 has no ) after it"),
        ("bakker (brood (vers)", 7, "the ( at position 8 has no )"),
        ("bakker OR brood)", 15, "the ) at position 16 has no ( before it"),
        (") bakker", 0, "the ) at position 1 has no ( before it"),
        ('bakker "vers brood', 7, 'the " at position 8 has no closing quotation mark'),
        ("bakker „vers brood", 7, "the „ at position 8"),
        ("bakker NOT", 7, "After NOT there must be a word or group"),
        ("bakker NIET", 7, "After NIET there must be"),
        ("NOT OR bakker", 0, "After NOT"),
        ("bakker -)", 8, "the ) at position 9"),
        ("bakker AND", 7, "After AND"),
        ("bakker OR", 7, "After OR"),
        ("bakker OR AND brood", 7, "After OR"),
        ("bakker AND OR brood", 7, "After AND"),
        ("(bakker OR) brood", 8, "After OR"),
        ("AND bakker", 0, "Before AND there must be a word or group"),
        ("OF bakker", 0, "Before OF"),
        ("bakker (OR slager)", 8, "Before OR"),
        ("bakker ()", 7, "Empty parentheses at position 8"),
        ("boekhoud *", 9, "A * needs letters before it"),
        ("lang:xx", 5, "Unknown language: xx"),
        ("bakker lang:", 12, "After lang: there must be a language"),
        ("near:Atlantis~10km", 5, "Unknown place: Atlantis"),
        ("bakker near:Den Haag", 12, "Unknown place: Den."),
        ('near:"Nergensdorp"', 5, "Unknown place: Nergensdorp"),
        ("near:", 5, "After near: there must be a place"),
        ("near:Gent~twintig", 9, "Distance not understood: ~twintig"),
    ],
)
def test_errors_say_what_is_wrong_and_where(query: str, position: int, fragment: str) -> None:
    problem = error(query)
    assert problem.position == position
    assert fragment in problem.message
    assert str(problem) == problem.message


def test_near_with_a_wrong_unit_leaves_the_unit_as_a_word() -> None:
    # "miles" is not a distance unit here; the mistake shows as an ordinary word.
    assert str(parse("near:Gent~20 miles")) == "near:Gent~20km AND miles"


@pytest.mark.parametrize("query", ["", "   ", "!!!", '""', "„ ”"])
def test_an_empty_query_is_an_error(query: str) -> None:
    problem = error(query)
    assert problem.position == 0
    assert "empty" in problem.message


def test_a_query_may_be_long_but_not_too_long() -> None:
    words = " OR ".join(f"woord{n}" for n in range(200))
    parse(words[:MAX_LENGTH].rsplit(" OR ", 1)[0])
    problem = error("a" * (MAX_LENGTH + 1))
    assert problem.position == MAX_LENGTH
    assert "too long" in problem.message
    assert str(MAX_LENGTH) in problem.message


def test_nesting_may_be_deep_but_not_too_deep() -> None:
    deep = "(" * MAX_DEPTH + "bakker" + ")" * MAX_DEPTH
    assert matches(deep, "bakker")
    problem = error("(" * (MAX_DEPTH + 1) + "bakker" + ")" * (MAX_DEPTH + 1))
    assert problem.position == MAX_DEPTH
    assert "Too many levels" in problem.message


def test_a_long_chain_of_nots_is_too_deep_not_a_crash() -> None:
    problem = error("-" * 900 + "bakker")
    assert problem.position == MAX_DEPTH
    assert "Too many levels" in error("NOT " * 200 + "bakker").message


def test_errors_are_translated() -> None:
    with translation.override("nl"):
        problem = error("(bakker")
    assert problem.position == 0
    assert problem.message  # Dutch once the translation files have it, English until then
