"""Cues that read the sentence, not just its words: how it asks, where it turns, what it mocks.

Pure Python, no Django. `features(raw, normalized, tokens, analysis)` gives a fixed-length vector
in the order of `FEATURE_NAMES`; the fast tier appends it to its n-grams and the accurate tier to
its embeddings. Each cue is a plain yes/no or a small count, so a linear head can weigh it:

- questions without a question mark: a sentence that starts with a verb followed by its subject
  ("Hebben jullie nog taart", "Is er plaats", "Kan ik betalen met bancontact"), an interrogative
  at a clause start ("hoe laat gaat ...", "tot wanneer ..."), search phrases ("weet iemand",
  "kent er iemand", "zoek", "gezocht", "graag info", "tips voor", "iemand een aanrader",
  "zeg eens wie ...");
- contrast: the lexicon score of what follows the last "maar", "alleen jammer", "helaas" ...,
  which is what the writer means ("eten top, bediening traag" turns on the comma as well);
- negation scope: how many praise words a negation reaches ("niet lekker", "geen goede
  service", "allesbehalve vers") and how many words of criticism ("niet slecht", "geen enkel
  probleem", "nooit teleurgesteld"), as the lexicon reads them;
- sarcasm: praise together with an eye-roll emoji, "hoor"/"zeg" after praise (not after a
  negated criticism: "niet slecht hoor" is meant), "weer"/"alweer", a waiting time ("3 weken
  gewacht"), praise in quotation marks, "bedankt voor niks";
- shouting: the share of capitals and words written in capitals.
"""

import re
from typing import NamedTuple

from klankbord.language import lexicon


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A finite verb that opens a sentence and is followed by its subject asks: "Hebben jullie ...".
SUBJECTS = _words(
    "jullie julle gulle gulder gullie u ge gij gy de het 't er ik je jij hij zij ze we "
    "wij iemand men mijn mn m'n uw die dat da deze"
)
# Words that can start a sentence and be followed by a subject without asking a question.
NOT_VERBS = _words(
    "en maar want dus of toen als omdat dan nu hier daar vandaag morgen gisteren vanavond "
    "straks zondag zaterdag ook ja nee neen ok oke oké merci dank bedankt proficiat bravo "
    "top super tof dikke wow amai allez pff goh hallo hoi hey dag beste lieve welkom "
    "sorry helaas jammer gelukkig eerst daarna toch zeker echt wel nog altijd nooit soms "
    "van voor met bij aan op in uit naar om door over onder tegen tot zonder na sinds de "
    "het een ne nen 't die dat deze dit da mijn mn uw ons onze hun haar zijn z'n ik je "
    "jij ge gij we wij ze zij hij jullie u iemand niemand iedereen alles niks niets zo "
    "heel erg wat wie waar hoe"
)
# Verbs that often open a question; a verb-first sentence with one of them counts twice.
QUESTION_VERBS = _words(
    "heb hebt hebben hebde hebdegij heeft is zijn zijt zijde zidde ben bent kan kun kunt "
    "kunnen kunde mag mogen moogt moet moeten moete wil wilt willen zou zoudt zouden "
    "zoude doe doet doen doede leveren levert bezorgen bezorgt verkopen verkoopt werken "
    "werkt maken maakt komen komt gaat gaan staat staan ligt liggen zit zitten rijden "
    "rijdt nemen neemt bieden biedt verhuren knippen vergoedt dekt weet weten ken kent "
    "kennen hoeft hoef krijg krijgt accepteren aanvaarden sturen stuurt bakken bakt "
    "ontvang ontvangen vind vindt vinden"
)
INTERROGATIVES = _words(
    "wie wat wa waar wanneer hoe waarom welke welk hoeveel hoelang hoeveelste waarmee "
    "waarvoor waarop waarheen vanwaar wadde wiens"
)
# Phrases that ask readers for something. Matched on the space-joined tokens.
SEARCH_PHRASES = (
    "weet iemand", "weet er iemand", "kent iemand", "kent er iemand", "ken iemand",
    "iemand een", "iemand ervaring", "iemand die", "iemand tips", "iemand een tip",
    "heeft iemand", "heeft er iemand", "heb je tips", "wie kent", "wie weet", "wie kan",
    "wie heeft", "wie doet", "wie maakt", "kan iemand", "zoek", "zoeken", "op zoek",
    "opzoek", "gezocht", "graag info", "graag meer info", "graag een", "graag jullie",
    "tips voor", "tip voor", "tips welkom", "aanrader voor", "aanraders", "aanraden",
    "zeg eens", "vertel eens", "laat eens", "laat maar weten", "laat weten", "vraagje",
    "vraag over", "ik vroeg me af", "graag geweten", "zou graag weten", "wil graag weten",
    "wil weten", "ervaringen", "suggesties", "help", "dringend", "nodig", "adres voor",
    "een adres", "nummer van", "anyone know", "looking for", "cherche", "quelqu'un",
)  # fmt: skip
# "3 weken gewacht", "een uur", "45 minuten": waiting is what customers complain about.
DURATION = re.compile(
    r"\b(\d+|een|ne|nen|twee|drie|vier|vijf|zes|anderhalf|half|halfuur|kwartier|al|na)"
    r"\s*(sec|min|minuten|minuutjes|uur|uren|u|dag|dagen|week|weken|maand|maanden|jaar)\b"
)
CONTRAST = frozenset({"maar", "alleen", "helaas", "jammer", "spijtig", "toch", "but", "mais"})
QUOTE_MARKS = frozenset("\"“”«»'")
SARCASM_EMOJI = frozenset("🙄😒🙃🤦😑🤨")
AGAIN = _words("weer alweer opnieuw steeds telkens again")
TAGS = _words("hoor zeg zenne he hé")
THANKS_FOR_NOTHING = ("voor niks", "voor niets", "bedankt hoor", "merci hoor", "ge zijt bedankt")
SEARCH = re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, SEARCH_PHRASES)) + r")(?!\S)")
THANKS = re.compile("|".join(map(re.escape, THANKS_FOR_NOTHING)))
QUOTED = re.compile(r"[\"“”«»']\s*[^\W\d_][^\"“”«»']{1,30}[\"“”«»']")
CAPITALS = re.compile(r"\b[A-Z]{3,}\b")
UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
# Letters counted by runs: a list of a few words, not one item per letter.
LETTER_RUN = re.compile(r"[^\W\d_]+")
MAX_COUNT = 3.0


