"""Full-text search of mentions: SQLite FTS5 or PostgreSQL full text, whichever runs the tests."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.db import connection

from klankbord.listening import selectors
from klankbord.listening.models import Mention
from klankbord.listening.search import Term, fts5_query, search_mentions, terms
from klankbord.orgs.models import Organisation
from klankbord.test import World

pytestmark = pytest.mark.django_db
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
numbers = count()


def heard(organisation: Organisation, text: str, title: str = "") -> Mention:
    n = next(numbers)
    return Mention.objects.create(
        organisation=organisation, network="rss", remote_id=f"item-{n}", key=f"key-{n}",
        title=title, text=text, published_at=START + timedelta(minutes=n),
    )  # fmt: skip


def found(organisation: Organisation, words: str) -> set[str]:
    mentions = selectors.mentions_of(organisation, selectors.MentionFilters(search=words))
    return {mention.text for mention in mentions}


@pytest.fixture
def mentions(world: World) -> None:
    heard(world.org, "Lekkere koffie in het café op de markt")
    heard(world.org, "De CAFE was gesloten vandaag")
    heard(world.org, "Onze boekhouding is eindelijk op orde", title="Nieuws van de bakker")
    heard(world.org, "Het boekhoudkantoor belde over de btw")
    heard(world.org, "Een boek over brood bakken")
    heard(world.org, "Crème brûlée bij de Bakker in Gent")


def accents_are_folded() -> bool:
    """False only on a PostgreSQL where the unaccent extension could not be installed."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT listening_unaccent('é') = 'e'")
        return bool(cursor.fetchone()[0])


def test_case_and_accents_do_not_matter(world: World, mentions: None) -> None:
    if not accents_are_folded():
        pytest.skip("this PostgreSQL has no unaccent extension")
    both = {"Lekkere koffie in het café op de markt", "De CAFE was gesloten vandaag"}
    assert found(world.org, "cafe") == both
    assert found(world.org, "Café") == both
    assert found(world.org, "CAFÉ") == both
    assert found(world.org, "creme brulee") == {"Crème brûlée bij de Bakker in Gent"}


def test_every_word_must_occur_in_title_or_text(world: World, mentions: None) -> None:
    assert found(world.org, "bakker") == {
        "Onze boekhouding is eindelijk op orde",  # in the title
        "Crème brûlée bij de Bakker in Gent",
    }
    assert found(world.org, "bakker gent") == {"Crème brûlée bij de Bakker in Gent"}
    assert found(world.org, "bakker boekhouding") == {"Onze boekhouding is eindelijk op orde"}
    assert found(world.org, "koffie gent") == set()


def test_a_star_after_a_word_finds_words_that_start_with_it(world: World, mentions: None) -> None:
    assert found(world.org, "boekhoud") == set()  # whole words only
    assert found(world.org, "boekhoud*") == {
        "Onze boekhouding is eindelijk op orde",
        "Het boekhoudkantoor belde over de btw",
    }
    assert found(world.org, "BOEK*  orde") == {"Onze boekhouding is eindelijk op orde"}
    assert found(world.org, "boek") == {"Een boek over brood bakken"}


def test_blank_search_changes_nothing(world: World, mentions: None) -> None:
    everything = Mention.objects.filter(organisation=world.org)
    assert search_mentions(everything, "") is everything
    assert search_mentions(everything, "   \t\n") is everything
    assert len(found(world.org, "")) == 6


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ('"cafe', 2),
        ("cafe'", 2),
        ('"cafe" "gesloten"', 1),
        ("cafe)", 2),
        ("(cafe", 2),
        ("-cafe", 2),  # not a NOT: just the word
        ("cafe -gesloten", 1),
        ("cafe OR gent", 0),  # not an OR: "or" is a word no mention has
        ("NEAR(cafe gesloten)", 0),
        ("NEAR(", 0),
        ("title:bakker", 0),  # not a column filter either
        ("bakker AND", 0),
        ("bakker NOT gent", 0),
        ("^bakker", 2),
        ("bakker:*", 2),
        ("bak'ker", 0),
        ("*", 0),
        ("**cafe**", 2),
        ('"', 0),
        ("'", 0),
        (")", 0),
        ("-", 0),
        ("OR", 0),
        ("&|!<->", 0),
        ("\\", 0),
        ("a*", 0),  # too short to be a prefix: the word "a"
        ("cafe\x00", 2),
    ],
)
def test_whatever_people_type_is_searched_as_words(
    world: World, mentions: None, words: str, expected: int
) -> None:
    assert len(found(world.org, words)) == expected


