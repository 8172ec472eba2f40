"""Measure a tier on labelled posts: accuracy, macro-F1, per-class precision/recall, confusion.

Gold rows are dicts with `text` and any of `sentiment`, `intents`, `language`; each measure uses
only the rows that carry its label. Two measures look at the hard cases on their own: language
on short lines (20 to 60 characters, where detectors guess most), and questions asked without a
question mark ("iemand een goede loodgieter in Gent", "weet iemand of ze open zijn").
"""

import time
from collections.abc import Callable, Sequence
from typing import Any

from klankbord.language.detect import LANGUAGES, UNDETERMINED
from klankbord.language.heads import INTENTS, SENTIMENTS

Row = dict[str, Any]
SHORT_LINES = (20, 60)  # characters, both included
QUESTION_MARKS = ("?", "\uff1f")  # the ASCII one and the full-width one


def class_report(gold: Sequence[str], predicted: Sequence[str], classes: Sequence[str]) -> Row:
    """Accuracy, macro-F1 over `classes`, per-class precision/recall/F1/support, confusion."""
    confusion = {g: {p: 0 for p in classes} for g in classes}
    for g, p in zip(gold, predicted, strict=True):
        if g in confusion and p in confusion[g]:
            confusion[g][p] += 1
    per_class = {label: _scores(confusion, label, classes) for label in classes}
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    present = [label for label in classes if per_class[label]["support"]]
    return {
        "count": len(gold),
        "accuracy": _ratio(correct, len(gold)),
        "macro_f1": _ratio(sum(per_class[label]["f1"] for label in present), len(present)),
        "classes": per_class,
        "confusion": confusion,
    }


def _scores(confusion: dict[str, dict[str, int]], label: str, classes: Sequence[str]) -> Row:
    true_positive = confusion[label][label]
    predicted = sum(confusion[g][label] for g in classes)
    support = sum(confusion[label].values())
    return _precision_recall(true_positive, predicted, support)


def _precision_recall(true_positive: int, predicted: int, support: int) -> Row:
    precision = _ratio(true_positive, predicted)
    recall = _ratio(true_positive, support)
    f1 = _ratio(2 * precision * recall, precision + recall)
    return {"precision": precision, "recall": recall, "f1": f1, "support": support}


