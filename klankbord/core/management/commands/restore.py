from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from klankbord.core.backups import BackupError, backup_restore
from klankbord.core.keys import encryption_keys_problem
from klankbord.lib.crypto import secret_box


class Command(BaseCommand):
    help = (
        "Restore an archive made by `klankbord backup` into an empty installation, then migrate "
        "and check that the encryption keys read the stored tokens. Stop web, workers and beat "
        "first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds organisations or users.",
        )

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        try:
            restored = backup_restore(path=path, force=bool(options["force"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        call_command("migrate", interactive=False, verbosity=0)
        manifest = restored.manifest
        self.stdout.write(
            f"Restored {manifest['organisations']} organisations from {path} "
            f"(Klankbord {manifest['version']}, {manifest['created']})."
        )
        if restored.settings_file:
            self.stdout.write(
                f"The backup's settings are in {restored.settings_file}: compare them with "
                "this installation's settings file; nothing was changed there."
            )
        secret_box.cache_clear()
        if problem := encryption_keys_problem():
            raise CommandError(f"The data is restored, but: {problem}")
        self.stdout.write("The encryption keys read the stored tokens.")
