"""The sentiment lexicon on Flemish and Netherlands Dutch posts. No Django needed."""

import ast
import math
from pathlib import Path

import pytest

from klankbord.language import lexicon as lexicon_module
from klankbord.language import normalize as normalize_module
from klankbord.language.lexicon import FEATURE_NAMES, analyse, features, lexicon, score
from klankbord.language.normalize import tokens


def test_scores_lie_between_minus_one_and_one() -> None:
    for text in [
        "Heel heel heel super lekker!!! 😍😍😍😍",
        "Nooit meer. Vies, koud en duur 🤮🤮🤮",
    ]:
        assert -1.0 <= score(text) <= 1.0


def test_no_sentiment_words_give_zero() -> None:
    assert score("") == 0.0
    assert score("Kerstbestellingen moeten binnen zijn voor 20 december.") == 0.0


def test_neutral_announcement_is_about_zero() -> None:
    assert abs(score("We zijn open op zondag van 8 tot 12u.")) < 0.1


@pytest.mark.parametrize("text", ["lekker", "vriendelijk", "zalig", "een aanrader", "dikke merci"])
def test_praise_is_positive(text: str) -> None:
    assert score(text) > 0


@pytest.mark.parametrize("text", ["vies", "onbeschoft", "prutswerk", "afzetters", "nooit meer"])
def test_complaints_are_negative(text: str) -> None:
    assert score(text) < 0


def test_negation_flips_polarity() -> None:
    assert score("niet slecht") > 0
    assert score("niet lekker") < 0
    assert score("Het eten was niet lekker") < 0


def test_negation_damps_as_well_as_flips() -> None:
    assert abs(score("niet lekker")) < abs(score("lekker"))


def test_flemish_negators() -> None:
    assert score("nie lekker") < 0
    assert score("ni goe") < 0
    assert score("gene goeie service") < 0


def test_chat_negators() -> None:
    assert score("nx lekker") < 0
    assert score("nix lekker") < 0
    assert score("nt lekker") < 0
    assert score("allesbehalve krokant") < 0
    assert score("ni proper") < 0


def test_negation_reaches_past_an_intensifier() -> None:
    assert score("niet echt lekker") < 0


def test_negation_stops_at_the_end_of_a_clause() -> None:
    assert score("Niet duur, en lekker") > 0


def test_no_problem_is_not_negative() -> None:
    assert score("geen probleem") >= 0
    assert score("Alles zonder problemen geregeld") > 0


def test_intensifier_makes_the_score_stronger() -> None:
    assert score("heel lekker") > score("lekker") > 0
    assert score("super vriendelijk") > score("vriendelijk")
    assert score("echt slecht") < score("slecht") < 0


def test_damper_makes_the_score_weaker() -> None:
    assert 0 < score("een beetje duur") * -1 < score("duur") * -1


def test_intensifier_with_nothing_to_modify_keeps_its_own_weight() -> None:
    assert score("Super!") > 0
    assert score("Da's wreed") < 0


def test_flemish_words() -> None:
    assert score("wreed lekker") > score("lekker") > 0
    assert score("ambetant") < 0
    assert score("'t was zalig") > 0
    assert score("Goesting in nen goeien boterkoek") > 0
    assert score("Amai, wat een miserie met die trage levering") < 0
    assert score("kei goe geholpen") > 0


@pytest.mark.parametrize(
    ("text", "positive"),
    [
        ("alles was proper", True),
        ("het vlees was mals", True),
        ("chance gehad", True),
        ("beestig goed", True),
        ("vetgoed", True),
        ("dikke pluim voor de keuken", True),
        ("supertof", True),
        ("nice", True),
        ("helaas", False),
        ("de printer werkt niet", False),
        ("ni te doen", False),
        ("soep was flets", False),
        ("een puinhoop", False),
        ("gewoon nep", False),
        ("afgesnauwd aan de kassa", False),
        ("mottig weer", False),
    ],
)
def test_flemish_senses_chat_spellings_and_loanwords(text: str, positive: bool) -> None:
    assert (score(text) > 0) is positive
    assert score(text) != 0


