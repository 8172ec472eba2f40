"""The import commands say what they did however they end: finished, Ctrl-C or an error."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command

from klankbord.channels.models import Channel
from klankbord.listening.models import Mention
from klankbord.publishing.models import Post
from klankbord.test import World


class Stop:
    """Raises `error` on the given call, and does what `then` does before that."""

    def __init__(self, on_call: int, then: Any, error: BaseException) -> None:
        self.calls, self.on_call, self.then, self.error = 0, on_call, then, error

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls == self.on_call:
            raise self.error
        return self.then(*args, **kwargs)


def run(*args: str, stdin: str = "") -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    stopped = None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            call_command(*args, stdout=out, stderr=err)
        except CommandError as error:
            stopped = error
    return out.getvalue(), err.getvalue(), stopped


def mention_lines(count: int) -> list[bytes]:
    return [json.dumps({"text": f"Bericht {n} over de taart"}).encode() for n in range(count)]


@pytest.mark.django_db
def test_listen_import_stopped_by_ctrl_c_says_what_was_stored_and_skipped(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klankbord.listening import imports, pipeline

    lines = mention_lines(6)
    lines[1] = b'{"text": "\xff"}'
    path = tmp_path / "export.jsonl"
    path.write_bytes(b"\n".join(lines))
    monkeypatch.setattr(imports, "BATCH", 2)
    monkeypatch.setattr(pipeline, "run", Stop(2, pipeline.run, KeyboardInterrupt()))

    out, err, stopped = run("listen", "import", str(path), "--org", world.org.slug)

    assert stopped is not None and stopped.returncode == 130
    assert "5 records read, 2 mentions stored, 1 bad records skipped" in out
    assert "Stopped at line 5: interrupted (Ctrl-C). 2 records read last were not stored." in out
    assert "line 2: byte 0xFF at position 11 is not UTF-8" in err
    assert Mention.objects.count() == 2


@pytest.mark.django_db
def test_publish_import_stopped_by_an_error_says_how_far_it_got(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klankbord.publishing import bulk

    Channel.objects.create(
        organisation=world.org, network="sandbox", external_id="s1", handle="oefenbakker"
    )
    path = tmp_path / "december.csv"
    path.write_text(
        "date;time;text\n"
        "2026-12-05;08:30;Verse pistolets\n"
        "2026-12-40;08:30;Fout\n"
        "2026-12-06;08:30;Kerststol\n"
        "2026-12-07;08:30;Speculaas\n"
    )
    broken = Stop(4, bulk._schedule_line, RuntimeError("database gone"))
    monkeypatch.setattr(bulk, "_schedule_line", broken)

    with (
        time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), tick=False),
        pytest.raises(RuntimeError),
    ):
        call_command(
            "publish", "import", str(path), "--org", world.org.slug, "--as", "alice@bakkerij.test",
            stdout=(out := io.StringIO()), stderr=(err := io.StringIO()),
        )  # fmt: skip

    assert "2 posts planned, 1 line not planned" in out.getvalue()
    assert "Stopped after line 4: stopped by an error: RuntimeError('database gone')" in (
        out.getvalue()
    )
    assert "line 3: The date is not a date" in err.getvalue()
    assert Post.objects.count() == 2


def test_classify_stopped_by_ctrl_c_says_how_many_posts_it_wrote(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from klankbord.understanding import classify as reading
    from klankbord.understanding.management.commands import classify

    monkeypatch.setattr(reading, "FIRST_BATCHES", ())
    monkeypatch.setattr(reading, "BATCH", 1)
    monkeypatch.setattr(classify, "understand", Stop(3, classify.understand, KeyboardInterrupt()))
    lines = "\n".join(json.dumps({"text": f"Top bakker {n}!"}) for n in range(5))

    out, err, stopped = run("classify", "-", "--tier", "fast", stdin=lines)

    assert stopped is not None and stopped.returncode == 130
    assert len(out.splitlines()) == 2
    assert "2 posts classified" in err
    assert "Stopped at line 3: interrupted (Ctrl-C)." in err


def test_classify_reads_utf16_and_skips_only_the_line_that_is_not_text(tmp_path: Path) -> None:
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes(
        "\n".join(json.dumps({"text": t}) for t in ["Très bon", "Slecht"]).encode("utf-16")
    )
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b'{"text": "Goed"}\n{"text": "\xe9"}\n{"text": "Top"}\n')

    out, err, _stopped = run("classify", str(wide), "--tier", "fast")
    assert len(out.splitlines()) == 2 and "(read as UTF-16)" in err

    out, err, _stopped = run("classify", str(broken), "--tier", "fast")
    assert [json.loads(line)["text"] for line in out.splitlines()] == ["Goed", "Top"]
    assert "line 2: byte 0xE9 at position 11 is not UTF-8" in err
    assert "2 posts classified, 1 line skipped" in err
