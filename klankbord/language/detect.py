"""Which language a post is in: nl, fr, en, de, or `und` when the post has no language in it.

Two voices, added in log space, then a prior:
- py3langid's naive Bayes over byte n-grams (its model kept to our four languages plus the ones
  short lines in them are mistaken for, mapped back: Afrikaans and Frisian are read as Dutch,
  Walloon as French, Luxembourgish as German; see scripts/language_model.py);
- a vote of common words: function words of each language plus Flemish and Dutch chat words
  ("kheb", "nie", "ge", "zijt", "efkes"), which settle lines too short for n-grams alone.
Dutch is the most likely language of a post, so it gets a small head start.

A post is `und` when it has fewer than MIN_LETTERS letters and no two common words of one
language ("ok", "👍👍", "12:30", "@jan #gent"), or when the best language is less likely than
MIN_CONFIDENCE. Links, mentions, hashtags and emoji say nothing about the language, so they are
removed first. The weights and thresholds were chosen on data/languages/dev.jsonl.
"""

import re
import threading
import unicodedata
import zlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

LANGUAGES = ("nl", "fr", "en", "de")
UNDETERMINED = "und"
MODEL = Path(__file__).resolve().parent / "data" / "languages" / "langid.npz"
# The model's columns, read as one of our languages.
READ_AS = {"nl": "nl", "fr": "fr", "en": "en", "de": "de", "af": "nl", "fy": "nl", "lb": "de"}
READ_AS["wa"] = "fr"
# Fewer letters than this and no two common words of one language: too little to tell.
MIN_LETTERS = 8
# Below this probability of the best language the detector is guessing.
MIN_CONFIDENCE = 0.5
# Weight of one common word, in log-probability units; and each language's head start.
WORD_WEIGHT = 2.0
PRIOR = {"nl": 0.5, "fr": 0.0, "en": 0.0, "de": 0.0}
# Runs of letters in any script (word characters, not digits or _), counted by their lengths.
LETTERS = re.compile(r"[^\W\d_]+")
NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.@-]+", re.IGNORECASE)
BETWEEN_WORDS = re.compile(r"[^\w']+")  # typographic apostrophes are made plain first
# Texts walked through the detector's automaton side by side; sorted by length first, so a
# chunk's shorter texts wait little for its longest.
CHUNK = 256

COMMON_WORDS = {
    "nl": """
        aan al alle alles allee allez als altijd amai awel bedankt ben bent bij dan dank dankjewel
        dat da das da's de deze die dit doe doen door echt een eens efkes en er ewa ewel geen
        gedaan ge gezien gij goe goed graag gwn had heb hebben hebde hebt heeft heel het hè hé
        hier hij hoe hoor idd ik is ja je jij joh jou jouw jullie kan kei kheb kga kmoet kweet
        kzal kzen kzou kunde kunt lekker leuk maar ma me mee meer men merci met mij mijn mn moet
        moete morgen na naar ne nee neen nen nie niet niks nog nooit nu of ons onze ook op over
        precies seffens te tis toch tof tot u uit van vandaag veel voor waar waarom wanneer want
        was wat wa we wel wie wij wil wordt wreed zal ze zeg zeker zijde zijn zijt zo zoals zou
        zij 't
    """,
    "fr": """
        a ai alors as au aujourd'hui aussi aux avec avez avoir bah bien bon bonjour bonne c'est
        ça ce cette chez comme comment d' dans de des demain donc du elle en encore est et être
        fait il ils j' j'ai je jamais l' la le les leur lui m' ma mais me merci mes moi mon
        n' ne nous on ou où oui par pas pour pourquoi qu' quand que quel quelle qui quoi rien
        s' sa sais se ses si son sont suis sur t' ta te tes toi ton toujours tous tout très trop
        tu un une vous vraiment y
    """,
    "en": """
        a about all am an and any are as at be been but by can can't could did do does don't for
        from get go going gonna got great had has have he her here his how i i'm if in is it
        it's just know like love me my no not now of on one or our out please really so some
        that that's the their them there they thanks thank this to too up very was we were what
        when where who why will with would you your
    """,
    "de": """
        aber alle alles also am auch auf aus bei bin bist bitte da danke das dass dein dem den
        der des dich die dir doch du ein eine einen einem er es euch für gar gerne geht gibt
        gut habe hab haben hat heute ich ihr im immer ist ja jetzt kann kein keine leider mal
        man mehr mein meine mich mir mit muss nach nicht nichts noch nur oder schon sehr sich
        sie sind so und uns unser viel vom von war was weil wenn wer wie wir wo zu zum zur über
    """,
}
WORDS_OF: dict[str, list[int]] = {}
for _column, _language in enumerate(LANGUAGES):
    for _word in COMMON_WORDS[_language].split():
        WORDS_OF.setdefault(_word, []).append(_column)


class Model:
    """The n-gram model: an automaton that finds byte n-grams, and their weights per column."""

    def __init__(self, path: Path = MODEL) -> None:
        with np.load(path, allow_pickle=False) as arrays:
            columns = [str(name) for name in arrays["classes"]]
            self.per_feature = arrays["ptc"].astype(np.float32)
            self.prior = arrays["pc"].astype(np.float32)
            rows = arrays["nextmove_row"].astype(np.int64)
            self.output = arrays["out_feat"].astype(np.int64)
            packed = arrays["nextmove_zlib"].tobytes()
        self.next_move = np.frombuffer(zlib.decompress(packed), dtype=np.uint32)
        self.row_base = rows << 8
        # Which of our languages each column counts for: (columns, 4) of 0/1.
        self.merge = np.zeros((len(columns), len(LANGUAGES)), dtype=np.float32)
        for column, name in enumerate(columns):
            self.merge[column, LANGUAGES.index(READ_AS[name])] = 1.0


