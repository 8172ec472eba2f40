"""Where settings and data live: beside a checkout, never inside an installed package."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from klankbord import paths

ROOT = Path(__file__).resolve().parents[3]


def test_a_checkout_keeps_its_env_and_var_at_the_repository_root(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("KLANKBORD_ENV_FILE", raising=False)
    assert paths.is_checkout(ROOT)
    assert paths.env_file(ROOT) == ROOT / ".env"
    assert paths.default_data_dir(ROOT) == ROOT / "var"


def test_an_installed_package_never_looks_inside_site_packages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_packages = tmp_path / "lib" / "python3.11" / "site-packages"
    (site_packages / "klankbord").mkdir(parents=True)
    monkeypatch.delenv("KLANKBORD_ENV_FILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    assert not paths.is_checkout(site_packages)
    assert paths.env_file(site_packages) == tmp_path / "home/.config/klankbord/klankbord.env"
    assert paths.default_data_dir(site_packages) == tmp_path / "home/.local/share/klankbord"


def test_klankbord_env_file_names_the_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLANKBORD_ENV_FILE", str(tmp_path / "klankbord.env"))
    assert paths.env_file(ROOT) == tmp_path / "klankbord.env"


def test_it_says_so_when_klankbord_env_file_points_nowhere(tmp_path: Path) -> None:
    env = {**os.environ, "KLANKBORD_ENV_FILE": str(tmp_path / "missing.env")}
    result = subprocess.run(
        [sys.executable, "-m", "klankbord", "check"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"KLANKBORD_ENV_FILE is {tmp_path / 'missing.env'}, but there is no such file" in (
        result.stderr
    )


def test_the_settings_file_is_read_from_klankbord_env_file(tmp_path: Path) -> None:
    settings_file = tmp_path / "klankbord.env"
    settings_file.write_text("SITE_URL=https://klankbord.example.be\n")
    env = {**os.environ, "KLANKBORD_ENV_FILE": str(settings_file)}
    env.pop("SITE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "klankbord", "shell", "-c",
         "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "https://klankbord.example.be", result.stderr
