"""The measures behind `klankbord evaluate`, checked against counts worked out by hand."""

from types import SimpleNamespace

from klankbord.language.evaluate import class_report, evaluate, format_report, intent_report
from klankbord.language.heads import SENTIMENTS


def test_class_report_counts_precision_recall_and_confusion() -> None:
    gold = ["positive", "positive", "negative", "neutral", "neutral"]
    said = ["positive", "neutral", "negative", "neutral", "positive"]

    report = class_report(gold, said, SENTIMENTS)

    assert report["accuracy"] == 0.6
    assert report["classes"]["positive"] == {
        "precision": 0.5,
        "recall": 0.5,
        "f1": 0.5,
        "support": 2,
    }
    assert report["classes"]["negative"]["f1"] == 1.0
    assert report["classes"]["neutral"]["f1"] == 0.5
    assert report["macro_f1"] == round((0.5 + 1.0 + 0.5) / 3, 4)
    assert report["confusion"]["positive"] == {"negative": 0, "neutral": 1, "positive": 1}


def test_a_class_absent_from_the_gold_labels_does_not_drag_macro_f1_down() -> None:
    report = class_report(["positive", "positive"], ["positive", "positive"], SENTIMENTS)
    assert report["macro_f1"] == 1.0


def test_intent_report_scores_each_intent_on_its_own() -> None:
    gold = [["question", "lead"], ["complaint"], []]
    said = [["question"], ["complaint", "praise"], []]

    report = intent_report(gold, said)

    assert report["classes"]["question"]["f1"] == 1.0
    assert report["classes"]["lead"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert report["classes"]["praise"]["precision"] == 0.0
    assert report["exact_match"] == round(1 / 3, 4)


def test_evaluate_uses_only_the_labels_each_row_carries() -> None:
    rows = [
        {"text": "a", "sentiment": "positive"},
        {"text": "b", "intents": ["question"]},
        {"text": "c", "language": "nl"},
    ]

    def read(texts: list[str]) -> list[SimpleNamespace]:
        return [SimpleNamespace(sentiment="positive", intents=["question"], language="nl")] * 3

    report = evaluate(rows, read)

    assert report["sentiment"]["count"] == 1
    assert report["intents"]["count"] == 1
    assert report["language"]["accuracy"] == 1.0
    text = format_report("fast", report)
    assert "confusion (rows gold, columns predicted)" in text
    assert "-- intents (1 posts)" in text


def test_evaluate_scores_language_on_lines_of_20_to_60_characters_per_language() -> None:
    rows = [
        {"text": "Kheb da nie gezien ze, sorry", "language": "nl"},  # 28 characters
        {"text": "Wo finde ich den Eingang bitte?", "language": "de"},
        {"text": "Is this shop open on Sunday?", "language": "en"},
        {"text": "Ik ook", "language": "nl"},  # too short to count here
        {
            "text": "Dit is een veel langere zin die meer dan zestig tekens telt, echt.",
            "language": "nl",
        },
        {
            "text": "👍👍 👍👍 👍👍 👍👍 👍👍 👍👍 👍👍",
            "language": "und",
        },  # no language to get right
    ]
    said = ["nl", "und", "en", "en", "en", "und"]

    def read(texts: list[str]) -> list[SimpleNamespace]:
        return [SimpleNamespace(sentiment="neutral", intents=[], language=x) for x in said]

    report = evaluate(rows, read)

    short = report["language_short_lines"]
    assert short["count"] == 3
    assert short["accuracy"] == round(2 / 3, 4)
    assert short["languages"] == {
        "nl": {"accuracy": 1.0, "count": 1},
        "en": {"accuracy": 1.0, "count": 1},
        "de": {"accuracy": 0.0, "count": 1},
    }
    text = format_report("fast", report)
    assert "-- language on lines of 20-60 characters (3 posts): accuracy 0.667" in text
    assert "nl 1.000 (1), en 1.000 (1), de 0.000 (1)" in text


def test_evaluate_scores_questions_asked_without_a_question_mark() -> None:
    rows = [
        {"text": "iemand een goede loodgieter in Gent", "intents": ["question", "lead"]},
        {"text": "weet iemand of ze zondag open zijn", "intents": ["question"]},
        {"text": "zalig ontbijt gehad", "intents": ["praise"]},
        {"text": "nog plaats vanavond", "intents": []},
        {"text": "Zijn jullie open?", "intents": ["question"]},  # has a mark: not counted
    ]
    said = [["question", "lead"], [], [], ["question"], []]

    def read(texts: list[str]) -> list[SimpleNamespace]:
        return [SimpleNamespace(sentiment="neutral", intents=x, language="nl") for x in said]

    report = evaluate(rows, read)

    unmarked = report["question_without_mark"]
    assert unmarked == {"count": 4, "precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert report["intents"]["count"] == 5
    text = format_report("fast", report)
    assert "-- questions without a question mark (4 posts, 2 questions): F1 0.500" in text