@cache
def model() -> Model:
    """Loaded once per process, on first use (about a tenth of a second)."""
    return Model()


def load_in_background() -> None:
    """Start loading the model now; most of the work (inflating) lets other threads run."""
    threading.Thread(target=model, name="language-model", daemon=True).start()


def language_text(text: str) -> str:
    return NOISE.sub(" ", text)


def detect_language(text: str) -> str:
    return detect_with_confidence(text)[0]


def detect_with_confidence(text: str) -> tuple[str, float]:
    return detect_languages([text])[0]


def detect_languages(texts: Sequence[str]) -> list[tuple[str, float]]:
    """(language, probability of that language) for each text; the probability either way."""
    results: list[tuple[str, float]] = [(UNDETERMINED, 0.0)] * len(texts)
    encoded: dict[int, bytes] = {}
    votes: dict[int, list[int]] = {}
    for position, text in enumerate(texts):
        cleaned = language_text(text)
        letters = sum(map(len, LETTERS.findall(cleaned, 0, 400)))
        vote = word_votes(cleaned)
        if letters >= MIN_LETTERS or _two_words_of_one_language(vote):
            encoded[position] = _encode(cleaned)
            votes[position] = vote
    by_length = sorted(encoded, key=lambda position: len(encoded[position]), reverse=True)
    prior = np.array([PRIOR[language] for language in LANGUAGES], dtype=np.float32)
    for start in range(0, len(by_length), CHUNK):
        chunk = by_length[start : start + CHUNK]
        grams = _probabilities([encoded[position] for position in chunk])
        words = np.array([votes[position] for position in chunk], dtype=np.float32)
        scores = np.log(np.maximum(grams, 1e-12)) + WORD_WEIGHT * words + prior
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        scores /= scores.sum(axis=1, keepdims=True)
        for position, row in zip(chunk, scores, strict=True):
            best = int(row.argmax())
            results[position] = _verdict(LANGUAGES[best], float(row[best]))
    return results


def word_votes(cleaned: str) -> list[int]:
    """How many different common words of each language the text has."""
    counts = [0] * len(LANGUAGES)
    for word in set(BETWEEN_WORDS.split(cleaned[:400].lower().replace("\u2019", "'"))):
        for part in _parts(word):
            for column in WORDS_OF.get(part, ()):
                counts[column] += 1
    return counts


def _parts(word: str) -> tuple[str, ...]:
    """A word, or its pieces when only the pieces are known: "c'était" is "c'" and "était"."""
    if word in WORDS_OF or "'" not in word:
        return (word,)
    head, _, tail = word.partition("'")
    return (head + "'", tail) if tail else (head + "'",)


def _two_words_of_one_language(vote: list[int]) -> bool:
    ranked = sorted(vote)
    return ranked[-1] >= 2 and ranked[-1] > ranked[-2]


def _verdict(language: str, probability: float) -> tuple[str, float]:
    """The language, or `und` when the detector is guessing; the probability either way."""
    return (language if probability >= MIN_CONFIDENCE else UNDETERMINED), probability


def _encode(text: str) -> bytes:
    # As py3langid prepares a text: all capitals are read as lower case.
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def _probabilities(chunk: list[bytes]) -> np.ndarray:
    """Probabilities of our four languages per text from the n-grams, longest text first.

    As py3langid's _decide, with every text of the chunk walked through the automaton one byte
    at a time in one numpy step; columns that are read as the same language are added up.
    """
    found = model()
    lengths = np.array([len(data) for data in chunk])
    grid = np.zeros((len(chunk), int(lengths[0])), dtype=np.int64)
    for row, data in enumerate(chunk):
        grid[row, : len(data)] = np.frombuffer(data, dtype=np.uint8)
    state = np.zeros(len(chunk), dtype=np.int64)
    features = np.full(grid.shape, -1, dtype=np.int64)
    for step in range(grid.shape[1]):
        walking = int(np.count_nonzero(lengths > step))  # the sorted prefix still has bytes
        state[:walking] = found.next_move[found.row_base[state[:walking]] + grid[:walking, step]]
        features[:walking, step] = found.output[state[:walking]]
    rows, steps = np.nonzero(features >= 0)
    pairs, counts = np.unique(
        rows * len(found.per_feature) + features[rows, steps], return_counts=True
    )
    rows, grams = np.divmod(pairs, len(found.per_feature))
    weighted = np.log1p(counts.astype(np.float32))[:, None] * found.per_feature[grams]
    scores = np.zeros((len(chunk), len(found.prior)), dtype=np.float32)
    for column in range(len(found.prior)):
        scores[:, column] = np.bincount(rows, weighted[:, column], minlength=len(chunk))
    scores[np.bincount(rows, minlength=len(chunk)) > 0] += found.prior  # no n-gram: all equal
    scores *= (1.0 / np.sqrt(np.maximum(lengths, 1)))[:, None]  # py3langid's temperature
    scores = np.exp(scores - scores.max(axis=1, keepdims=True))
    scores /= scores.sum(axis=1, keepdims=True)
    return np.asarray(scores @ found.merge)
