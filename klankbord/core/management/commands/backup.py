from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from klankbord.core.backups import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database and the settings file, safe while "
        "Klankbord runs. Secrets (SECRET_KEY, KLANKBORD_ENCRYPTION_KEYS, passwords, tokens) stay "
        "out unless --with-secrets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Where to write the archive.")
        parser.add_argument(
            "--with-secrets",
            action="store_true",
            help="Also keep the secrets: whoever has the archive can then read every token.",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        with_secrets = bool(options["with_secrets"])
        try:
            manifest = backup_write(path=path, with_secrets=with_secrets)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {manifest['organisations']} organisations ({manifest['database']}) "
            f"to {path}."
        )
        if with_secrets:
            self.stderr.write(
                "Warning: this archive holds SECRET_KEY and KLANKBORD_ENCRYPTION_KEYS. Whoever "
                "has it can read the tokens of every connected account: keep it as safe as the "
                "server itself."
            )
        else:
            self.stderr.write(
                "Without secrets: keep KLANKBORD_ENCRYPTION_KEYS safe elsewhere. A restore "
                "without them cannot read the tokens of connected accounts."
            )