class Cues(NamedTuple):
    verb_first: float
    question_verb_first: float
    interrogative_start: float
    interrogative_anywhere: float
    search_phrase: float
    addresses_business: float
    ends_without_mark: float
    question_mark: float
    after_contrast_score: float
    before_contrast_score: float
    last_clause_score: float
    contrast: float
    negated_praise: float
    negated_criticism: float
    sarcasm_emoji: float
    praise_with_tag: float
    again: float
    duration: float
    praise_and_complaint: float
    praise_and_waiting: float
    quoted_word: float
    thanks_for_nothing: float
    capital_share: float
    capital_words: float
    exclamations: float
    short: float


FEATURE_NAMES: tuple[str, ...] = Cues._fields


def features(
    raw: str,
    normalized: str,
    tokens: list[str],
    analysis: lexicon.Analysis,
    clauses: lexicon.Clauses,
) -> list[float]:
    """The values of `FEATURE_NAMES` for one post; `tokens` come with punctuation, `analysis`
    and `clauses` from `lexicon.analyse_with_clauses`."""
    parts = _clauses(tokens)
    joined = " " + " ".join(tokens) + " "
    words = [token for token in tokens if token[0].isalpha()]
    verb_first = question_verb_first = interrogative_start = 0.0
    for clause in parts:
        first, second = clause[0], clause[1] if len(clause) > 1 else ""
        if first in INTERROGATIVES or (len(clause) > 2 and second in INTERROGATIVES):
            interrogative_start = 1.0
        if second in SUBJECTS and first.isalpha() and first not in NOT_VERBS:
            verb_first = 1.0
            if first in QUESTION_VERBS:
                question_verb_first = 1.0
    positive = analysis.positive_sum > 0.2
    # Praise of its own, not only a negated criticism: "niet slecht hoor" is no sarcasm.
    praise = positive and analysis.positive_words > clauses.negated_negative
    negative = analysis.negative_sum < -0.2
    duration = 1.0 if DURATION.search(normalized) else 0.0
    letters = sum(map(len, LETTER_RUN.findall(raw)))
    capitals = len(UPPER.findall(raw)) if letters >= 4 and not raw.islower() else 0
    return list(
        Cues(
            verb_first=verb_first,
            question_verb_first=question_verb_first,
            interrogative_start=interrogative_start,
            interrogative_anywhere=0.0 if INTERROGATIVES.isdisjoint(words) else 1.0,
            search_phrase=min(len(SEARCH.findall(joined)), MAX_COUNT),
            addresses_business=1.0 if " jullie " in joined or " julle " in joined else 0.0,
            ends_without_mark=0.0 if tokens and tokens[-1][0] in "?!." else 1.0,
            question_mark=1.0 if "?" in normalized else 0.0,
            after_contrast_score=clauses.after_contrast,
            before_contrast_score=clauses.before_contrast,
            last_clause_score=clauses.last_clause,
            contrast=0.0 if CONTRAST.isdisjoint(tokens) else 1.0,
            negated_praise=min(float(clauses.negated_positive), MAX_COUNT),
            negated_criticism=min(float(clauses.negated_negative), MAX_COUNT),
            sarcasm_emoji=0.0 if SARCASM_EMOJI.isdisjoint(tokens) else 1.0,
            # "Top service hoor", "Goed gedaan zeg": praise closed by a tag word.
            praise_with_tag=1.0 if praise and not TAGS.isdisjoint(tokens[1:]) else 0.0,
            again=min(sum(1.0 for word in words if word in AGAIN), MAX_COUNT),
            duration=duration,
            praise_and_complaint=1.0 if positive and negative else 0.0,
            praise_and_waiting=1.0 if positive and duration else 0.0,
            quoted_word=1.0 if QUOTE_MARKS.intersection(raw) and QUOTED.search(raw) else 0.0,
            thanks_for_nothing=1.0 if THANKS.search(joined) else 0.0,
            capital_share=capitals / letters if letters >= 4 else 0.0,
            capital_words=min(len(CAPITALS.findall(raw)), MAX_COUNT) if capitals else 0.0,
            exclamations=min(normalized.count("!"), MAX_COUNT),
            short=1.0 if len(words) <= 3 else 0.0,
        )
    )


def _clauses(tokens: list[str]) -> list[list[str]]:
    """Runs of word tokens between punctuation; emoji and numbers stay inside their clause."""
    clauses: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        if token[0] in "!?.,;:…":
            if current:
                clauses.append(current)
            current = []
        else:
            current.append(token)
    if current:
        clauses.append(current)
    return clauses