def test_long_junk_neither_fails_nor_matches(world: World, mentions: None) -> None:
    junk = "".join(chr(33 + (i * 7919) % 9000) for i in range(500))
    assert found(world.org, junk) == set()
    assert found(world.org, '"*()-^:' * 80) == set()
    assert found(world.org, "cafe " * 200) == {
        "Lekkere koffie in het café op de markt",
        "De CAFE was gesloten vandaag",
    }


def test_an_edited_mention_is_found_under_its_new_words_only(world: World) -> None:
    mention = heard(world.org, "Het brood was oudbakken", title="Klacht")
    assert found(world.org, "oudbakken") == {"Het brood was oudbakken"}

    mention.text = "Het brood was heerlijk vers"
    mention.save()
    assert found(world.org, "oudbakken") == set()
    assert found(world.org, "heerlijk vers") == {"Het brood was heerlijk vers"}
    assert found(world.org, "klacht") == {"Het brood was heerlijk vers"}

    Mention.objects.filter(pk=mention.pk).update(title="Compliment")
    assert found(world.org, "klacht") == set()
    assert found(world.org, "compliment vers") == {"Het brood was heerlijk vers"}

    Mention.objects.filter(pk=mention.pk).update(sentiment="positive")  # not title or text
    assert found(world.org, "compliment vers") == {"Het brood was heerlijk vers"}


def test_deleted_mentions_are_no_longer_found(world: World, mentions: None) -> None:
    Mention.objects.filter(text__startswith="De CAFE").delete()
    assert found(world.org, "cafe") == {"Lekkere koffie in het café op de markt"}
    Mention.objects.filter(organisation=world.org).delete()
    assert found(world.org, "cafe") == set()


def test_another_organisations_mentions_never_show(world: World, mentions: None) -> None:
    heard(world.other_org, "Garage Charlie drinkt koffie in het café")
    assert found(world.org, "koffie cafe") == {"Lekkere koffie in het café op de markt"}
    assert found(world.other_org, "koffie cafe") == {"Garage Charlie drinkt koffie in het café"}
    assert found(world.other_org, "boekhoud*") == set()


def test_search_combines_with_other_filters_and_subqueries(world: World, mentions: None) -> None:
    Mention.objects.filter(text__startswith="De CAFE").update(sentiment="negative")
    filters = selectors.MentionFilters(search="cafe", sentiment="negative")
    assert [m.text for m in selectors.mentions_of(world.org, filters)] == [
        "De CAFE was gesloten vandaag"
    ]
    searched = search_mentions(Mention.objects.filter(organisation=world.org), "boekhoud*")
    assert Mention.objects.filter(pk__in=searched.values("pk")).count() == 2
    assert searched.count() == 2


def test_words_are_quoted_before_they_reach_the_database() -> None:
    assert terms('NEAR("a" b*) OR c* -d "x') == [
        Term("NEAR", False),
        Term("a", False),
        Term("b", False),
        Term("OR", False),
        Term("c", False),
        Term("d", False),
        Term("x", False),
    ]
    found = terms("Boekhoud* boekhoud* café")
    assert fts5_query(found) == '"Boekhoud"* "café"'
    assert terms("  ") == []
    assert len(terms("woord " * 100)) == 1
    assert len(terms(" ".join(f"w{i}" for i in range(100)))) == 32


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_the_fts5_index_matches_the_mentions_table(world: World, mentions: None) -> None:
    mention = heard(world.org, "nog een vermelding")
    mention.text = "aangepast"
    mention.save()
    Mention.objects.filter(text__startswith="Een boek").delete()
    with connection.cursor() as cursor:
        # Raises if the index differs from what the content table says it should hold.
        cursor.execute(
            "INSERT INTO listening_mention_fts(listening_mention_fts, rank)"
            " VALUES ('integrity-check', 1)"
        )
        cursor.execute("SELECT count(*) FROM listening_mention_fts")
        assert cursor.fetchone()[0] == Mention.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_uses_the_gin_index(world: World, mentions: None) -> None:
    searched = search_mentions(Mention.objects.all(), "cafe boekhoud*")
    sql, params = searched.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "listening_mention_search_words" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored words are PostgreSQL's")
def test_postgresql_checks_the_stored_words_without_tokenising_again(
    world: World, mentions: None
) -> None:
    searched = search_mentions(Mention.objects.all(), "cafe")
    sql, _params = searched.query.sql_with_params()
    assert "to_tsvector" not in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM listening_mention WHERE search_words IS NULL")
        assert cursor.fetchone()[0] == 0  # every row has its words, old and new
