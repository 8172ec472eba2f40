from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console

from klankbord.core.demo import DemoLogin, demo_exists, demo_reset_password, demo_seed


def print_login(login: DemoLogin, site_url: str) -> None:
    console = Console()
    console.print(f"\n[bold green]Demo: {login.organisation.name}[/]")
    console.print(f"  Open      {site_url}/login/")
    console.print(f"  E-mail    {login.email}")
    console.print(f"  Password  [bold]{login.password}[/]  (shown only now)\n")


class Command(BaseCommand):
    help = (
        "Create the demo business (a Flemish bakery with its team) and print how to log in. "
        "With --reset-password, give its owner a new password instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="Give the demo owner a new password and print it.",
        )

    def handle(self, *args: object, **options: object) -> None:
        from django.conf import settings

        if options["reset_password"]:
            if not demo_exists():
                raise CommandError("There is no demo yet. Run `klankbord demo` first.")
            print_login(demo_reset_password(), settings.SITE_URL)
            return
        if demo_exists():
            raise CommandError(
                "The demo already exists. Use `klankbord demo --reset-password` for a new password."
            )
        print_login(demo_seed(), settings.SITE_URL)