def test_inflected_forms_of_listed_words() -> None:
    assert score("een lekkere taart") > 0
    assert score("de lekkerste pistolets") > 0
    assert score("een trage bediening") < 0


@pytest.mark.parametrize(
    ("emoji", "positive"),
    [
        ("😍", True),
        ("👍", True),
        ("❤️", True),
        ("🙏", True),
        (":-)", True),
        ("<3", True),
        ("😡", False),
        ("👎", False),
        ("🤮", False),
        ("🙄", False),
        (":(", False),
        (":'(", False),
    ],
)
def test_emoji_alone_gives_the_right_sign(emoji: str, positive: bool) -> None:
    assert (score(emoji) > 0) is positive
    assert score(emoji) != 0


def test_emoji_with_skin_tone() -> None:
    assert score("👍🏽") == score("👍")


def test_elongated_word_keeps_its_sign_and_is_at_least_as_strong() -> None:
    assert score("suuuuper lekker") > 0
    assert score("suuuuper lekker") >= score("super lekker")
    assert score("zaaaalig") >= score("zalig") > 0


def test_only_the_drawn_out_letter_is_undoubled() -> None:
    # "lekkerrr" is "lekker", not "leker" (an inflection of "lek").
    assert score("lekkerrr") >= score("lekker") > 0
    assert score("properrr") > 0


def test_exclamation_marks_add_emphasis() -> None:
    assert score("lekker!!!") > score("lekker") > 0
    assert score("vies!!!") < score("vies") < 0


def test_hashtags_count() -> None:
    assert score("#lekker") > 0
    assert score("Zondagmorgen #zalig #GoedVolk") > 0


def test_but_clause_carries_the_weight() -> None:
    assert score("Duur, maar echt lekker") > 0
    assert score("Lekker, maar veel te duur") < 0


def test_questions_count_for_less() -> None:
    assert 0 < score("Iemand een goede bakker?") < score("Een goede bakker.")


@pytest.mark.parametrize(
    "phrase", ["niet voor herhaling vatbaar", "dikke merci", "aan te raden", "koud eten"]
)
def test_phrases_are_matched_whole(phrase: str) -> None:
    found = analyse(f"Dat was {phrase}.")
    assert found.positive_words + found.negative_words == 1


def test_features_have_a_fixed_length_in_the_documented_order() -> None:
    for text in ["", "lekker", "Niet slecht, maar 🙄 veel te duur!!! Waarom?"]:
        vector = features(text)
        assert len(vector) == len(FEATURE_NAMES)
        assert all(isinstance(value, float) and math.isfinite(value) for value in vector)
    assert FEATURE_NAMES[-1] == "score"
    assert features("lekker")[-1] == score("lekker")


def test_features_count_what_they_name() -> None:
    named = dict(
        zip(FEATURE_NAMES, features("Niet slecht, maar 🙄 veel te duur!! Echt? 😍"), strict=True)
    )
    assert named["negated_words"] == 1
    assert named["positive_emoji"] == 1
    assert named["negative_emoji"] == 1
    assert named["exclamation_marks"] == 2
    assert named["question_marks"] == 1
    assert named["but_clause"] == 1
    assert named["negative_sum"] < 0 < named["positive_sum"]
    assert named["min_polarity"] < 0 < named["max_polarity"]


def test_features_of_empty_text_are_zero() -> None:
    assert features("") == [0.0] * len(FEATURE_NAMES)


def test_every_emoji_and_emoticon_entry_is_one_token() -> None:
    emoji = [key for key, entry in lexicon().entries.items() if entry.emoji]
    assert len(emoji) > 100
    for key in emoji:
        assert tokens(key, punctuation=True) == [key]


def test_polarities_and_factors_are_in_range() -> None:
    for entry in lexicon().entries.values():
        assert -1.0 <= entry.polarity <= 1.0
        assert 0.0 < entry.factor <= 2.0


def test_lexicon_is_loaded_once() -> None:
    assert lexicon() is lexicon()


def test_modules_import_no_django() -> None:
    for module in (lexicon_module, normalize_module):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        imported = [
            name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for name in (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        ]
        assert not [name for name in imported if name.split(".")[0] in {"django", "rest_framework"}]
