import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from klankbord.listening.imports import import_file
from klankbord.listening.models import Mention, Monitor
from klankbord.test import World

pytestmark = pytest.mark.django_db


def test_a_json_lines_file_keeps_its_good_lines_and_names_the_bad_ones(world: World) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "Top bakker!", "author": "@an", "date": "2026-11-20"}),
        "{broken",
        json.dumps({"id": "a2"}),
        json.dumps({"id": "a3", "text": "Brood was oud", "date": "gisteren"}),
        json.dumps({"text": "Zonder id, toch welkom", "url": "javascript:alert(1)"}),
    ]
    result = import_file(world.org, io.BytesIO("\n".join(lines).encode()), "export.jsonl")

    assert result.stored == 2
    assert [line for line, _ in result.errors] == [2, 3, 4]
    assert Mention.objects.get(remote_id="a1").author_handle == "@an"
    assert Mention.objects.exclude(remote_id="a1").get().url == ""


def test_a_csv_file_with_semicolons_is_read(world: World) -> None:
    data = b"text;author;date\nLekkere taart;@bo;2026-11-21T10:00\n;@leeg;\n"
    result = import_file(world.org, io.BytesIO(data), "export.csv")
    assert result.stored == 1
    assert [line for line, _ in result.errors] == [3]


def test_importing_the_same_file_twice_stores_nothing_twice(world: World) -> None:
    data = json.dumps({"text": "Zonder id, toch welkom", "author": "@x"}).encode()
    import_file(world.org, io.BytesIO(data), "a.jsonl")
    again = import_file(world.org, io.BytesIO(data), "a.jsonl")
    assert again.stored == 0 and again.dropped == {"duplicate": 1}


def test_the_command_imports_for_an_organisation(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Monitor.objects.create(organisation=world.org, name="Alles", query="taart")
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"text": "Beste taart van Leuven"}) + "\n{kapot\n")

    call_command("listen", "import", str(path), "--org", world.org.slug)

    out, err = capsys.readouterr()
    assert "2 records read, 1 mentions stored" in out
    assert "line 2: not valid JSON; skipped" in err
    assert Mention.objects.get().monitors.count() == 1


def test_the_command_names_an_unknown_organisation(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No organisation"):
        call_command("listen", "import", str(tmp_path / "x.jsonl"), "--org", "nope")
