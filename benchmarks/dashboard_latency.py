"""Median server time of the dashboard page, under production settings.

Run: make benchmark   (or .venv/bin/python benchmarks/dashboard_latency.py --requests 500)
Set DATABASE_URL to measure on PostgreSQL instead of a fresh SQLite file.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def configure(data_dir: str) -> None:
    from cryptography.fernet import Fernet

    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "klankbord.settings",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "KLANKBORD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "KLANKBORD_DATA_DIR": data_dir,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()


def prepare(members: int) -> tuple[object, str]:
    from django.core.management import call_command
    from django.test import Client

    from klankbord.accounts.models import User
    from klankbord.orgs.models import Membership, Role
    from klankbord.orgs.services import organisation_create

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    owner = User.objects.create_user(email=f"bench-{secrets.token_hex(4)}@example.be")
    org = organisation_create(name=f"Benchmark {secrets.token_hex(3)}", owner=owner)
    for n in range(members):
        user = User.objects.create_user(email=f"member{n}-{secrets.token_hex(3)}@example.be")
        Membership.objects.create(organisation=org, user=user, role=Role.EDITOR)
    for n in range(5):
        other = organisation_create(name=f"Tweede zaak {n} {secrets.token_hex(2)}", owner=owner)
        assert other.pk
    client = Client()
    client.force_login(owner)
    return client, f"/o/{org.slug}/"


def measure(client: object, url: str, requests: int) -> list[float]:
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--members", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        configure(data_dir)
        from django.db import connection

        client, url = prepare(args.members)
        measure(client, url, 20)  # warm up caches and the template loader
        timings = sorted(measure(client, url, args.requests))
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"database: {connection.vendor}")
        print(f"requests: {len(timings)}")
        print(f"dashboard median: {statistics.median(timings):.1f} ms (target < 50 ms)")
        print(f"dashboard p95:    {p95:.1f} ms")
        print(f"dashboard max:    {timings[-1]:.1f} ms")


if __name__ == "__main__":
    main()
