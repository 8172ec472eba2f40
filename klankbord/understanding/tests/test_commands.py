"""`klankbord classify` and `klankbord evaluate`, as a user runs them."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from klankbord.test import World


def run(*args: str, stdin: str = "") -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_classify_adds_the_reading_keeps_other_fields_and_skips_bad_lines() -> None:
    lines = "\n".join(
        [
            json.dumps({"id": 7, "text": "Iemand een goede loodgieter in de buurt van Aalst?"}),
            "{not json",
            json.dumps({"id": 8}),
            json.dumps({"id": 9, "text": "Dikke merci, wreed lekker! 😍"}),
        ]
    )

    out, err = run("classify", "-", "--tier", "fast", stdin=lines)

    first, second = (json.loads(line) for line in out.splitlines())
    assert first["id"] == 7 and "lead" in first["intents"] and first["places"][0]["name"] == "Aalst"
    assert second["sentiment"] == "positive" and second["sentiment_score"] > 0
    assert second["language"] == "nl"
    assert "line 2: not valid JSON" in err
    assert 'line 3: needs an object with a "text" string' in err


def test_classify_reads_a_file(tmp_path: Path) -> None:
    source = tmp_path / "posts.jsonl"
    source.write_text(json.dumps({"text": "Nous cherchons un plombier à Namur"}) + "\n")
    out, _err = run("classify", str(source), "--tier", "fast")
    assert json.loads(out)["language"] == "fr"


def test_classify_says_when_the_file_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("classify", str(tmp_path / "missing.jsonl"))


@pytest.mark.django_db
def test_classify_with_an_unknown_organisation_stops_with_a_message(world: World) -> None:
    with pytest.raises(CommandError, match="No organisation with slug 'nope'"):
        run("classify", "-", "--org", "nope", stdin="")


@pytest.mark.django_db
def test_classify_with_an_organisation_uses_its_heads(world: World) -> None:
    out, _err = run("classify", "-", "--org", world.org.slug, stdin=json.dumps({"text": "Top!"}))
    assert json.loads(out)["sentiment"] == "positive"


def test_evaluate_prints_the_measures_for_a_tier(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {
            "text": "Wreed lekker, merci!",
            "sentiment": "positive",
            "intents": ["praise"],
            "language": "nl",
        },
        {
            "text": "Koud eten en onbeleefd personeel.",
            "sentiment": "negative",
            "intents": ["complaint"],
        },
        {"text": "Zijn jullie open op zondag?", "sentiment": "neutral", "intents": ["question"]},
    ]
    gold.write_text("\n".join(json.dumps(row) for row in rows))

    out, _err = run("evaluate", "--data", str(gold), "--tier", "fast")

    assert "== tier fast: 3 posts" in out
    assert "-- sentiment (3 posts): accuracy" in out
    assert "confusion (rows gold, columns predicted)" in out
    assert "-- language (1 posts)" in out


def test_evaluate_gives_short_line_language_and_unmarked_questions_in_text_and_json(
    tmp_path: Path,
) -> None:
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"text": "Wo finde ich den Eingang bitte?", "language": "de"},
        {"text": "Is this shop open on Sunday?", "language": "en"},
        {"text": "Iemand een goede loodgieter in Gent", "intents": ["question", "lead"]},
        {"text": "Zalig ontbijt gehad bij Lotte", "intents": ["praise"]},
    ]
    gold.write_text("\n".join(json.dumps(row) for row in rows))

    out, _err = run("evaluate", "--data", str(gold), "--tier", "fast")
    as_json, _err = run("evaluate", "--data", str(gold), "--tier", "fast", "--json")

    assert "-- language on lines of 20-60 characters (2 posts): accuracy 1.000" in out
    assert "de 1.000 (1)" in out
    assert "-- questions without a question mark (2 posts, 1 questions)" in out
    report = json.loads(as_json)["fast"]
    assert report["language_short_lines"]["languages"]["en"] == {"accuracy": 1.0, "count": 1}
    assert report["question_without_mark"]["count"] == 2
    assert report["question_without_mark"]["support"] == 1


def test_evaluate_refuses_a_broken_file(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"text": "ok"}\n[1, 2]\n')
    with pytest.raises(CommandError, match="line 2"):
        run("evaluate", "--data", str(gold))
