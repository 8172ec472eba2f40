"""Which language a post is in: nl, fr, en, de, or `und` when a post is too short to tell.

py3langid ships its model inside the package; restricting it to the languages our users write
makes it reliable on short posts. Links, mentions, hashtags and emoji say nothing about the
language, so they are removed before counting letters and classifying.
"""

import re
from functools import cache
from typing import Any

LANGUAGES = ("nl", "fr", "en", "de")
UNDETERMINED = "und"
# Fewer letters than this ("ok", "Top!", "👍") cannot be told apart reliably.
MIN_LETTERS = 8
# Below this normalised probability the detector is guessing.
MIN_CONFIDENCE = 0.6
LETTER = re.compile(r"[^\W\d_]")  # a letter in any script: a word character, not digit or _
NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.@-]+", re.IGNORECASE)


@cache
def identifier() -> Any:
    """Loaded once per process, on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    found = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    found.set_languages(list(LANGUAGES))
    return found


def language_text(text: str) -> str:
    return NOISE.sub(" ", text)


def detect_language(text: str) -> str:
    return detect_with_confidence(text)[0]


def detect_with_confidence(text: str) -> tuple[str, float]:
    cleaned = language_text(text)
    if len(LETTER.findall(cleaned, endpos=400)) < MIN_LETTERS:
        return UNDETERMINED, 0.0
    language, probability = identifier().classify(cleaned)
    if probability < MIN_CONFIDENCE:
        return UNDETERMINED, float(probability)
    return str(language), float(probability)
