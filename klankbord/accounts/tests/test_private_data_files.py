"""Another user on the same machine cannot read the SQLite database."""

import json
import stat
from pathlib import Path

from klankbord.accounts.tests.settings_in import run_with_settings

# Modes are read while the connection is open: SQLite removes -wal and -shm when it closes.
WRITE_AND_LIST_MODES = """
import json, stat
from pathlib import Path
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE example (x)")
    cursor.execute("INSERT INTO example VALUES (1)")
    print(json.dumps({
        path.name: oct(stat.S_IMODE(path.stat().st_mode))
        for path in [settings.DATA_DIR, *settings.DATA_DIR.glob("*.sqlite3*")]
    }))
"""


def modes(data: Path) -> dict[str, str]:
    return dict(json.loads(run_with_settings(WRITE_AND_LIST_MODES, data)))


def test_a_new_data_folder_and_its_databases_are_private(tmp_path: Path) -> None:
    data = tmp_path / "new" / "var"
    assert modes(data) == {
        "var": "0o700",
        "klankbord.sqlite3": "0o600",
        "klankbord.sqlite3-wal": "0o600",
        "klankbord.sqlite3-shm": "0o600",
        "celery-broker.sqlite3": "0o600",
    }
    assert (data / "klankbord.sqlite3").stat().st_size > 0


def test_a_readable_database_of_an_older_install_is_made_private(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir()
    database = data / "klankbord.sqlite3"
    database.touch()
    database.chmod(0o644)
    found = modes(data)
    assert found["klankbord.sqlite3"] == "0o600"
    assert found["klankbord.sqlite3-wal"] == "0o600"
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
