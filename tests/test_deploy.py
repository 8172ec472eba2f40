"""The systemd units in deploy/ run real commands with the settings file, as the docs say."""

import configparser
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
UNITS = sorted((ROOT / "deploy" / "systemd").glob("*.service"))
ENV_FILE = "/etc/klankbord/klankbord.env"


def service(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(unit)
    return parser["Service"]


def test_there_is_a_unit_for_each_machine_role() -> None:
    assert [unit.name for unit in UNITS] == [
        "klankbord-beat.service",
        "klankbord-web.service",
        "klankbord-worker.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_reads_the_settings_file_and_keeps_state_in_the_data_dir(unit: Path) -> None:
    section = service(unit)
    assert section["EnvironmentFile"] == ENV_FILE
    assert section["Environment"] == f"KLANKBORD_ENV_FILE={ENV_FILE}"
    assert section["User"] == "klankbord"
    assert section["StateDirectory"] == "klankbord"


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_runs_a_command_that_exists(unit: Path) -> None:
    commands = [
        section_value for key, section_value in service(unit).items() if key.startswith("Exec")
    ]
    klankbord_commands = get_commands()
    for line in commands:
        argv = shlex.split(line)
        if argv[0] == "/opt/klankbord/bin/klankbord":
            assert argv[1] in klankbord_commands, line
        elif argv[0] == "/opt/klankbord/bin/gunicorn":
            assert argv[1] == "klankbord.wsgi"


def test_the_operations_guide_names_every_unit() -> None:
    guide = (ROOT / "docs" / "operations.md").read_text()
    for unit in UNITS:
        assert f"deploy/systemd/{unit.name}" in guide, unit.name
        assert f"systemctl enable --now {unit.stem}" in guide, unit.stem
