"""Importing a hostile or broken file: the bad line is reported and skipped, the rest is kept."""

import io
import json

import pytest
from django.utils import translation

from klankbord.listening.imports import import_file
from klankbord.listening.models import Mention, Monitor
from klankbord.test import World

pytestmark = pytest.mark.django_db


def lines(count: int) -> list[bytes]:
    return [
        json.dumps({"id": f"m{n}", "text": f"Bericht {n} over de bakker"}).encode()
        for n in range(1, count + 1)
    ]


def imported(world: World, content: bytes, name: str = "export.jsonl"):  # type: ignore[no-untyped-def]
    with translation.override("en"):
        return import_file(world.org, io.BytesIO(content), name)


def test_invalid_utf8_in_line_3_of_10_skips_only_that_line(world: World) -> None:
    content = lines(10)
    content[2] = b'{"id": "m3", "text": "Caf\xe9 \xff kapot"}'

    result = imported(world, b"\n".join(content))

    assert result.stored == 9
    assert sorted(Mention.objects.values_list("remote_id", flat=True)) == sorted(
        f"m{n}" for n in range(1, 11) if n != 3
    )
    [(line, message)] = result.errors
    assert line == 3
    assert "byte 0xE9 at position 26 is not UTF-8" in message
    assert "save the file as UTF-8" in message


def test_a_csv_field_of_2_mb_is_reported_and_the_other_lines_are_kept(world: World) -> None:
    content = (
        f"text;author\nLekkere taart;@an\n{'x' * 2_000_000};@groot\nVerse pistolets;@bo\n"
    ).encode()

    result = imported(world, content, "export.csv")

    assert result.stored == 2
    assert result.errors == [(3, "a field is longer than 131072 characters")]


def test_json_nested_100000_deep_is_reported_and_the_other_lines_are_kept(world: World) -> None:
    deep = '{"text": "diep", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    content = b"\n".join([lines(2)[0], deep.encode(), lines(2)[1]])

    result = imported(world, content)

    assert result.stored == 2
    assert result.errors == [(2, "nested too deeply to read")]


def test_a_utf16_file_with_a_byte_order_mark_is_read_and_its_encoding_named(
    world: World,
) -> None:
    content = "text;author\nCafé Gent is top;@an\nÉén brood, merci;@bo\n".encode("utf-16")

    result = imported(world, content, "export.csv")

    assert result.encoding == "UTF-16"
    assert result.errors == []
    assert sorted(Mention.objects.values_list("text", flat=True)) == [
        "Café Gent is top",
        "Één brood, merci",
    ]


def test_a_text_too_long_is_kept_cut_and_the_cut_reported(world: World) -> None:
    long_text = "woord " * 3000
    content = b"\n".join(
        [lines(1)[0], json.dumps({"text": long_text, "title": "t" * 600}).encode()]
    )

    result = imported(world, content)

    assert result.stored == 2 and result.errors == []
    assert result.notes == [
        (2, "“title” is longer than 500 characters and was cut to that length"),
        (2, "“text” is longer than 10000 characters and was cut to that length"),
    ]
    kept = Mention.objects.exclude(remote_id="m1").get().text
    assert len(kept) <= 10_000 and kept.endswith("…")


def test_an_imported_line_no_monitor_asks_for_is_kept_and_a_matching_one_is_listed(
    world: World,
) -> None:
    """You chose to bring the file in: nothing of it is dropped for want of a monitor."""
    taart = Monitor.objects.create(organisation=world.org, name="Taart", query="taart")
    content = [
        json.dumps({"id": "t1", "text": "Lekkere taart gekocht"}).encode(),
        json.dumps({"id": "b1", "text": "Het brood was op"}).encode(),
    ]

    result = imported(world, b"\n".join(content))

    assert result.stored == 2
    assert list(taart.mentions.values_list("remote_id", flat=True)) == ["t1"]
    assert not Mention.objects.get(remote_id="b1").monitors.exists()