def intent_report(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Row:
    """Each intent is its own yes/no question; macro-F1 is their mean."""
    per_intent = {}
    for intent in INTENTS:
        pairs = list(zip(gold, predicted, strict=True))
        true_positive = sum(1 for g, p in pairs if intent in g and intent in p)
        said = sum(1 for _, p in pairs if intent in p)
        support = sum(1 for g, _ in pairs if intent in g)
        per_intent[intent] = _precision_recall(true_positive, said, support)
    exact = sum(1 for g, p in zip(gold, predicted, strict=True) if set(g) == set(p))
    return {
        "count": len(gold),
        "exact_match": _ratio(exact, len(gold)),
        "macro_f1": _ratio(sum(s["f1"] for s in per_intent.values()), len(INTENTS)),
        "classes": per_intent,
    }


def _ratio(part: float, whole: float) -> float:
    return round(part / whole, 4) if whole else 0.0


def evaluate(rows: Sequence[Row], read: Callable[[list[str]], list[Any]]) -> Row:
    """Run `read` (texts → readings) over the rows and report every label the rows carry."""
    texts = [str(row["text"]) for row in rows]
    started = time.perf_counter()
    readings = read(texts)
    seconds = time.perf_counter() - started
    report: Row = {
        "posts": len(rows),
        "seconds": round(seconds, 3),
        "posts_per_second": round(len(rows) / seconds, 1) if seconds else 0.0,
    }
    pairs = list(zip(rows, readings, strict=True))
    sentiment = [(r["sentiment"], x.sentiment) for r, x in pairs if r.get("sentiment")]
    if sentiment:
        report["sentiment"] = class_report(*_columns(sentiment), SENTIMENTS)
    intents = [(r["intents"], x.intents) for r, x in pairs if "intents" in r]
    if intents:
        report["intents"] = intent_report(*_columns(intents))
    language = [(r["language"], x.language) for r, x in pairs if r.get("language")]
    if language:
        report["language"] = class_report(*_columns(language), (*LANGUAGES, UNDETERMINED))
        low, high = SHORT_LINES
        short = [
            (r["language"], x.language)
            for r, x in pairs
            if r.get("language") in LANGUAGES and low <= len(r["text"]) <= high
        ]
        if short:
            report["language_short_lines"] = short_line_report(*_columns(short))
    unmarked = [(r["intents"], x.intents) for r, x in pairs if "intents" in r and _no_mark(r)]
    if unmarked:
        report["question_without_mark"] = question_report(*_columns(unmarked))
    return report


def short_line_report(gold: Sequence[str], predicted: Sequence[str]) -> Row:
    """Accuracy per language and overall; `und` counts as wrong."""
    per_language = {}
    for language in LANGUAGES:
        said = [p for g, p in zip(gold, predicted, strict=True) if g == language]
        if said:
            right = sum(1 for p in said if p == language)
            per_language[language] = {"accuracy": _ratio(right, len(said)), "count": len(said)}
    right = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return {
        "characters": list(SHORT_LINES),
        "count": len(gold),
        "accuracy": _ratio(right, len(gold)),
        "languages": per_language,
    }


def question_report(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Row:
    """Precision, recall and F1 of the question intent."""
    pairs = list(zip(gold, predicted, strict=True))
    true_positive = sum(1 for g, p in pairs if "question" in g and "question" in p)
    said = sum(1 for _, p in pairs if "question" in p)
    support = sum(1 for g, _ in pairs if "question" in g)
    return {"count": len(pairs), **_precision_recall(true_positive, said, support)}


def _no_mark(row: Row) -> bool:
    return not any(mark in str(row["text"]) for mark in QUESTION_MARKS)


def _columns(pairs: list[tuple[Any, Any]]) -> tuple[list[Any], list[Any]]:
    return [gold for gold, _ in pairs], [said for _, said in pairs]


def format_report(tier: str, report: Row) -> str:
    lines = [
        f"== tier {tier}: {report['posts']} posts, {report['posts_per_second']} posts/s",
    ]
    for measure in ("sentiment", "intents", "language"):
        if measure in report:
            lines.extend(_format_measure(measure, report[measure]))
    if "language_short_lines" in report:
        lines.append(_format_short_lines(report["language_short_lines"]))
    if "question_without_mark" in report:
        lines.append(_format_unmarked_questions(report["question_without_mark"]))
    return "\n".join(lines)


def _format_short_lines(result: Row) -> str:
    low, high = result["characters"]
    each = ", ".join(
        f"{language} {scores['accuracy']:.3f} ({scores['count']})"
        for language, scores in result["languages"].items()
    )
    return (
        f"-- language on lines of {low}-{high} characters ({result['count']} posts): "
        f"accuracy {result['accuracy']:.3f}; {each}"
    )


def _format_unmarked_questions(result: Row) -> str:
    return (
        f"-- questions without a question mark ({result['count']} posts, "
        f"{result['support']} questions): F1 {result['f1']:.3f}, "
        f"precision {result['precision']:.3f}, recall {result['recall']:.3f}"
    )


def _format_measure(measure: str, result: Row) -> list[str]:
    head = f"-- {measure} ({result['count']} posts): "
    if "accuracy" in result:
        head += f"accuracy {result['accuracy']:.3f}, "
    else:
        head += f"exact match {result['exact_match']:.3f}, "
    lines = [head + f"macro-F1 {result['macro_f1']:.3f}"]
    lines.append(f"   {'class':<12}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for label, s in result["classes"].items():
        scores = f"{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}{s['support']:>9}"
        lines.append(f"   {label:<12}{scores}")
    if "confusion" in result:
        labels = list(result["confusion"])
        lines.append("   confusion (rows gold, columns predicted)")
        lines.append("   " + " " * 12 + "".join(f"{label[:9]:>10}" for label in labels))
        for gold in labels:
            counts = "".join(f"{result['confusion'][gold][p]:>10}" for p in labels)
            lines.append(f"   {gold:<12}{counts}")
    return lines
