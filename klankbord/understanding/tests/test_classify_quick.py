"""`klankbord classify` without --org: no Django, no scikit-learn, answers as lines come in."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from klankbord.understanding.classify import BATCH, batches

from .test_commands import run

ROOT = Path(__file__).resolve().parents[3]
POSTS = [
    {"id": 1, "text": "Amai, da is hier wreed lekker!"},
    {"id": 2, "text": "Wo finde ich den Eingang?"},
    {"id": 3, "text": "Iemand een goede loodgieter in de buurt van Aalst?"},
]


def klankbord(*args: str, **options: object) -> subprocess.Popen[bytes]:
    # No Django settings in the environment: the quick path must not need them.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    for name in ("SECRET_KEY", "KLANKBORD_ENCRYPTION_KEYS"):
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "klankbord", *args],
        cwd=ROOT,
        env=env,
        **options,  # type: ignore[call-overload]
    )


def test_it_gives_the_same_lines_as_the_full_command(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("\n".join(json.dumps(post) for post in POSTS) + "\n{not json\n")

    quick = klankbord(
        "classify", str(posts), "--tier", "fast", stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = quick.communicate(timeout=120)
    full, full_err = run("classify", str(posts), "--tier", "fast")

    assert quick.returncode == 0
    assert out.decode() == full
    assert "line 4: not valid JSON; skipped" in err.decode()
    assert "3 posts classified, 1 line skipped" in err.decode()
    assert "3 posts classified, 1 line skipped" in full_err


def test_it_loads_neither_django_apps_nor_scikit_learn_nor_celery(tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps(POSTS[0]) + "\n")
    code = (
        "import sys\n"
        f"sys.argv = ['klankbord', 'classify', {str(posts)!r}, '--tier', 'fast']\n"
        "from klankbord.__main__ import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sklearn', 'celery', 'klankbord.orgs.models') if m in sys.modules]\n"
        "registry = sys.modules.get('django.apps.registry')\n"
        "print('loaded:', heavy, registry and registry.apps.ready, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert '"language": "nl"' in done.stdout
    assert "loaded: [] False" in done.stderr or "loaded: [] None" in done.stderr


def test_it_answers_the_first_line_before_the_input_ends() -> None:
    quick = klankbord(
        "classify", "-", "--tier", "fast", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert quick.stdin and quick.stdout
    quick.stdin.write((json.dumps(POSTS[0]) + "\n").encode())
    quick.stdin.flush()

    first = json.loads(quick.stdout.readline())  # stdin is still open

    quick.stdin.close()
    quick.wait(timeout=120)
    assert first["id"] == 1
    assert first["language"] == "nl"


def test_a_missing_file_is_reported_as_the_full_command_does(tmp_path: Path) -> None:
    quick = klankbord("classify", str(tmp_path / "nope.jsonl"), stderr=subprocess.PIPE)
    _, err = quick.communicate(timeout=120)

    assert quick.returncode == 1
    assert "CommandError: Cannot read" in err.decode()


def test_the_first_batches_are_small_then_full() -> None:
    records = ({"text": str(number)} for number in range(400))
    assert [len(batch) for batch in batches(records)] == [1, 8, 64, BATCH, 400 - 73 - BATCH]


@pytest.mark.parametrize("args", [["--org", "nobody"], ["--help"], ["-v", "2"]])
def test_options_the_quick_path_does_not_know_go_to_the_full_command(args: list[str]) -> None:
    from klankbord.understanding.classify import quick

    assert quick(args) is None
