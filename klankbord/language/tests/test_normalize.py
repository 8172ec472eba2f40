"""Normalising social posts and splitting them into tokens. No Django needed."""

import pytest

from klankbord.language.normalize import normalize, normalized_with_elongations, tokens


def test_lower_cases_and_collapses_spaces() -> None:
    assert normalize("  Lekker   BROOD  ") == "lekker brood"


@pytest.mark.parametrize(
    "text",
    [
        "Zie https://bakkerij-jansen.be/uren voor de uren",
        "Zie www.bakkerij-jansen.be voor de uren",
        "Zie bakkerij-jansen.be voor de uren",
        "Zie HTTPS://Bakkerij.be/Uren voor de uren",
    ],
)
def test_links_become_url(text: str) -> None:
    assert normalize(text) == "zie URL voor de uren"


def test_punctuation_after_a_link_stays_outside_it() -> None:
    assert normalize("Zie https://bakkerij.be/uren. Tot dan!") == "zie URL . tot dan!"


def test_mentions_and_email_addresses_become_placeholders() -> None:
    assert normalize("@BakkerijJan merci!") == "@USER merci!"
    assert normalize("Vraag het @an@mastodon.social") == "vraag het @USER"
    assert normalize("Mail info@bakkerij.be") == "mail EMAIL"


def test_hashtags_keep_their_words() -> None:
    assert normalize("#superlekker") == "superlekker"
    assert normalize("Wat een avond #GoedVolk") == "wat een avond goed volk"
    assert normalize("#BBQFeest2024") == "bbq feest 2024"


def test_drawn_out_letters_and_marks_are_squeezed_to_two() -> None:
    assert normalize("Suuuuper lekker!!!!!") == "suuper lekker!!"
    assert normalize("Waaaarom???") == "waarom??"


def test_numbers_and_ellipses_are_not_squeezed() -> None:
    assert normalize("1000 euro...") == "1000 euro..."


def test_elongations_are_counted() -> None:
    assert normalized_with_elongations("Suuuuper zaaalig") == ("suuper zaalig", 2)
    assert normalized_with_elongations("Lekker") == ("lekker", 0)


def test_emoji_and_emoticons_stay_as_they_are() -> None:
    assert normalize("Top 😍👍🏽 :-) xD <3") == "top 😍👍🏽 :-) xd <3"


def test_typographic_apostrophes_become_straight() -> None:
    assert normalize("Da\u2019s lekker") == "da's lekker"


def test_tokens_are_words_of_the_normalised_text() -> None:
    assert tokens("Vers brood, elke dag!") == ["vers", "brood", "elke", "dag"]


def test_punctuation_tokens_on_request() -> None:
    assert tokens("Vers brood, elke dag!!!", punctuation=True) == [
        "vers",
        "brood",
        ",",
        "elke",
        "dag",
        "!!",
    ]


@pytest.mark.parametrize(
    "emoticon", [":-)", ":)", ":(", ";)", ":'(", ":d", ":p", "xd", "<3", "-_-", ">:(", "^^"]
)
def test_emoticons_are_single_tokens(emoticon: str) -> None:
    assert tokens(f"zalig {emoticon} echt") == ["zalig", emoticon, "echt"]


def test_emoticon_at_the_end_of_a_word() -> None:
    assert tokens("zalig:)") == ["zalig", ":)"]


def test_times_and_prices_are_not_emoticons() -> None:
    assert tokens("open om 12:30, 8,50 euro") == ["open", "om", "12:30", "8,50", "euro"]


def test_emoji_are_tokens_without_skin_tone_or_presentation_selector() -> None:
    assert tokens("Merci👍🏽❤️😍😍") == ["merci", "👍", "❤", "😍", "😍"]


def test_joined_emoji_and_flags_are_one_token() -> None:
    assert tokens("👨\u200d🍳 🇧🇪") == ["👨\u200d🍳", "🇧🇪"]


def test_flemish_clitics_are_split() -> None:
    assert tokens("'k Was daar, da's wreed lekker") == [
        "'k",
        "was",
        "daar",
        "dat",
        "is",
        "wreed",
        "lekker",
    ]
    assert tokens("Da'k dat nog mag meemaken") == ["dat", "'k", "dat", "nog", "mag", "meemaken"]
    assert tokens("Was't goed?") == ["was", "'t", "goed"]


def test_plurals_and_contracted_words_stay_whole() -> None:
    assert tokens("foto's van zo'n taart") == ["foto's", "van", "zo'n", "taart"]


def test_placeholders_are_tokens() -> None:
    assert tokens("@bakker zie https://bakker.be") == ["@USER", "zie", "URL"]


def test_empty_text() -> None:
    assert normalize("") == ""
    assert tokens("") == []
