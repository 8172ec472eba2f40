from django.core.management.base import BaseCommand
from rich.progress import Progress

from klankbord.accounts.two_factor import two_factor_secrets_rotate
from klankbord.channels.services import secrets_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored token, password and two-factor secret with the first key in "
        "KLANKBORD_ENCRYPTION_KEYS. Put a new key first, run this, then drop the old key."
    )

    def handle(self, *args: object, **options: object) -> None:
        with Progress(transient=True) as progress:
            progress.add_task("Re-encrypting secrets…", total=None)
            written = secrets_rotate() + two_factor_secrets_rotate()
        self.stdout.write(f"Re-encrypted the secrets of {written} rows with the newest key.")
