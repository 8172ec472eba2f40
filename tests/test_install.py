"""A built wheel runs anywhere: translations, static files and models inside, state outside."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

PAGE_IN_DUTCH = """
import django
django.setup()
from django.test import Client
import klankbord
print("CODE", klankbord.__file__)
response = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="nl-BE")
assert response.status_code == 200, response.status_code
print("DUTCH" if "Inloggen" in response.content.decode() else "NOT DUTCH")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources without any compiled translation."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "klankbord",
        source / "klankbord",
        ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc"),
    )
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
        ],
        check=True,
        cwd=source,
    )
    return next(out.glob("klankbord-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with only the wheel; its dependencies come from ours."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    # Only the directory itself: its .pth files (our editable install) are not processed.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def klankbord(venv: Path, *args: str, cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "klankbord", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def clean_env(home: Path, **settings: str) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8", **settings}


def test_the_wheel_carries_translations_static_files_and_models(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "klankbord/locale/nl/LC_MESSAGES/django.mo",
        "klankbord/locale/fr/LC_MESSAGES/django.mo",
        "klankbord/static/klankbord/klankbord.css",
        "klankbord/language/data/models/fast.npz",
    } <= names


def test_it_serves_dutch_from_an_installed_wheel_with_state_in_the_data_dir(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere, home = tmp_path / "elsewhere", tmp_path / "home"
    elsewhere.mkdir()
    home.mkdir()
    env = clean_env(
        home,
        KLANKBORD_ENV_FILE=str(tmp_path / "etc" / "klankbord.env"),
        KLANKBORD_DATA_DIR=str(tmp_path / "data"),
        ALLOWED_HOSTS="testserver",
        DJANGO_SETTINGS_MODULE="klankbord.settings",
    )
    assert "created" in klankbord(installed, "init", cwd=elsewhere, env=env)
    assert "SECRET_KEY=" in (tmp_path / "etc" / "klankbord.env").read_text()
    klankbord(installed, "check", "--deploy", cwd=elsewhere, env=env)
    klankbord(installed, "migrate", "--verbosity", "0", cwd=elsewhere, env=env)
    klankbord(installed, "collectstatic", "--noinput", "--verbosity", "0", cwd=elsewhere, env=env)

    page = subprocess.run(
        [str(installed / "bin" / "python"), "-c", PAGE_IN_DUTCH],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "DUTCH" in page.stdout and "NOT DUTCH" not in page.stdout, page.stdout + page.stderr
    assert str(installed) in page.stdout  # the installed code, not this checkout
    assert (tmp_path / "data" / "klankbord.sqlite3").stat().st_size > 0
    assert (tmp_path / "data" / "static" / "staticfiles.json").exists()
    site = next(installed.glob("lib/python*/site-packages"))
    assert not (site / "var").exists() and not (site / ".env").exists()
    assert list(elsewhere.iterdir()) == []


def test_without_settings_it_keeps_its_files_in_the_users_home(
    installed: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home, DEBUG="true")
    assert "klankbord.env created" in klankbord(installed, "init", cwd=tmp_path, env=env)
    klankbord(installed, "migrate", "--verbosity", "0", cwd=tmp_path, env=env)
    assert (home / ".config" / "klankbord" / "klankbord.env").exists()
    assert (home / ".local" / "share" / "klankbord" / "klankbord.sqlite3").exists()
    site = next(installed.glob("lib/python*/site-packages"))
    assert not (site / "var").exists() and not (site / ".env").exists()
