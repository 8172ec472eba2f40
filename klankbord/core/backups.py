"""One archive with the database and the settings that matter; restored into an empty install.

The archive is a .tar.gz with `manifest.json` (version, date, database kind, migrations),
`settings.env` (secrets only when asked for) and the database: `database.sqlite3` made with
SQLite's online backup, or `database.pgdump` made with `pg_dump --format=custom`.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from klankbord.accounts.models import User
from klankbord.orgs.models import Organisation

FORMAT = 1
MANIFEST = "manifest.json"
SETTINGS = "settings.env"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SECRET_SETTINGS = {"SECRET_KEY", "KLANKBORD_ENCRYPTION_KEYS"}


class BackupError(Exception):
    """A backup or restore that cannot be done, with what to do about it."""


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    settings_file: Path | None


def database_kind() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def is_secret(name: str, value: str) -> bool:
    """Secrets stay out of a backup unless asked for: keys, passwords, tokens, URLs with them."""
    return (
        name in SECRET_SETTINGS
        or name.endswith(("_KEY", "_KEYS", "_TOKEN", "_PASSWORD", "_SECRET"))
        or ("://" in value and "@" in value)
    )


def settings_lines(*, with_secrets: bool) -> list[str]:
    """The lines of the settings file, without the secret ones unless `with_secrets`."""
    env_file = Path(settings.ENV_FILE)
    if not env_file.is_file():
        return []
    lines = []
    for line in env_file.read_text().splitlines():
        name, sep, value = line.partition("=")
        setting = sep and not line.lstrip().startswith("#")
        if setting and not with_secrets and is_secret(name.strip(), value.strip()):
            continue
        lines.append(line)
    return lines


def applied_migrations() -> dict[str, list[str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app, name in sorted(loader.applied_migrations):
        applied.setdefault(app, []).append(name)
    return applied


def klankbord_version() -> str:
    try:
        return version("klankbord")
    except PackageNotFoundError:
        return "unknown"


def backup_write(*, path: Path, with_secrets: bool) -> dict[str, Any]:
    """Write the archive to `path` (readable by this user only) and return its manifest."""
    kind = database_kind()
    manifest = {
        "format": FORMAT,
        "version": klankbord_version(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": kind,
        "with_secrets": with_secrets,
        "migrations": applied_migrations(),
        "organisations": Organisation.objects.count(),
    }
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DATABASE_FILES[kind]
        if kind == "sqlite":
            sqlite_backup(source=Path(settings.DATABASES["default"]["NAME"]), target=dump)
        else:
            postgres_dump(target=dump)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        path.chmod(0o600)
        with tarfile.open(path, "w:gz") as archive:
            add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2).encode())
            add_bytes(
                archive,
                SETTINGS,
                "\n".join([*settings_lines(with_secrets=with_secrets), ""]).encode(),
            )
            archive.add(dump, arcname=dump.name)
    return manifest


def add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def sqlite_backup(*, source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy while web and workers keep writing."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def postgres_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def postgres_tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} is not on PATH. Install PostgreSQL's client tools "
            "(Debian: apt-get install postgresql-client) in the version of your server, or newer."
        )
    return found


def postgres_dump(*, target: Path) -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    run_tool([postgres_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}", name])


def postgres_restore(*, source: Path) -> None:
    name = str(settings.DATABASES["default"]["NAME"])
    run_tool(
        [
            postgres_tool("pg_restore"),
            *("--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"),
            f"--dbname={name}",
            str(source),
        ]
    )


def run_tool(argv: list[str]) -> None:
    result = subprocess.run(argv, env=postgres_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed: {result.stderr.strip()}")


def database_has_data() -> bool:
    tables = set(connection.introspection.table_names())
    return any(
        model._meta.db_table in tables and model.objects.exists() for model in (Organisation, User)
    )


def open_archive(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} is not a Klankbord backup ({error}).") from error


def read_manifest(archive: tarfile.TarFile, path: Path) -> dict[str, Any]:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} is not a Klankbord backup ({error}).") from error
    if not isinstance(manifest, dict):
        raise BackupError(f"{path} is not a Klankbord backup (no manifest).")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} has backup format {manifest.get('format')}; expected {FORMAT}.")
    return manifest


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations in the backup that this code does not have: it was made by a newer version."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )


def backup_restore(*, path: Path, force: bool) -> Restored:
    """Put the backup's database in place of this installation's; keep its settings beside."""
    kind = database_kind()
    with open_archive(path) as archive:
        manifest = read_manifest(archive, path)
        if manifest["database"] != kind:
            raise BackupError(
                f"This backup holds a {manifest['database']} database; this installation uses "
                f"{kind}. Restore it into a {manifest['database']} installation."
            )
        if newer := unknown_migrations(manifest):
            raise BackupError(
                "This backup was made by a newer Klankbord (migrations unknown here: "
                f"{', '.join(newer[:5])}). Install that version or newer first."
            )
        if database_has_data() and not force:
            raise BackupError(
                "This installation's database already holds organisations or users. Restore "
                "into an empty installation, or add --force to replace everything in it."
            )
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / DATABASE_FILES[kind]
            member = member_of(archive, DATABASE_FILES[kind])
            if member is None:
                raise BackupError(f"{path} holds no database.")
            with dump.open("wb") as out:
                shutil.copyfileobj(member, out)
            connections.close_all()
            if kind == "sqlite":
                sqlite_backup(source=dump, target=Path(settings.DATABASES["default"]["NAME"]))
            else:
                postgres_restore(source=dump)
        settings_file = restore_settings(archive)
    return Restored(manifest=manifest, settings_file=settings_file)


def member_of(archive: tarfile.TarFile, name: str) -> IO[bytes] | None:
    try:
        return archive.extractfile(name)
    except KeyError:
        return None


def restore_settings(archive: tarfile.TarFile) -> Path | None:
    """The backup's settings, beside the data for the operator to compare: never applied."""
    member = member_of(archive, SETTINGS)
    text = member.read().decode() if member else ""
    if not text.strip():
        return None
    target = Path(settings.DATA_DIR) / "settings-from-backup.env"
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
    target.write_text(text)
    return target
